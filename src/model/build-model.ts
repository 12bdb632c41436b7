import type { Site } from '../generated/site.js';
import { compareStrings } from '../util/compare.js';
import { NATS_PORT, SERVICES, serviceEnabled, THIRD_PARTY, type ImageRef } from './catalog.js';
import { Defaults } from './defaults.js';
import { required } from './required.js';
import { buildSecretGroups, secretSpecs, serviceSecretsChecksum } from './secret-groups.js';
import { describeSecret, exprIdentity, exprSecrets, sha256 } from './secret-identity.js';
import { poolOf, serviceEnv, type EnvContext } from './service-env.js';
import type {
  DatabaseModel,
  EventsModel,
  IngressModel,
  OidcProvider,
  PeerModel,
  SecretGroup,
  ServiceModel,
  SiteModel,
} from './site-model.js';
import { connectionBudget as siteConnectionBudget, databaseMaxConnections, defaultImageTag, targetsOf } from './site-facts.js';
import { databaseResources, schedulingOf, serviceResources } from './resources.js';
import { secretRef, text } from './text-values.js';
import { sortedValue } from './sorted.js';

/**
 * Builds the normalised model of a site that passed the schema and the input rules
 * (src/validate/rules/, stage 'input'). Pure: every default is applied here, and nothing
 * downstream reads the raw input. What the input rules guarantee is asserted with required(),
 * never defaulted.
 */
