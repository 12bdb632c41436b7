import { defineInputRule } from './rule.js';

/** An external database must say where it is. */
export const externalDatabaseNeedsHost = defineInputRule(
  {
    'external-db-host': { severity: 'error', summary: 'an external database needs `database.host`' },
  },
  ({ site, file }, { error }) =>
    site.database?.mode === 'external' && site.database.host === undefined
      ? [error('external-db-host', file, ['database', 'mode'], 'database.mode is external, but database.host is not set')]
      : [],
);
