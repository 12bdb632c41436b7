import { type Diagnostic } from '../../report/diagnostic.js';
import { SERVICES, serviceEnabled } from '../../model/catalog.js';
import { defineInputRule } from './rule.js';

/** `latest` moves under a running production site; production pins a version or commit. */
export const noLatestInProduction = defineInputRule(
  {
    'prod-latest-tag': { severity: 'error', summary: 'a production site pins no `latest` image' },
  },
  ({ site, file }, { error }) => {
    if (site.site.environment !== 'production') return [];
    const out: Diagnostic[] = [];
    const message = 'image tag "latest" is refused in production; pin vX.Y.Z or a commit SHA';
    if (site.images?.tag === 'latest') out.push(error('prod-latest-tag', file, ['images', 'tag'], message));
    for (const s of SERVICES) {
      if (serviceEnabled(site, s) && site.services?.[s.id]?.image?.tag === 'latest') {
        out.push(error('prod-latest-tag', file, ['services', s.id, 'image', 'tag'], `${s.chart}: ${message}`));
      }
    }
    return out;
  },
);
