import { connectionBudget, databaseMaxConnections, databaseUsers } from '../../model/site-facts.js';
import { defineInputRule } from './rule.js';

/**
 * Every pod of every service may open its pool's maxOpenConns: the sum over the services of
 * maxOpenConns × replicas must fit in the database's max_connections. A bundled database gets
 * the budget plus headroom unless the site states the limit; an external one must state it.
 */
export const databaseConnectionBudget = defineInputRule(
  {
    'db-connection-budget': {
      severity: 'error',
      summary:
        "the services' database pools (maxOpenConns × replicas) exceed the database's max_connections, or an external database does not state it",
    },
  },
  ({ site, file }, { error }) => {
    const budget = connectionBudget(site);
    const db = { connectionBudget: budget, maxConnections: databaseMaxConnections(site, budget) };
    const parts = databaseUsers(site)
      .map((u) => `${u.info.id} ${String(u.maxOpenConns)}×${String(u.replicas)}`)
      .join(' + ');
    if (db.maxConnections === undefined) {
      return [
        error(
          'db-connection-budget',
          file,
          ['database', 'mode'],
          'an external database needs database.maxConnections, the limit its server enforces',
          {
            hint: `the services may open ${String(db.connectionBudget)} connections (${parts})`,
          },
        ),
      ];
    }
    if (db.connectionBudget <= db.maxConnections) return [];
    const path = site.database?.maxConnections !== undefined ? ['database', 'maxConnections'] : ['database'];
    return [
      error(
        'db-connection-budget',
        file,
        path,
        `the services may open ${String(db.connectionBudget)} database connections (${parts}), more than database.maxConnections ${String(db.maxConnections)}`,
        { hint: 'lower services.<service>.database.maxOpenConns or replicas, or raise the limit' },
      ),
    ];
  },
);
