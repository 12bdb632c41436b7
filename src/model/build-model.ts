import type { Site } from '../generated/site.js';
import { compareStrings } from '../report/diagnostic.js';
import { SERVICES, THIRD_PARTY, type ImageRef, type ServiceId, type ServiceInfo } from './catalog.js';
import { Defaults } from './defaults.js';
import { describeSecret, exprIdentity, exprSecrets, sha256 } from './secret-identity.js';
import type {
  DatabaseModel,
  EnvVar,
  EventsModel,
  GenerateSpec,
  HostRef,
  IngressModel,
  OidcProvider,
  SecretExpr,
  SecretGroup,
  SecretRef,
  SecretSource,
  SecretSpec,
  ServiceModel,
  SiteModel,
  TextPart,
  TextValue,
} from './site-model.js';

type ServiceInput = NonNullable<Site['services']>[ServiceId];
type SecretInput = NonNullable<NonNullable<Site['secrets']>[string]>;

const text = (...parts: TextPart[]): TextValue => ({ kind: 'text', parts });
const bool = (b: boolean): TextValue => text(b ? 'true' : 'false');
const num = (n: number): TextValue => text(String(n));
const url = (id: ServiceId, port: number, suffix = ''): TextValue =>
  text('http://', { host: { kind: 'service', id } }, `:${port}${suffix}`);
const secretRef = (group: string, key: string): SecretRef => ({ kind: 'secret', group, key });

/** Sorted copy of a user-keyed map's entries: input key order never reaches the output. */
function sortedEntries<T>(map: Readonly<Record<string, T>> | undefined): [string, T][] {
  return Object.entries(map ?? {}).sort(([a], [b]) => compareStrings(a, b));
}

