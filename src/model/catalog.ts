/**
 * What chamicore-compile knows about each Chamicore service (../shared/reference/
 * chamicore-deployment.md §1–§2): ports, environment tokens, database schemas, start order.
 */

import type { Site } from '../generated/site.js';
import { serviceCharts } from '../generated/service-charts.js';

/**
 * The services the schema defines: a service added to schema/site.schema.json fails the type check
 * here until the catalog below describes it (and test/unit/catalog.test.ts checks the rest).
 */
export type ServiceId = Extract<keyof NonNullable<Site['services']>, string>;

export interface ServiceInfo {
  readonly id: ServiceId;
  /** Subchart, image and in-cluster Service name: chamicore-<id>. */
  readonly chart: string;
  /** `<SERVICE>` in CHAMICORE_<SERVICE>_* variables. */
  readonly token: string;
  /** Container port; undefined for the headless kea-sync. */
  readonly port: number | undefined;
  /** PostgreSQL schema (search_path), for services with a database. */
  readonly dbSchema: string | undefined;
  /** Off unless the site enables it. */
  readonly optional: boolean;
  /** Compose service name (compose hostnames differ from in-cluster ones). */
  readonly composeService: string;
  /** Default pool (ADR-014 budget). */
  readonly pool: { readonly maxOpenConns: number; readonly maxIdleConns: number } | undefined;
  /** Path prefixes the ingress routes to the service (reference §1 port table, §2.12, §9.10). */
  readonly routes: readonly string[];
  /** Services it needs started first (reference §5); only enabled ones count. */
  readonly after: readonly ServiceId[];
}

const AFTER: Readonly<Record<ServiceId, readonly ServiceId[]>> = {
  auth: [],
  smd: ['auth'],
  bss: ['auth', 'smd'],
  'cloud-init': ['auth', 'smd'],
  'kea-sync': ['smd'],
  ui: ['auth', 'smd', 'bss', 'cloud-init', 'discovery', 'power'],
  discovery: ['auth', 'smd'],
  power: ['auth', 'smd'],
  mcp: ['auth', 'smd', 'bss', 'cloud-init', 'discovery', 'power'],
};

type CatalogEntry = Omit<ServiceInfo, 'id' | 'chart' | 'composeService' | 'after'>;

/** Every service the schema defines, described (a missing one is a type error). */
const CATALOG: Readonly<Record<ServiceId, CatalogEntry>> = {
  auth: {
    token: 'AUTH',
    port: 3333,
    dbSchema: 'auth',
    optional: false,
    pool: { maxOpenConns: 40, maxIdleConns: 10 },
    routes: ['/auth/v1', '/.well-known'],
  },
  smd: { token: 'SMD', port: 27779, dbSchema: 'smd', optional: false, pool: { maxOpenConns: 80, maxIdleConns: 20 }, routes: ['/hsm/v2'] },
  bss: { token: 'BSS', port: 27778, dbSchema: 'bss', optional: false, pool: { maxOpenConns: 100, maxIdleConns: 20 }, routes: ['/boot/v1'] },
  'cloud-init': {
    token: 'CLOUDINIT',
    port: 27777,
    dbSchema: 'cloudinit',
    optional: false,
    pool: { maxOpenConns: 100, maxIdleConns: 20 },
    routes: ['/cloud-init'],
  },
  'kea-sync': { token: 'KEASYNC', port: undefined, dbSchema: undefined, optional: false, pool: undefined, routes: [] },
  ui: { token: 'UI', port: 8080, dbSchema: undefined, optional: false, pool: undefined, routes: ['/'] },
  discovery: {
    token: 'DISCOVERY',
    port: 27776,
    dbSchema: 'discovery',
    optional: true,
    pool: { maxOpenConns: 30, maxIdleConns: 10 },
    routes: ['/discovery/v1'],
  },
  power: {
    token: 'POWER',
    port: 27775,
    dbSchema: 'power',
    optional: true,
    pool: { maxOpenConns: 30, maxIdleConns: 10 },
    routes: ['/power/v1'],
  },
  mcp: { token: 'MCP', port: 27774, dbSchema: undefined, optional: true, pool: undefined, routes: ['/mcp/v1'] },
};

/** Start order (reference §5): auth first, then smd, then its consumers. */
const START_ORDER: readonly ServiceId[] = ['auth', 'smd', 'bss', 'cloud-init', 'kea-sync', 'discovery', 'power', 'ui', 'mcp'];

/** In start order. test/unit/catalog.test.ts checks that it holds every service the schema defines, once. */
export const SERVICES: readonly ServiceInfo[] = START_ORDER.map((id) => ({
  ...CATALOG[id],
  id,
  chart: `chamicore-${id}`,
  composeService: id,
  after: AFTER[id],
}));

/** A service's catalog entry. */
export function serviceInfo(id: ServiceId): ServiceInfo {
  return SERVICES.find((s) => s.id === id)!;
}

