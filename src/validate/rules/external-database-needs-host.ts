import { error } from '../../report/diagnostic.js';
import type { Rule } from './rule.js';

/** An external database must say where it is. */
export const externalDatabaseNeedsHost: Rule = ({ site, file }) =>
  site.database?.mode === 'external' && site.database.host === undefined
    ? [error('external-db-host', file, ['database', 'mode'], 'database.mode is external, but database.host is not set')]
    : [];
