import type { Secret, Site } from '../generated/site.js';
import { THIRD_PARTY } from './catalog.js';

type Of<T> = NonNullable<T>;
type Generate = Extract<Secret, { generate: unknown }>['generate'];

/** The defaults whose type the schema fixes: a default outside its enum is a type error. */
interface DefaultsContract {
  readonly pullPolicy: Of<Of<Site['images']>['pullPolicy']>;
  readonly logLevel: Of<Of<Site['observability']>['logLevel']>;
  readonly database: {
    readonly mode: Of<Of<Site['database']>['mode']>;
    readonly sslModeBundled: Of<Of<Site['database']>['sslMode']>;
    readonly sslModeExternal: Of<Of<Site['database']>['sslMode']>;
    readonly [other: string]: unknown;
  };
  readonly mcpMode: Of<Of<Of<Site['services']>['mcp']>['mode']>;
  readonly events: { readonly mode: Of<Of<Of<Site['events']>['nats']>['mode']>; readonly [other: string]: unknown };
  readonly targets: Of<Site['targets']>;
  readonly secrets: Readonly<Record<string, Secret>>;
  readonly generateAlphabet: Of<Extract<Generate, { length: number }>['alphabet']>;
  readonly generateEncoding: Of<Extract<Generate, { bytes: number }>['encoding']>;
  readonly [other: string]: unknown;
}

/**
 * Every default of the site file, in one place, typed against the schema's types. The schema's
 * descriptions state the same values for people; test/unit/generated.test.ts keeps the two in step.
 */
export const Defaults = {
  kubernetesVersion: '1.30.0',
  namespace: (site: string): string => `chamicore-${site}`,
  chartRepository: 'oci://registry.cscs.ch/openchami/charts',
  postgresqlChart: { version: THIRD_PARTY.postgresql.chart.version, repository: THIRD_PARTY.postgresql.chart.repository },
  natsChart: { version: THIRD_PARTY.nats.chart.version, repository: THIRD_PARTY.nats.chart.repository },
  registry: 'registry.cscs.ch/openchami',
  imageTag: (releaseVersion: string): string => `v${releaseVersion}`,
  pullPolicy: 'IfNotPresent',
  replicas: 1,
  devMode: false,
  logLevel: 'info',
  metrics: true,
  traces: false,
  ingressEnabled: true,
  /** ingress-nginx as its Helm chart installs it. */
  ingressController: { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
  tlsSecretName: (site: string): string => `${site}-tls`,
  database: {
    mode: 'bundled',
    port: 5432,
    name: 'chamicore',
    user: 'chamicore',
    sslModeBundled: 'disable',
    sslModeExternal: 'verify-full',
    persistenceSize: '8Gi',
    connMaxLifetime: '5m',
    connMaxIdleTime: '1m',
    /**
     * max_connections of the bundled database for a pool budget: a quarter more for the pods a
     * rolling update adds (Deployments surge by 25 %), and 10 for administration and
     * PostgreSQL's reserved superuser slots. ADR-014 keeps the same quarter (400 of 500).
     */
    maxConnections: (budget: number): number => budget + Math.ceil(budget / 4) + 10,
  },
  sync: { interval: '30s', onStartup: true },
  bootscriptDebug: false,
  discoveryScan: { concurrency: 50, timeout: '30s', retryMax: 3 },
  power: {
    mappingSyncInterval: '5m',
    bulkMaxNodes: 20,
    globalConcurrency: 20,
    perBmcConcurrency: 1,
    transitionDeadline: '90s',
  },
  mcpMode: 'read-only',
  events: { enabled: false, mode: 'bundled', storageSize: '10Gi', replicasProduction: 3, replicasOther: 1 },
  targets: ['helm'],
  /**
   * Built-in secrets with their generated defaults. 256-bit hex internal token (reference §9.11),
   * 32-byte AES-256 key for auth, long random passwords.
   */
  secrets: {
    'internal-token': { generate: { bytes: 32, encoding: 'hex' } },
    'db-password': { generate: { length: 32, alphabet: 'alphanumeric' } },
    'db-admin-password': { generate: { length: 32, alphabet: 'alphanumeric' } },
    'auth-encryption-key': { generate: { bytes: 32, encoding: 'base64' } },
    'ui-session-key': { generate: { bytes: 32, encoding: 'base64' } },
    'mcp-token': { generate: { bytes: 32, encoding: 'hex' } },
    'nats-token': { generate: { bytes: 32, encoding: 'hex' } },
  },
  generateAlphabet: 'alphanumeric',
  generateEncoding: 'base64',
} as const satisfies DefaultsContract;
