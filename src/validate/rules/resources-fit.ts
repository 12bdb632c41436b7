import { databaseMemoryFloorMi, quantityValue } from '../../model/resources.js';
import type { Resources } from '../../model/site-model.js';
import { type Diagnostic, type PathSegment } from '../../report/diagnostic.js';
import { defineRule } from './rule.js';

const KINDS = ['cpu', 'memory', 'ephemeral-storage'] as const;

/**
 * Requests and limits as the pods get them (the chart's defaults with the site's amounts merged
 * over them): Kubernetes refuses a pod whose request exceeds its limit, which `helm upgrade` would
 * only report halfway through a rollout. The bundled PostgreSQL must hold its connections: each
 * backend takes memory, so a limit below 128 MiB + 2 MiB × max_connections gets the server killed
 * under load instead of refusing connections.
 */
export const resourcesFit = defineRule(
  {
    'resources-request-over-limit': { severity: 'error', summary: "a container's request exceeds its limit (after the chart's defaults)" },
    'db-memory-connections': {
      severity: 'error',
      summary: "the bundled PostgreSQL's memory limit cannot hold its max_connections (128 MiB + 2 MiB per connection)",
    },
  },
  ({ site, model, file }, { error }) => {
    const out: Diagnostic[] = [];
    const check = (
      what: string,
      r: Resources,
      at: readonly PathSegment[],
      input: { requests?: object; limits?: object } | undefined,
    ): void => {
      for (const kind of KINDS) {
        const request = r.requests[kind];
        const limit = r.limits[kind];
        if (quantityValue(request) <= quantityValue(limit)) continue;
        // At what the site wrote: the request, or the limit when only that is the site's.
        const side =
          input?.requests !== undefined && kind in input.requests
            ? 'requests'
            : input?.limits !== undefined && kind in input.limits
              ? 'limits'
              : 'requests';
        out.push(
          error(
            'resources-request-over-limit',
            file,
            [...at, 'resources', side, kind],
            `${what} requests ${kind} ${request} but its limit is ${limit}`,
            {
              hint: `set both ${[...at, 'resources'].join('.')}.requests.${kind} and .limits.${kind}, the request at most the limit`,
            },
          ),
        );
      }
    };
    for (const s of model.services.filter((x) => x.enabled))
      check(s.info.chart, s.resources, ['services', s.id], site.services?.[s.id]?.resources);
    const db = model.database;
    if (db.resources !== undefined && db.maxConnections !== undefined) {
      check('the bundled PostgreSQL', db.resources, ['database'], site.database?.resources);
      const floor = databaseMemoryFloorMi(db.maxConnections);
      const limit = db.resources.limits.memory;
      if (quantityValue(limit) < floor * 2 ** 20) {
        const set = site.database?.resources?.limits?.memory !== undefined;
        out.push(
          error(
            'db-memory-connections',
            file,
            set ? ['database', 'resources', 'limits', 'memory'] : ['database', 'resources'],
            `a memory limit of ${limit} cannot hold max_connections = ${String(db.maxConnections)}: PostgreSQL needs 128Mi + 2Mi per connection, ${String(floor)}Mi`,
            { hint: `raise database.resources.limits.memory to at least ${String(floor)}Mi, or lower the pools (database.maxConnections)` },
          ),
        );
      }
    }
    return out;
  },
);
