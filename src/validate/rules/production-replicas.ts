import { type Diagnostic } from '../../report/diagnostic.js';
import { defineRule } from './rule.js';

/** A production service with one replica has no availability during a restart or node loss. */
export const productionReplicas = defineRule(
  {
    'prod-replicas': { severity: 'warning', summary: 'a production service runs fewer than 2 replicas' },
  },
  ({ site, model, file }, { warning }) => {
    if (model.environment !== 'production') return [];
    const out: Diagnostic[] = [];
    for (const s of model.services) {
      if (!s.enabled || s.replicas >= 2) continue;
      const input = site.services?.[s.id];
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