export function buildModel(site: Site, source: string): SiteModel {
  const name = site.site.name;
  const environment = site.site.environment;
  const production = environment === 'production';
  const k8s = site.kubernetes ?? {};
  const release = site.release;
  const images = {
    registry: site.images?.registry ?? Defaults.registry,
    tag: defaultImageTag(site),
    pullPolicy: site.images?.pullPolicy ?? Defaults.pullPolicy,
    mirror: site.images?.mirror,
    requireDigests: site.images?.requireDigests ?? false,
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
        ? text(required(eventsIn.nats?.url, 'events.nats.url'))
        : text('nats://', { host: { kind: 'nats' } }, `:${NATS_PORT}`),
    replicas: eventsIn.nats?.replicas ?? (production ? Defaults.events.replicasProduction : Defaults.events.replicasOther),
    storageSize: eventsIn.nats?.storageSize ?? Defaults.events.storageSize,
    images: thirdPartyImages(THIRD_PARTY.nats.images, 'container.image', eventsIn.nats?.image, images.mirror),
    values: eventsIn.nats?.values ?? {},
    scheduling: schedulingOf(k8s.scheduling, eventsIn.nats?.scheduling),
  };

  const dbIn = site.database ?? {};
  const dbMode = dbIn.mode ?? Defaults.database.mode;
  const databaseBase: Omit<DatabaseModel, 'connectionBudget' | 'maxConnections' | 'resources'> = {
    mode: dbMode,
    host: dbMode === 'bundled' ? { kind: 'postgresql' } : { kind: 'external', host: required(dbIn.host, 'database.host') },
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
    scheduling: schedulingOf(k8s.scheduling, dbIn.scheduling),
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

  const enabledIds = new Set(SERVICES.filter((s) => serviceEnabled(site, s)).map((s) => s.id));
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
      resources: serviceResources(info, input?.resources),
      scheduling: schedulingOf(k8s.scheduling, input?.scheduling),
      image: {
        registry: images.registry,
        repository: input?.image?.repository ?? info.chart,
        tag: input?.image?.tag ?? images.tag,
        ...(input?.image?.digest !== undefined ? { digest: input.image.digest } : {}),
        pullPolicy: images.pullPolicy,
      },
      env: env.env,
      reservedEnv: env.reserved,
    };
  });

  const connectionBudget = siteConnectionBudget(site);
  const maxConnections = databaseMaxConnections(site, connectionBudget);
  const database: DatabaseModel = {
    ...databaseBase,
    connectionBudget,
    maxConnections,
    resources: dbMode === 'bundled' ? databaseResources(required(maxConnections, 'database.maxConnections'), dbIn.resources) : undefined,
  };

  // Registry logins sorted by registry (the input rules refuse two for one registry).
  const logins = [...(k8s.registryCredentials ?? [])]
    .map((c) => ({ registry: c.registry, username: c.username, passwordSecret: c.passwordSecret }))
    .sort((a, b) => compareStrings(a.registry, b.registry));
  const groupDrafts = buildSecretGroups(name, draft, database, oidcProviders, natsBundled, logins);
  const secrets = secretSpecs(groupDrafts, site.secrets ?? {});
  const specs = new Map(secrets.map((s) => [s.name, s]));
  // The checksums are computed when an output first reads them: validate never does.
  const secretGroups: SecretGroup[] = groupDrafts.map((g) =>
    withLazy(
      {
        ...g,
        sources: [...new Set(g.keys.flatMap((k) => exprSecrets(k.value)))].sort(compareStrings).map((s) => describeSecret(s, specs)),
      },
      'checksum',
      () => sha256(JSON.stringify(g.keys.map((k) => [k.key, exprIdentity(k.value, specs)]))),
    ),
  );
  const services: ServiceModel[] = draft.map((s) =>
    withLazy({ ...s }, 'secretsChecksum', () => serviceSecretsChecksum(s.env, secretGroups, specs)),
  );

  const ingressIn = k8s.ingress;
  const ingress: IngressModel | undefined =
    ingressIn === undefined
      ? undefined
      : {
          enabled: ingressIn.enabled ?? Defaults.ingressEnabled,
          controller: peerOf(
            ingressIn.controller?.namespace ?? Defaults.ingressController.namespace,
            ingressIn.controller?.podLabels ?? Defaults.ingressController.podLabels,
          ),
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

  const targets = targetsOf(site);
  const dev = site.compose?.dev;
  const composeDev =
    dev === undefined
      ? undefined
      : {
          source: dev.source,
          services: SERVICES.flatMap((info, i) => {
            const d = dev.services[info.id];
            return d === undefined ? [] : [{ id: info.id, main: d.main, debug: d.debug ?? false, debugPort: d.debugPort ?? 40000 + i }];
          }),
        };
  const chartRepository = release.chartRepository ?? Defaults.chartRepository;
  // An air-gapped site (one with a docker.io mirror) takes the third-party charts from its own chart
  // repository too, where bom.yaml's mirror list says to push them; never from their public homes.
  const thirdPartyCharts = images.mirror !== undefined ? { repository: chartRepository } : {};
  return {
    name,
    source,
    description: site.site.description,
    environment,
    domain: site.site.domain,
    namespace: k8s.namespace ?? Defaults.namespace(name),
    composeProject: `chamicore-${name}`,
    kubernetesVersion: k8s.version ?? Defaults.kubernetesVersion,
    storageClass: k8s.storageClass,
    // The site's own pull Secrets, then the one the compiler writes from its registry logins.
    imagePullSecrets: [
      ...new Set([...(k8s.imagePullSecrets ?? []), ...secretGroups.filter((g) => g.id === 'registry').map((g) => g.name)]),
    ],
    ingress,
    monitoring: k8s.monitoring === undefined ? undefined : peerOf(k8s.monitoring.namespace, k8s.monitoring.podLabels),
    release: {
      version: release.version,
      chartRepository,
      postgresqlChart: { ...Defaults.postgresqlChart, ...thirdPartyCharts, ...release.postgresqlChart },
      natsChart: { ...Defaults.natsChart, ...thirdPartyCharts, ...release.natsChart },
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
    composeDev,
    composeProfiles: Object.fromEntries(
      Object.entries(site.compose?.profiles ?? {})
        .filter((e): e is [string, string] => e[1] !== undefined)
        .sort(([a], [b]) => compareStrings(a, b)),
    ),
  };
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

/** Pods of another namespace; the labels sorted by key (the site's key order never reaches an output). */
function peerOf(namespace: string, podLabels: Readonly<Record<string, string | undefined>>): PeerModel {
  return { namespace, podLabels: sortedValue(podLabels) as Record<string, string> };
}

/** `object` with `key` computed by `compute` the first time it is read (an enumerable, read-only property). */
function withLazy<T extends object, K extends string, V>(object: T, key: K, compute: () => V): T & { readonly [P in K]: V } {
  let value: V | undefined;
  let done = false;
  return Object.defineProperty(object, key, {
    enumerable: true,
    get: () => {
      if (!done) {
        value = compute();
        done = true;
      }
      return value as V;
    },
  }) as T & { readonly [P in K]: V };
}