/** Upper-cases a name for use inside an environment variable name. */
export function envToken(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * Builds the normalised model of a schema-valid site. Pure and total: every default is applied
 * here, and nothing downstream reads the raw input.
 */
export function buildModel(site: Site, source: string): SiteModel {
  const name = site.site.name;
  const environment = site.site.environment;
  const production = environment === 'production';
  const k8s = site.kubernetes ?? {};
  const release = site.release;
  const images = {
    registry: site.images?.registry ?? Defaults.registry,
    tag: site.images?.tag ?? Defaults.imageTag(release.version),
    pullPolicy: site.images?.pullPolicy ?? Defaults.pullPolicy,
    mirror: site.images?.mirror,
  };
  const obs = site.observability ?? {};
  const devMode = site.auth?.devMode ?? Defaults.devMode;
  const eventsIn = site.events ?? {};
  const eventsEnabled = eventsIn.enabled ?? Defaults.events.enabled;
  const eventsMode = eventsIn.nats?.mode ?? Defaults.events.mode;
  const natsBundled = eventsEnabled && eventsMode === 'bundled';
  const events: EventsModel = {
    enabled: eventsEnabled,
    mode: eventsMode,
    url: !eventsEnabled
      ? text('')
      : eventsMode === 'external'
        ? text(eventsIn.nats?.url ?? '')
        : text('nats://', { host: { kind: 'nats' } }, `:${NATS_PORT}`),
    replicas: eventsIn.nats?.replicas ?? (production ? Defaults.events.replicasProduction : Defaults.events.replicasOther),
    storageSize: eventsIn.nats?.storageSize ?? Defaults.events.storageSize,
    images: thirdPartyImages(THIRD_PARTY.nats.images, 'container.image', eventsIn.nats?.image, images.mirror),
    values: eventsIn.nats?.values ?? {},
  };

  const dbIn = site.database ?? {};
  const dbMode = dbIn.mode ?? Defaults.database.mode;
  const databaseBase: Omit<DatabaseModel, 'connectionBudget' | 'maxConnections'> = {
    mode: dbMode,
    host: dbMode === 'bundled' ? { kind: 'postgresql' } : { kind: 'external', host: dbIn.host ?? '' },
    port: dbIn.port ?? Defaults.database.port,
    name: dbIn.name ?? Defaults.database.name,
    user: dbIn.user ?? Defaults.database.user,
    sslMode: dbIn.sslMode ?? (dbMode === 'bundled' ? Defaults.database.sslModeBundled : Defaults.database.sslModeExternal),
    persistence: {
      size: dbIn.persistence?.size ?? Defaults.database.persistenceSize,
      storageClass: dbIn.persistence?.storageClass ?? k8s.storageClass,
    },
    images: thirdPartyImages(THIRD_PARTY.postgresql.images, 'image', dbIn.image, images.mirror),
    values: dbIn.values ?? {},
  };

  const oidcProviders: OidcProvider[] = [...(site.auth?.oidc?.providers ?? [])]
    .map((p) => ({
      name: p.name,
      issuerUrl: p.issuerUrl,
      audience: p.audience,
      clientId: p.clientId,
      clientSecret: p.clientSecret,
    }))
    .sort((a, b) => compareStrings(a.name, b.name));

  const enabledIds = new Set(SERVICES.filter((s) => site.services?.[s.id]?.enabled ?? !s.optional).map((s) => s.id));
  const ctx: EnvContext = {
    site,
    enabledIds,
    devMode,
    // A bundled NATS takes a token: the URL that carries it lives in the <site>-nats Secret.
    natsUrl: natsBundled ? secretRef('nats', 'url') : events.url,
    eventsEnabled,
    otlpEndpoint: obs.otlpEndpoint,
    logLevel: obs.logLevel ?? Defaults.logLevel,
    metrics: obs.metrics ?? Defaults.metrics,
    traces: obs.traces ?? Defaults.traces,
    oidcProviders,
  };
  const draft = SERVICES.map((info) => {
    const input = site.services?.[info.id];
    const enabled = enabledIds.has(info.id);
    const env = enabled ? serviceEnv(info, input, ctx) : { env: [], reserved: [] };
    const pool = info.pool === undefined ? undefined : poolOf(input, info.pool);
    return {
      info,
      id: info.id,
      enabled,
      pool,
      replicas: input?.replicas ?? Defaults.replicas,
      resources: {
        ...(input?.resources?.requests ? { requests: { ...input.resources.requests } } : {}),
        ...(input?.resources?.limits ? { limits: { ...input.resources.limits } } : {}),
      },
      image: {
        registry: images.registry,
        repository: input?.image?.repository ?? info.chart,
        tag: input?.image?.tag ?? images.tag,
        pullPolicy: images.pullPolicy,
      },
      env: env.env,
      reservedEnv: env.reserved,
    };
  });

  const connectionBudget = draft.reduce((sum, s) => sum + (s.enabled && s.pool ? s.pool.maxOpenConns * s.replicas : 0), 0);
  const database: DatabaseModel = {
    ...databaseBase,
    connectionBudget,
    maxConnections: dbIn.maxConnections ?? (dbMode === 'bundled' ? Defaults.database.maxConnections(connectionBudget) : undefined),
  };

  const groupDrafts = buildSecretGroups(name, draft, database, oidcProviders, natsBundled);
  const usedSecrets = new Set(groupDrafts.flatMap((g) => g.keys.flatMap((k) => exprSecrets(k.value))));
  const declared = new Map(Object.entries(site.secrets ?? {}));
  const secrets: SecretSpec[] = [...usedSecrets].sort(compareStrings).flatMap((secretName) => {
    const input = declared.get(secretName);
    // Own keys only: a secret named `constructor` is not Object.prototype's.
    const builtIns = Defaults.secrets as Record<string, SecretInput | undefined>;
    const fallback = Object.hasOwn(builtIns, secretName) ? builtIns[secretName] : undefined;
    const spec = input ?? fallback;
    if (spec === undefined) return []; // reported by the secret-undefined rule
    return [
      {
        name: secretName,
        source: secretSource(spec),
        rotation: spec.rotation ?? 0,
        acknowledgedRotation: input?.acknowledgeRotation,
        declared: input !== undefined,
      },
    ];
  });
  const specs = new Map(secrets.map((s) => [s.name, s]));
  const secretGroups: SecretGroup[] = groupDrafts.map((g) => ({
    ...g,
    sources: [...new Set(g.keys.flatMap((k) => exprSecrets(k.value)))].sort(compareStrings).map((s) => describeSecret(s, specs)),
    checksum: sha256(JSON.stringify(g.keys.map((k) => [k.key, exprIdentity(k.value, specs)]))),
  }));
  const services: ServiceModel[] = draft.map((s) => ({ ...s, secretsChecksum: serviceSecretsChecksum(s.env, secretGroups, specs) }));

  const ingressIn = k8s.ingress;
  const ingress: IngressModel | undefined =
    ingressIn === undefined
      ? undefined
      : {
          enabled: ingressIn.enabled ?? Defaults.ingressEnabled,
          className: ingressIn.className,
          host: ingressIn.host,
          tls:
            ingressIn.tls?.certManagerIssuer !== undefined
              ? {
                  mode: 'cert-manager',
                  issuer: ingressIn.tls.certManagerIssuer,
                  secretName: ingressIn.tls.secretName ?? Defaults.tlsSecretName(name),
                }
              : ingressIn.tls?.secretName !== undefined
                ? { mode: 'secret', secretName: ingressIn.tls.secretName }
                : { mode: 'none' },
        };

  const targets = new Set(site.targets ?? Defaults.targets);
  return {
    name,
    source,
    description: site.site.description,
    environment,
    domain: site.site.domain,
    namespace: k8s.namespace ?? Defaults.namespace(name),
    kubernetesVersion: k8s.version ?? Defaults.kubernetesVersion,
    storageClass: k8s.storageClass,
    imagePullSecrets: [...(k8s.imagePullSecrets ?? [])],
    ingress,
    release: {
      version: release.version,
      chartRepository: release.chartRepository ?? Defaults.chartRepository,
      postgresqlChart: { ...Defaults.postgresqlChart, ...release.postgresqlChart },
      natsChart: { ...Defaults.natsChart, ...release.natsChart },
    },
    images,
    services,
    database,
    events,
    devMode,
    mcpMode: site.services?.mcp?.mode ?? Defaults.mcpMode,
    oidcProviders,
    otlpEndpoint: obs.otlpEndpoint,
    secrets,
    secretGroups,
    targets: { helm: targets.has('helm'), compose: targets.has('compose') },
  };
}

const NATS_PORT = 4222;

function poolOf(input: ServiceInput | undefined, fallback: NonNullable<ServiceInfo['pool']>): NonNullable<ServiceModel['pool']> {
  const db = input !== undefined && 'database' in input ? input.database : undefined;
  return { maxOpenConns: db?.maxOpenConns ?? fallback.maxOpenConns, maxIdleConns: db?.maxIdleConns ?? fallback.maxIdleConns };
}

/**
 * A third-party chart's images: what the compiler pins, through the site's docker.io mirror,
 * with the site's own choices for the main image on top.
 */
function thirdPartyImages(
  pinned: Readonly<Record<string, ImageRef>>,
  main: string,
  override: Partial<ImageRef> | undefined,
  mirror: string | undefined,
): Record<string, ImageRef> {
  const out: Record<string, ImageRef> = {};
  for (const [path, image] of Object.entries(pinned)) {
    const mirrored = { ...image, registry: mirror ?? image.registry };
    out[path] = path === main ? { ...mirrored, ...override } : mirrored;
  }
  return out;
}

/** Checksum of exactly the Secret keys a service's environment reads. */
function serviceSecretsChecksum(env: readonly EnvVar[], groups: readonly SecretGroup[], specs: ReadonlyMap<string, SecretSpec>): string {
  const read = env.flatMap((e) => {
    if (e.value.kind !== 'secret') return [];
    const ref = e.value;
    const expr = groups.find((g) => g.id === ref.group)?.keys.find((k) => k.key === ref.key)?.value;
    return [[e.name, `${ref.group}/${ref.key}`, expr === undefined ? null : exprIdentity(expr, specs)]];
  });
  return sha256(JSON.stringify(read));
}

function secretSource(input: SecretInput): SecretSource {
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

interface EnvContext {
  readonly site: Site;
  readonly enabledIds: ReadonlySet<ServiceId>;
  readonly devMode: boolean;
  readonly natsUrl: EnvVar['value'];
  readonly eventsEnabled: boolean;
  readonly otlpEndpoint: string | undefined;
  readonly logLevel: string;
  readonly metrics: boolean;
  readonly traces: boolean;
  readonly oidcProviders: readonly OidcProvider[];
}

/** Variables every instance of the deployment shares; the compose .env holds them once. */
export const SHARED_ENV = new Set(['CHAMICORE_INTERNAL_TOKEN', 'CHAMICORE_NATS_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT']);

const AUTH_PORT = 3333;

function tokenOf(id: ServiceId): string {
  return SERVICES.find((s) => s.id === id)?.token ?? envToken(id);
}

function serviceEnv(info: ServiceInfo, input: ServiceInput | undefined, ctx: EnvContext): { env: EnvVar[]; reserved: string[] } {
  const t = `CHAMICORE_${info.token}_`;
  const vars = new Map<string, EnvVar['value']>();
  const set = (name: string, value: EnvVar['value']): void => {
    vars.set(name, value);
  };
  const upstream = (id: ServiceId): TextValue => {
    const port = SERVICES.find((s) => s.id === id)?.port ?? 0;
    return url(id, port);
  };

  if (info.port !== undefined) set(`${t}LISTEN_ADDR`, text(`:${info.port}`));
  set(`${t}LOG_LEVEL`, text(input?.logLevel ?? ctx.logLevel));
  set(`${t}DEV_MODE`, bool(ctx.devMode));
  set(`${t}METRICS_ENABLED`, bool(input?.metrics ?? ctx.metrics));
  set(`${t}TRACES_ENABLED`, bool(input?.traces ?? ctx.traces));
  if (info.id !== 'auth') set(`${t}JWKS_URL`, url('auth', AUTH_PORT, '/.well-known/jwks.json'));
  set('CHAMICORE_INTERNAL_TOKEN', secretRef('internal-token', 'token'));
  set('CHAMICORE_NATS_URL', ctx.natsUrl);
  if (ctx.otlpEndpoint !== undefined) set('OTEL_EXPORTER_OTLP_ENDPOINT', text(ctx.otlpEndpoint));

  if (info.dbSchema !== undefined && info.pool !== undefined) {
    const db = input !== undefined && 'database' in input ? input.database : undefined;
    const pool = poolOf(input, info.pool);
    set(`${t}DB_DSN`, secretRef('db', `${info.id}-dsn`));
    set(`${t}DB_MAX_OPEN_CONNS`, num(pool.maxOpenConns));
    set(`${t}DB_MAX_IDLE_CONNS`, num(pool.maxIdleConns));
    set(`${t}DB_CONN_MAX_LIFETIME`, text(db?.connMaxLifetime ?? Defaults.database.connMaxLifetime));
    set(`${t}DB_CONN_MAX_IDLE_TIME`, text(db?.connMaxIdleTime ?? Defaults.database.connMaxIdleTime));
  }

  const services = ctx.site.services ?? {};
  switch (info.id) {
    case 'auth': {
      set(`${t}ENCRYPTION_KEY`, secretRef('auth', 'encryption-key'));
      if (ctx.oidcProviders.length > 0) {
        set(`${t}OIDC_PROVIDERS`, text(ctx.oidcProviders.map((p) => p.name).join(',')));
      }
      for (const p of ctx.oidcProviders) {
        const pt = `${t}OIDC_${envToken(p.name)}_`;
        set(`${pt}ISSUER_URL`, text(p.issuerUrl));
        if (p.audience !== undefined) set(`${pt}AUDIENCE`, text(p.audience));
        if (p.clientId !== undefined) set(`${pt}CLIENT_ID`, text(p.clientId));
        if (p.clientSecret !== undefined) set(`${pt}CLIENT_SECRET`, secretRef('oidc', `${p.name}-client-secret`));
      }
      break;
    }
    case 'bss':
    case 'cloud-init': {
      const s = services[info.id];
      set(`${t}SMD_URL`, upstream('smd'));
      set(`${t}SYNC_INTERVAL`, text(s?.sync?.interval ?? Defaults.sync.interval));
      set(`${t}SYNC_ON_STARTUP`, bool(s?.sync?.onStartup ?? Defaults.sync.onStartup));
      set(`${t}EVENTS_ENABLED`, bool(ctx.eventsEnabled));
      if (info.id === 'bss') set(`${t}BOOTSCRIPT_DEBUG`, bool(services.bss?.bootscriptDebug ?? Defaults.bootscriptDebug));
      break;
    }
    case 'kea-sync': {
      const s = services['kea-sync'];
      set(`${t}SMD_URL`, upstream('smd'));
      set(`${t}KEA_URL`, text(ctx.site.dhcp?.kea?.url ?? ''));
      set(`${t}SYNC_INTERVAL`, text(s?.sync?.interval ?? Defaults.sync.interval));
      set(`${t}SYNC_ON_STARTUP`, bool(s?.sync?.onStartup ?? Defaults.sync.onStartup));
      break;
    }
    case 'ui': {
      set(`${t}SESSION_KEY`, secretRef('ui', 'session-key'));
      for (const id of ['auth', 'smd', 'bss', 'cloud-init', 'discovery', 'power'] as const) {
        if (ctx.enabledIds.has(id)) set(`${t}${tokenOf(id)}_URL`, upstream(id));
      }
      break;
    }
    case 'discovery': {
      const scan = services.discovery?.scan;
      set(`${t}SMD_URL`, upstream('smd'));
      set(`${t}AUTH_URL`, upstream('auth'));
      set(`${t}SCAN_CONCURRENCY`, num(scan?.concurrency ?? Defaults.discoveryScan.concurrency));
      set(`${t}SCAN_TIMEOUT`, text(scan?.timeout ?? Defaults.discoveryScan.timeout));
      set(`${t}SCAN_RETRY_MAX`, num(scan?.retryMax ?? Defaults.discoveryScan.retryMax));
      break;
    }
    case 'power': {
      const p = services.power;
      set(`${t}SMD_URL`, upstream('smd'));
      set(`${t}MAPPING_SYNC_INTERVAL`, text(p?.mappingSyncInterval ?? Defaults.power.mappingSyncInterval));
      set(`${t}BULK_MAX_NODES`, num(p?.bulkMaxNodes ?? Defaults.power.bulkMaxNodes));
      set(`${t}GLOBAL_CONCURRENCY`, num(p?.globalConcurrency ?? Defaults.power.globalConcurrency));
      set(`${t}PER_BMC_CONCURRENCY`, num(p?.perBmcConcurrency ?? Defaults.power.perBmcConcurrency));
      set(`${t}TRANSITION_DEADLINE`, text(p?.transitionDeadline ?? Defaults.power.transitionDeadline));
      break;
    }
    case 'mcp': {
      const mode = services.mcp?.mode ?? Defaults.mcpMode;
      set(`${t}TRANSPORT`, text('http'));
      set(`${t}MODE`, text(mode));
      set(`${t}ENABLE_WRITE`, bool(mode === 'read-write'));
      set(`${t}TOKEN`, secretRef('mcp', 'token'));
      // The MCP code spells its upstream variables with the service name (CLOUD_INIT).
      for (const id of ['auth', 'smd', 'bss', 'cloud-init', 'discovery', 'power'] as const) {
        if (ctx.enabledIds.has(id)) set(`${t}${envToken(id)}_URL`, upstream(id));
      }
      break;
    }
    case 'smd':
      break;
  }

  const compilerSet = [...vars.keys()].sort(compareStrings);
  // Extra variables may add, never replace (the env-reserved rule reports attempts).
  for (const [k, v] of sortedEntries(input?.env)) {
    if (v !== undefined && !vars.has(k)) set(k, text(v));
  }
  const env = [...vars.entries()].map(([name, value]) => ({ name, value })).sort((a, b) => compareStrings(a.name, b.name));
  return { env, reserved: compilerSet };
}

/** The Kubernetes Secrets of a site, and how each key is computed. */
function buildSecretGroups(
  site: string,
  services: readonly { readonly id: ServiceId; readonly enabled: boolean; readonly info: ServiceInfo }[],
  db: DatabaseModel,
  oidc: readonly OidcProvider[],
  natsBundled: boolean,
): Omit<SecretGroup, 'sources' | 'checksum'>[] {
  const enabled = (id: ServiceId): boolean => services.some((s) => s.id === id && s.enabled);
  const groups: { id: string; description: string; keys: { key: string; value: SecretExpr }[] }[] = [];
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
      keys: withSecret.map((p) => ({ key: `${p.name}-client-secret`, value: { kind: 'named', secret: p.clientSecret ?? '' } })),
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
  return groups.map((g) => ({
    id: g.id,
    name: `${site}-${g.id}`,
    description: g.description,
    keys: [...g.keys].sort((a, b) => compareStrings(a.key, b.key)),
  }));
}

/** Resolves a host for a target. */
export function hostFor(host: HostRef, target: 'helm' | 'compose'): string {
  switch (host.kind) {
    case 'service':
      return target === 'helm' ? `chamicore-${host.id}` : host.id;
    case 'postgresql':
      return target === 'helm' ? 'chamicore-postgresql' : 'postgres';
    case 'nats':
      return target === 'helm' ? 'chamicore-nats' : 'nats';
    case 'external':
      return host.host;
  }
}

/** Renders a text value for a target. */
export function renderText(value: TextValue, target: 'helm' | 'compose'): string {
  return value.parts.map((p) => (typeof p === 'string' ? p : hostFor(p.host, target))).join('');
}
