import { defineRule } from './rule.js';

/** chamicore-kea-sync pushes reservations to Kea; it needs the control agent's URL. */
export const keaSyncNeedsKeaUrl = defineRule(
  {
    'kea-sync-url': { severity: 'error', summary: 'kea-sync needs `dhcp.kea.url`' },
  },
  ({ site, model, file }, { error }) => {
    const keaSync = model.services.find((s) => s.id === 'kea-sync');
    if (keaSync?.enabled !== true || site.dhcp?.kea?.url !== undefined) return [];
    return [
      error(
        'kea-sync-url',
        file,
        site.services?.['kea-sync'] ? ['services', 'kea-sync'] : ['services'],
        'chamicore-kea-sync is enabled, but dhcp.kea.url is not set',
        {
          hint: 'set dhcp.kea.url, or disable it with services.kea-sync.enabled: false',
        },
      ),
    ];
  },
);
