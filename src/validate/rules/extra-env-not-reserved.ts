import { compareStrings, type Diagnostic } from '../../report/diagnostic.js';
import { defineRule } from './rule.js';

/**
 * Names the compose .env holds for the project rather than for one service (compose-env.ts); a
 * test keeps this list in step with what the emitter writes.
 */
export const PROJECT_ENV =
  /^(COMPOSE_[A-Z0-9_]*|CHAMICORE_REGISTRY|CHAMICORE_VERSION|CHAMICORE_[A-Z]+_IMAGE|POSTGRES_(DB|USER|PASSWORD)|NATS_TOKEN)$/;

/**
 * Extra environment variables may add to what the compiler sets, never replace it: replacing
 * the DSN, the token or dev mode would bypass the rules or put a secret into values.yaml. The
 * compose .env is one namespace, where the last assignment wins: so a name the compiler sets for
 * any service or for the project is reserved in every service, and two services may not give one
 * name different values.
 */
export const extraEnvNotReserved = defineRule(
  {
    'env-conflict': {
      severity: 'error',
      summary: 'two services give one extra environment variable different values (the compose .env holds one)',
    },
    'env-reserved': { severity: 'error', summary: 'an extra environment variable replaces one the compiler sets' },
  },
  ({ site, model, file }, { error }) => {
    const out: Diagnostic[] = [];
    const reserved = new Set(model.services.flatMap((s) => s.reservedEnv));
    const first = new Map<string, { service: string; value: string }>();
    for (const s of model.services) {
      if (!s.enabled) continue;
      const env = site.services?.[s.id]?.env ?? {};
      for (const name of Object.keys(env).sort(compareStrings)) {
        const path = ['services', s.id, 'env', name];
        if (reserved.has(name) || PROJECT_ENV.test(name)) {
          // Which site key sets it, the compiler can say: explain traces the output back to its keys.
          const owner = model.services.find((x) => x.enabled && x.reservedEnv.includes(name));
          const output =
            owner !== undefined && model.targets.helm ? `helm/values.yaml:${owner.info.chart}.env.${name}` : `compose/.env:${name}`;
          out.push(
            error('env-reserved', file, path, `${name} is set by chamicore-compile and cannot be overridden in env`, {
              onKey: true,
              hint: `remove it from env and set the site key it comes from; chamicore-compile explain ${file} ${output} names that key`,
            }),
          );
          continue;
        }
        const value = env[name] ?? '';
        const earlier = first.get(name);
        if (earlier === undefined) first.set(name, { service: s.id, value });
        else if (earlier.value !== value) {
          out.push(
            error('env-conflict', file, path, `${name} is also set by services.${earlier.service}.env to another value`, {
              onKey: true,
              hint: 'the compose .env holds one value per name: give both services the same value or use another name',
            }),
          );
        }
      }
    }
    return out;
  },
);
