import { type Diagnostic } from '../../report/diagnostic.js';
import { SERVICES, serviceEnabled } from '../../model/catalog.js';
import { Defaults } from '../../model/defaults.js';
import { defineInputRule } from './rule.js';

/** A production service with one replica has no availability during a restart or node loss. */
export const productionReplicas = defineInputRule(
  {
    'prod-replicas': { severity: 'warning', summary: 'a production service runs fewer than 2 replicas' },
  },
  ({ site, file }, { warning }) => {
    if (site.site.environment !== 'production') return [];
    const out: Diagnostic[] = [];
    for (const info of SERVICES) {
      const input = site.services?.[info.id];
      const s = { id: info.id, info, replicas: input?.replicas ?? Defaults.replicas };
      if (!serviceEnabled(site, info) || s.replicas >= 2) continue;
      const path = input?.replicas !== undefined ? ['services', s.id, 'replicas'] : input ? ['services', s.id] : ['services'];
      out.push(
        warning(
          'prod-replicas',
          file,
          path,
          `${s.info.chart} runs ${s.replicas} replica${s.replicas === 1 ? '' : 's'} in production; use at least 2`,
        ),
      );
    }
    return out;
  },
);
