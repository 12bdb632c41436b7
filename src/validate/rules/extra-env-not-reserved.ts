import { compareStrings, error, type Diagnostic } from '../../report/diagnostic.js';
import type { Rule } from './rule.js';

/**
 * Extra environment variables may add to what the compiler sets, never replace it: replacing
 * the DSN, the token or dev mode would bypass the rules or put a secret into values.yaml.
 */
export const extraEnvNotReserved: Rule = ({ site, model, file }) => {
  const out: Diagnostic[] = [];
  for (const s of model.services) {
    const reserved = new Set(s.reservedEnv);
    for (const name of Object.keys(site.services?.[s.id]?.env ?? {}).sort(compareStrings)) {
      if (!reserved.has(name)) continue;
      out.push(
        error(
          'env-reserved',
          file,
          ['services', s.id, 'env', name],
          `${name} is set by chamicore-compile and cannot be overridden in env`,
          {
            onKey: true,
          },
        ),
      );
    }
  }
  return out;
};
