import { hostFor } from '../model/text-values.js';
import type { SecretExpr } from '../model/site-model.js';
import { revealSecret } from './reveal.js';
import { SecretValue } from './secret-value.js';

export type Target = 'helm' | 'compose';

/**
 * Computes one key of a Kubernetes Secret for a target. DSNs are built here, with the user and
 * password percent-encoded, so a password holding `@`, `:` or `/` cannot change the URL.
 */
export function evaluateSecret(expr: SecretExpr, values: ReadonlyMap<string, SecretValue>, target: Target): SecretValue {
  switch (expr.kind) {
    case 'text':
      return new SecretValue(expr.text);
    case 'named':
      return lookup(values, expr.secret);
    case 'dsn': {
      const password = revealSecret(lookup(values, expr.passwordSecret));
      const query = `sslmode=${encodeURIComponent(expr.sslMode)}&search_path=${encodeURIComponent(expr.schema)}`;
      return new SecretValue(
        `postgres://${encodeURIComponent(expr.user)}:${encodeURIComponent(password)}@${hostFor(expr.host, target)}:${expr.port}/${encodeURIComponent(expr.database)}?${query}`,
      );
    }
    case 'nats-url': {
      const token = revealSecret(lookup(values, expr.tokenSecret));
      return new SecretValue(`nats://${encodeURIComponent(token)}@${hostFor(expr.host, target)}:${expr.port}`);
    }
    case 'dockerconfigjson': {
      // What `docker login` writes: user, password and their base64 `auth`, which kubelet reads.
      // JSON.stringify escapes whatever a password holds; key order is fixed.
      const auths: Record<string, { username: string; password: string; auth: string }> = {};
      for (const login of expr.logins) {
        const password = revealSecret(lookup(values, login.passwordSecret));
        Object.defineProperty(auths, login.registry, {
          value: {
            username: login.username,
            password,
            auth: Buffer.from(`${login.username}:${password}`, 'utf8').toString('base64'),
          },
          enumerable: true,
        });
      }
      return new SecretValue(JSON.stringify({ auths }));
    }
  }
}

function lookup(values: ReadonlyMap<string, SecretValue>, name: string): SecretValue {
  const v = values.get(name);
  // The pipeline stops on any secret diagnostic before emitting, so this is a bug if reached.
  if (v === undefined) throw new Error(`internal: secret "${name}" was not resolved`);
  return v;
}
