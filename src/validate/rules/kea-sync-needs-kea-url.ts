import { SERVICES, serviceEnabled } from '../../model/catalog.js';
import { defineInputRule } from './rule.js';

/** chamicore-kea-sync pushes reservations to Kea; it needs the control agent's URL. */
export const keaSyncNeedsKeaUrl = defineInputRule(
  {
    'kea-sync-url': { severity: 'error', summary: 'kea-sync needs `dhcp.kea.url`' },
  },
  ({ site, file }, { error }) => {
    const keaSync = SERVICES.find((s) => s.id === 'kea-sync')!;
    if (!serviceEnabled(site, keaSync) || site.dhcp?.kea?.url !== undefined) return [];
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
