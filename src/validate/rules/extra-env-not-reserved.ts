import { type Diagnostic } from '../../report/diagnostic.js';
import { compareStrings } from '../../util/compare.js';
import { defineRule } from './rule.js';

/**
 * Extra environment variables may add to what the compiler sets for a service, never replace it:
 * replacing the DSN, the token or dev mode would bypass the rules or put a secret into values.yaml.
 * Each service has its own environment (its Helm `env`, its compose env file), so two services may
 * give one extra name different values.
 */
export const extraEnvNotReserved = defineRule(
  {
    'env-reserved': { severity: 'error', summary: 'an extra environment variable replaces one the compiler sets' },
  },
  ({ site, model, file }, { error }) => {
    const out: Diagnostic[] = [];
    for (const s of model.services) {
      if (!s.enabled) continue;
      const env = site.services?.[s.id]?.env ?? {};
      const reserved = new Set(s.reservedEnv);
      for (const name of Object.keys(env).sort(compareStrings)) {
        if (!reserved.has(name)) continue;
        // Which site key sets it, the compiler can say: explain traces the output back to its keys.
        const output = model.targets.helm
          ? `helm/values.yaml:${s.info.chart}.env.${name}`
          : `compose/env/${s.info.composeService}.env:${name}`;
        out.push(
          error(
            'env-reserved',
            file,
            ['services', s.id, 'env', name],
            `${name} is set by chamicore-compile and cannot be overridden in env`,
            {
              onKey: true,
              hint: `remove it from env and set the site key it comes from; chamicore-compile explain ${file} ${output} names that key`,
            },
          ),
        );
      }
    }
    return out;
  },
);
