import type { Site } from '../generated/site.js';
import { compareStrings } from '../util/compare.js';
import { NATS_PORT, type ServiceId, type ServiceInfo } from './catalog.js';
import { Defaults } from './defaults.js';
import { required } from './required.js';
import { exprIdentity, exprSecrets, sha256 } from './secret-identity.js';
import type {
  DatabaseModel,
  EnvVar,
  GenerateSpec,
  OidcProvider,
  RegistryLogin,
  SecretExpr,
  SecretGroup,
  SecretSource,
  SecretSpec,
} from './site-model.js';

export type SecretInput = NonNullable<NonNullable<Site['secrets']>[string]>;

export /** Checksum of exactly the Secret keys a service's environment reads. */
function serviceSecretsChecksum(env: readonly EnvVar[], groups: readonly SecretGroup[], specs: ReadonlyMap<string, SecretSpec>): string {
  const read = env.flatMap((e) => {
    if (e.value.kind !== 'secret') return [];
    const ref = e.value;
    const expr = groups.find((g) => g.id === ref.group)?.keys.find((k) => k.key === ref.key)?.value;
    return [[e.name, `${ref.group}/${ref.key}`, expr === undefined ? null : exprIdentity(expr, specs)]];
  });
  return sha256(JSON.stringify(read));
}

export function secretSource(input: SecretInput): SecretSource {
  // The schema allows exactly one source; the generated type is a union with one member per source.
  if ('generate' in input) {
    const g = input.generate;
    const spec: GenerateSpec =
      'bytes' in g
        ? { kind: 'bytes', bytes: g.bytes, encoding: g.encoding ?? Defaults.generateEncoding }
        : { kind: 'chars', length: g.length, alphabet: g.alphabet ?? Defaults.generateAlphabet };
    return { kind: 'generate', spec };
  }
  if ('fromEnv' in input) return { kind: 'env', variable: input.fromEnv };
  if ('fromFile' in input) return { kind: 'file', file: input.fromFile };
  return { kind: 'value', value: input.value };
}

/** The Kubernetes Secrets of a site, and how each key is computed. */
export function buildSecretGroups(
  site: string,
  services: readonly { readonly id: ServiceId; readonly enabled: boolean; readonly info: ServiceInfo }[],
  db: DatabaseModel,
  oidc: readonly OidcProvider[],
  natsBundled: boolean,
  logins: readonly RegistryLogin[],
): Omit<SecretGroup, 'sources' | 'checksum'>[] {
  const enabled = (id: ServiceId): boolean => services.some((s) => s.id === id && s.enabled);
  const groups: { id: string; description: string; type?: SecretGroup['type']; keys: { key: string; value: SecretExpr }[] }[] = [];
  groups.push({
    id: 'internal-token',
    description: 'shared service-to-service token (CHAMICORE_INTERNAL_TOKEN)',
    keys: [{ key: 'token', value: { kind: 'named', secret: 'internal-token' } }],
  });
  const dbKeys: { key: string; value: SecretExpr }[] = [
    { key: 'username', value: { kind: 'text', text: db.user } },
    { key: 'password', value: { kind: 'named', secret: 'db-password' } },
  ];
  if (db.mode === 'bundled') dbKeys.push({ key: 'postgres-password', value: { kind: 'named', secret: 'db-admin-password' } });
  for (const s of services) {
    if (!s.enabled || s.info.dbSchema === undefined) continue;
    dbKeys.push({
      key: `${s.id}-dsn`,
      value: {
        kind: 'dsn',
        user: db.user,
        passwordSecret: 'db-password',
        host: db.host,
        port: db.port,
        database: db.name,
        sslMode: db.sslMode,
        schema: s.info.dbSchema,
      },
    });
  }
  groups.push({ id: 'db', description: 'database credentials and per-service DSNs', keys: dbKeys });
  if (enabled('auth')) {
    groups.push({
      id: 'auth',
      description: 'chamicore-auth credential encryption key',
      keys: [{ key: 'encryption-key', value: { kind: 'named', secret: 'auth-encryption-key' } }],
    });
  }
  const withSecret = oidc.filter((p) => p.clientSecret !== undefined);
  if (enabled('auth') && withSecret.length > 0) {
    groups.push({
      id: 'oidc',
      description: 'OIDC client secrets of the external identity providers',
      keys: withSecret.map((p) => ({
        key: `${p.name}-client-secret`,
        value: { kind: 'named', secret: required(p.clientSecret, `auth.oidc.providers[${p.name}].clientSecret`) },
      })),
    });
  }
  if (enabled('ui')) {
    groups.push({
      id: 'ui',
      description: 'chamicore-ui session key',
      keys: [{ key: 'session-key', value: { kind: 'named', secret: 'ui-session-key' } }],
    });
  }
  if (enabled('mcp')) {
    groups.push({
      id: 'mcp',
      description: 'chamicore-mcp bearer token (separate from the internal token)',
      keys: [{ key: 'token', value: { kind: 'named', secret: 'mcp-token' } }],
    });
  }
  if (natsBundled) {
    groups.push({
      id: 'nats',
      description: 'token of the bundled NATS server, and the URL that carries it (CHAMICORE_NATS_URL)',
      keys: [
        { key: 'token', value: { kind: 'named', secret: 'nats-token' } },
        { key: 'url', value: { kind: 'nats-url', tokenSecret: 'nats-token', host: { kind: 'nats' }, port: NATS_PORT } },
      ],
    });
  }
  if (logins.length > 0) {
    groups.push({
      id: 'registry',
      description: 'registry logins every pod of the release pulls its images with (kubernetes.registryCredentials)',
      type: 'kubernetes.io/dockerconfigjson',
      keys: [{ key: '.dockerconfigjson', value: { kind: 'dockerconfigjson', logins } }],
    });
  }
  return groups.map((g) => ({
    id: g.id,
    name: `${site}-${g.id}`,
    description: g.description,
    type: g.type ?? 'Opaque',
    keys: [...g.keys].sort((a, b) => compareStrings(a.key, b.key)),
  }));
}

/**
 * The spec of every secret the Secrets read, from the site's own definition or the built-in
 * default. A referenced secret the site does not define and that is not built in is refused by
 * the input rule secret-undefined, so it cannot reach here.
 */
export function secretSpecs(
  groups: readonly Omit<SecretGroup, 'sources' | 'checksum'>[],
  declared: Readonly<Record<string, SecretInput | undefined>>,
): SecretSpec[] {
  const used = new Set(groups.flatMap((g) => g.keys.flatMap((k) => exprSecrets(k.value))));
  // Own keys only: a secret named `constructor` is not Object.prototype's.
  const own = (map: Readonly<Record<string, SecretInput | undefined>>, name: string): SecretInput | undefined =>
    Object.hasOwn(map, name) ? map[name] : undefined;
  return [...used].sort(compareStrings).map((name) => {
    const input = own(declared, name);
    const spec = required(input ?? own(Defaults.secrets, name), `the definition of secret "${name}"`);
    return {
      name,
      source: secretSource(spec),
      rotation: spec.rotation ?? 0,
      acknowledgedRotation: input?.acknowledgeRotation,
      declared: input !== undefined,
    };
  });
}
