import { type Diagnostic } from '../../report/diagnostic.js';
import { defineInputRule } from './rule.js';

/** Provider names become variable names and Secret keys: they must be unique. */
export const oidcProvidersUnique = defineInputRule(
  {
    'oidc-duplicate-provider': { severity: 'error', summary: 'two OIDC providers share a name' },
  },
  ({ site, file }, { error }) => {
    const out: Diagnostic[] = [];
    const seen = new Set<string>();
    (site.auth?.oidc?.providers ?? []).forEach((p, i) => {
      const token = p.name.toUpperCase().replace(/-/g, '_');
      if (seen.has(token)) {
        out.push(
          error('oidc-duplicate-provider', file, ['auth', 'oidc', 'providers', i, 'name'], `identity provider "${p.name}" is listed twice`),
        );
      }
      seen.add(token);
    });
    return out;
  },
);