/** Whether the site deploys a service: as it says, or by default unless the service is optional. */
export function serviceEnabled(site: Site, info: ServiceInfo): boolean {
  return site.services?.[info.id]?.enabled ?? !info.optional;
}

/** A chamicore service chart of charts/ (version, appVersion, default resources); one the catalog names but charts/ lacks is a bug. */
export function serviceChart(chart: string): (typeof serviceCharts)[string] {
  const c = Object.hasOwn(serviceCharts, chart) ? serviceCharts[chart] : undefined;
  if (c === undefined) throw new Error(`internal: charts/${chart} is not a service chart`);
  return c;
}

/** The NATS client port (in-cluster Service and compose container alike). */
export const NATS_PORT = 4222;

/**
 * The public key a development site's generated secrets derive from when no site key is given: a
 * stack from a fresh clone runs with usable, stable values, and everyone knows them, so they are for
 * development sites only (the environment is part of nothing else: production derives from its own key).
 */
export const DEVELOPMENT_SITE_KEY = 'chamicore-development-site-key-public-never-for-production';

/** The 64-hex development internal token from upstream docs; never valid outside development. */
export const DEV_INTERNAL_TOKEN = '0123456789abcdef'.repeat(4);

/** A container image as a chart's values name it. */
export interface ImageRef {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
  /** `sha256:…` when the site pins the image by content: what runs is `<registry>/<repository>@<digest>`. */
  readonly digest?: string;
}

/** The reference a container runs: `<registry>/<repository>@<digest>` when pinned, else `…:<tag>` (as the charts render it). */
export function imageReference(i: ImageRef): string {
  return i.digest !== undefined ? `${i.registry}/${i.repository}@${i.digest}` : `${i.registry}/${i.repository}:${i.tag}`;
}

/**
 * The third-party charts the umbrella pins, and the images each renders at that version
 * (../shared/charts; chart values.yaml). Every path is the image's path on docker.io, so a
 * mirror serves it as `<mirror>/<repository>`. Bitnami no longer serves versioned images under
 * docker.io/bitnami/ (September 2025); the same tags live on under docker.io/bitnamilegacy/,
 * which Bitnami's install-time image check accepts.
 */
export const THIRD_PARTY = {
  postgresql: {
    chart: { name: 'postgresql', version: '16.7.27', repository: 'oci://registry-1.docker.io/bitnamicharts' },
    /** Its host name: the in-cluster Service (the chart's fullnameOverride) and the compose service. */
    host: { helm: 'chamicore-postgresql', compose: 'postgres' },
    images: {
      /** values key path → image; `image` is the server itself. */
      image: { registry: 'docker.io', repository: 'bitnamilegacy/postgresql', tag: '17.6.0-debian-12-r4' },
      'volumePermissions.image': { registry: 'docker.io', repository: 'bitnamilegacy/os-shell', tag: '12-debian-12-r51' },
      'metrics.image': { registry: 'docker.io', repository: 'bitnamilegacy/postgres-exporter', tag: '0.17.1-debian-12-r16' },
    },
  },
  nats: {
    chart: { name: 'nats', version: '1.3.7', repository: 'https://nats-io.github.io/k8s/helm/charts/' },
    host: { helm: 'chamicore-nats', compose: 'nats' },
    images: {
      'container.image': { registry: 'docker.io', repository: 'library/nats', tag: '2.11.4-alpine' },
      'reloader.image': { registry: 'docker.io', repository: 'natsio/nats-server-config-reloader', tag: '0.17.2' },
      'promExporter.image': { registry: 'docker.io', repository: 'natsio/prometheus-nats-exporter', tag: '0.17.3' },
      'natsBox.container.image': { registry: 'docker.io', repository: 'natsio/nats-box', tag: '0.17.0' },
    },
  },
} as const satisfies Record<
  string,
  {
    chart: { name: string; version: string; repository: string };
    host: { helm: string; compose: string };
    images: Record<string, ImageRef>;
  }
>;

/**
 * Images of the compose stack (development), same major versions as the Helm charts: the
 * official postgres image (its POSTGRES_* variables) and the NATS server of the NATS chart.
 */
export const COMPOSE_IMAGES = {
  postgres: { registry: 'docker.io', repository: 'library/postgres', tag: '17.6-alpine' },
  nats: THIRD_PARTY.nats.images['container.image'],
  /** The OpenTelemetry Collector the stack runs when the site's OTLP endpoint names it (host otel-collector). */
  otelCollector: { registry: 'docker.io', repository: 'otel/opentelemetry-collector', tag: '0.115.1' },
  /** The Go toolchain the development overrides (compose.dev) run services from source in: the Go of the pinned tools. */
  go: { registry: 'docker.io', repository: 'library/golang', tag: '1.26.8-bookworm' },
} as const satisfies Record<string, ImageRef>;

/** The compose service name of the collector; an OTLP endpoint on this host means "the stack's own". */
export const OTEL_COLLECTOR_HOST = 'otel-collector';
