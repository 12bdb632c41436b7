import type { Site } from '../generated/site.js';
import { compareStrings } from '../util/compare.js';
import { serviceInfo, type ServiceId, type ServiceInfo } from './catalog.js';
import { Defaults } from './defaults.js';
import { required } from './required.js';
import type { EnvVar, OidcProvider, ServiceModel, TextValue } from './site-model.js';
import { bool, envToken, num, secretRef, text, url } from './text-values.js';

export type ServiceInput = NonNullable<Site['services']>[ServiceId];

/** Sorted copy of a user-keyed map's entries: input key order never reaches the output. */
function sortedEntries<T>(map: Readonly<Record<string, T>> | undefined): [string, T][] {
  return Object.entries(map ?? {}).sort(([a], [b]) => compareStrings(a, b));
}

export function poolOf(input: ServiceInput | undefined, fallback: NonNullable<ServiceInfo['pool']>): NonNullable<ServiceModel['pool']> {
  const db = input !== undefined && 'database' in input ? input.database : undefined;
  return { maxOpenConns: db?.maxOpenConns ?? fallback.maxOpenConns, maxIdleConns: db?.maxIdleConns ?? fallback.maxIdleConns };
}

export interface EnvContext {
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

export function serviceEnv(info: ServiceInfo, input: ServiceInput | undefined, ctx: EnvContext): { env: EnvVar[]; reserved: string[] } {
  const t = `CHAMICORE_${info.token}_`;
  const vars = new Map<string, EnvVar['value']>();
  const set = (name: string, value: EnvVar['value']): void => {
    vars.set(name, value);
  };
  const upstream = (id: ServiceId): TextValue => {
    const port = required(serviceInfo(id).port, `the port of ${id}`);
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
      set(`${t}KEA_URL`, text(required(ctx.site.dhcp?.kea?.url, 'dhcp.kea.url')));
      set(`${t}SYNC_INTERVAL`, text(s?.sync?.interval ?? Defaults.sync.interval));
      set(`${t}SYNC_ON_STARTUP`, bool(s?.sync?.onStartup ?? Defaults.sync.onStartup));
      break;
    }
    case 'ui': {
      set(`${t}SESSION_KEY`, secretRef('ui', 'session-key'));
      for (const id of ['auth', 'smd', 'bss', 'cloud-init', 'discovery', 'power'] as const) {
        if (ctx.enabledIds.has(id)) set(`${t}${serviceInfo(id).token}_URL`, upstream(id));
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
