import { Defaults } from '../../model/defaults.js';
import { compareStrings } from '../../util/compare.js';
import { suggest } from '../suggest.js';
import { defineInputRule } from './rule.js';
import { referencedSecrets } from './secrets-defined.js';

const BUILT_IN = Object.keys(Defaults.secrets);

/**
 * A secret the site defines under a name one typo away from a built-in one (`db-pasword`) is a
 * mistake, not a new secret: nothing reads it, and the built-in secret silently keeps its default.
 * A name an OIDC provider or a registry login references is the site's own and is left alone.
 */
export const secretNamesKnown = defineInputRule(
  {
    'secret-name-typo': {
      severity: 'error',
      summary: 'a secret is named one typo away from a built-in secret (`db-pasword`), which would silently keep its default',
    },
  },
  ({ site, file }, { error }) => {
    const referenced = new Set(referencedSecrets(site).map((r) => r.name));
    return Object.keys(site.secrets ?? {})
      .filter((name) => !BUILT_IN.includes(name) && !referenced.has(name))
      .sort(compareStrings)
      .flatMap((name) => {
        const near = suggest(name, BUILT_IN);
        return near === undefined
          ? []
          : [
              error('secret-name-typo', file, ['secrets', name], `secret "${name}" is not a built-in secret (did you mean "${near}"?)`, {
                onKey: true,
                hint: `nothing reads "${name}", and "${near}" keeps its default; rename the key to ${near}`,
              }),
            ];
      });
  },
);
