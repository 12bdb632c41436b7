import { renderText } from '../model/text-values.js';
import { POSTGRESQL_CLIENT_LABEL, resourcesValue, schedulingValues, thirdPartyValues } from '../model/chart-values.js';
import { secretKey, type PeerModel, type ServiceModel, type SiteModel } from '../model/site-model.js';
import { sortedValue } from '../model/sorted.js';
import { headerLines } from './header.js';
import { renderYamlFile, type Emitter } from './output.js';
import type { YamlValue } from './safe-yaml.js';

/** The pod annotation whose change makes `helm upgrade` restart a service after a rotation. */
export const SECRETS_CHECKSUM_ANNOTATION = 'chamicore.io/secrets-checksum';

/**
 * `helm/values.yaml`: overrides keyed by dependency name plus `global`. Every subchart reads
 * `global`, third-party ones included, so it holds only the image pull secrets; Chamicore image
 * settings sit under each chamicore-<service> key. Secret-backed variables appear only as
 * `secretEnv` references (existingSecret + key); no secret value is ever here.
 */
export const valuesEmitter: Emitter = {
  kind: 'values',
  applies: (model) => model.targets.helm,
  emit: ({ model }) => {
    const values: Record<string, YamlValue> = { global: globalValues(model) };
    for (const s of model.services) values[s.info.chart] = serviceValues(model, s);
    const own = thirdPartyValues(model);
    if (own.postgresql !== undefined) values['postgresql'] = mergeChartValues(model.database.values, own.postgresql);
    if (own.nats !== undefined) values['nats'] = mergeChartValues(model.events.values, own.nats);
    return [renderYamlFile('helm/values.yaml', headerLines(model), values)];
  },
};

function globalValues(model: SiteModel): YamlValue {
  return {
    // Bitnami and the chamicore charts read imagePullSecrets; the NATS chart reads image.pullSecretNames.
    imagePullSecrets: model.imagePullSecrets.map((name) => ({ name })),
    image: { pullSecretNames: [...model.imagePullSecrets] },
  };
}

function serviceValues(model: SiteModel, s: ServiceModel): YamlValue {
  if (!s.enabled) return { enabled: false };
  const v: Record<string, YamlValue> = {
    enabled: true,
    fullnameOverride: s.info.chart,
    replicaCount: s.replicas,
    image: { ...s.image },
    resources: resourcesValue(s.resources),
    ...schedulingValues(s.scheduling),
    podAnnotations: { [SECRETS_CHECKSUM_ANNOTATION]: s.secretsChecksum },
  };
  // The bundled PostgreSQL's NetworkPolicy admits only pods with this label (Bitnami's `<fullname>-client`).
  if (model.database.mode === 'bundled' && s.info.dbSchema !== undefined) v['podLabels'] = { [POSTGRESQL_CLIENT_LABEL]: 'true' };
  if (s.info.port !== undefined) {
    v['service'] = { port: s.info.port };
    v['networkPolicy'] = networkPolicyValues(model, s);
  }
  if (s.id === 'mcp') {
    // Keys confirmed by the chamicore docs (reference §2.9).
    v['transport'] = 'http';
    v['mode'] = model.mcpMode;
    v['enableWrite'] = model.mcpMode === 'read-write';
  }
  const env: Record<string, YamlValue> = {};
  const secretEnv: Record<string, YamlValue> = {};
  for (const e of s.env) {
    if (e.value.kind === 'text') env[e.name] = renderText(e.value, 'helm');
    else {
      const ref = secretKey(model, e.value.group, e.value.key);
      secretEnv[e.name] = { existingSecret: ref.name, key: ref.key };
    }
  }
  v['env'] = env;
  v['secretEnv'] = secretEnv;
  return v;
}

/**
 * Who outside the release reaches a service's port: the site's ingress controller when the Ingress
 * routes to the service, and the site's metrics scraper when it names one. Peers are lists, which
 * Helm replaces, so the chart's ingress-nginx default never adds its labels to the site's.
 */
function networkPolicyValues(model: SiteModel, s: ServiceModel): YamlValue {
  const peer = (p: PeerModel): YamlValue => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': p.namespace } },
    podSelector: { matchLabels: { ...p.podLabels } },
  });
  const ingress = model.ingress?.enabled === true && s.info.routes.length > 0 ? model.ingress.controller : undefined;
  return {
    ingressController: ingress === undefined ? { enabled: false } : { enabled: true, from: [peer(ingress)] },
    monitoring: model.monitoring === undefined ? { enabled: false } : { enabled: true, from: [peer(model.monitoring)] },
  };
}

/**
 * A site's pass-through values with every map's keys sorted (input key order never reaches the
 * output), then the compiler's own values on top. The chart-values rules have already refused
 * any key the compiler sets.
 */
export function mergeChartValues(
  passThrough: Readonly<Record<string, unknown>>,
  own: Record<string, YamlValue>,
): Record<string, YamlValue> {
  const merged = sortedValue(passThrough) as Record<string, YamlValue>;
  return deepMerge(merged, own);
}

function isMap(v: YamlValue | undefined): v is Record<string, YamlValue> {
  return v !== undefined && v !== null && typeof v === 'object' && !Array.isArray(v);
}

function deepMerge(base: Record<string, YamlValue>, top: Record<string, YamlValue>): Record<string, YamlValue> {
  const out: Record<string, YamlValue> = {};
  for (const [key, value] of Object.entries(base)) setOwn(out, key, value);
  for (const [key, value] of Object.entries(top)) {
    const under = Object.hasOwn(out, key) ? out[key] : undefined;
    setOwn(out, key, isMap(under) && isMap(value) ? deepMerge(under, value) : value);
  }
  return out;
}

/** Sets an own property, `__proto__` included: a site's key never reaches a prototype. */
function setOwn(target: Record<string, YamlValue>, key: string, value: YamlValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
