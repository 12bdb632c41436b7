import { renderText } from '../model/build-model.js';
import type { ServiceModel, SiteModel } from '../model/site-model.js';
import { headerLines } from './header.js';
import { renderYamlFile, type Emitter } from './output.js';
import type { YamlValue } from './safe-yaml.js';

/**
 * `helm/values.yaml`: overrides keyed by dependency name plus `global`. Secret-backed variables
 * appear only as `secretEnv` references (existingSecret + key); no secret value is ever here.
 */
export const valuesEmitter: Emitter = {
  kind: 'values',
  applies: (model) => model.targets.helm,
  emit: ({ model }) => {
    const values: Record<string, YamlValue> = { global: globalValues(model) };
    for (const s of model.services) values[s.info.chart] = serviceValues(model, s);
    if (model.database.mode === 'bundled') values['postgresql'] = postgresqlValues(model);
    if (model.events.enabled && model.events.mode === 'bundled') values['nats'] = natsValues(model);
    return [renderYamlFile('helm/values.yaml', headerLines(model), values)];
  },
};

function globalValues(model: SiteModel): YamlValue {
  const g: Record<string, YamlValue> = {
    site: model.name,
    environment: model.environment,
    domain: model.domain,
    namespace: model.namespace,
    image: { registry: model.images.registry, tag: model.images.tag, pullPolicy: model.images.pullPolicy },
    imagePullSecrets: model.imagePullSecrets.map((name) => ({ name })),
  };
  if (model.storageClass !== undefined) g['storageClass'] = model.storageClass;
  const ing = model.ingress;
  if (ing === undefined) {
    g['ingress'] = { enabled: false };
  } else {
    const ingress: Record<string, YamlValue> = { enabled: ing.enabled };
    if (ing.className !== undefined) ingress['className'] = ing.className;
    ingress['host'] = ing.host;
    ingress['annotations'] = ing.tls.mode === 'cert-manager' ? { 'cert-manager.io/cluster-issuer': ing.tls.issuer } : {};
    ingress['tls'] = ing.tls.mode === 'none' ? { enabled: false } : { enabled: true, secretName: ing.tls.secretName };
    g['ingress'] = ingress;
  }
  return g;
}

function serviceValues(model: SiteModel, s: ServiceModel): YamlValue {
  if (!s.enabled) return { enabled: false };
  const v: Record<string, YamlValue> = {
    enabled: true,
    fullnameOverride: s.info.chart,
    replicaCount: s.replicas,
    image: { ...s.image },
    resources: resourcesValue(s),
  };
  if (s.info.port !== undefined) v['service'] = { port: s.info.port };
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
    else secretEnv[e.name] = { existingSecret: `${model.name}-${e.value.group}`, key: e.value.key };
  }
  v['env'] = env;
  v['secretEnv'] = secretEnv;
  return v;
}

function resourcesValue(s: ServiceModel): YamlValue {
  const r: Record<string, YamlValue> = {};
  for (const kind of ['requests', 'limits'] as const) {
    const set = s.resources[kind];
    if (set === undefined) continue;
    const out: Record<string, YamlValue> = {};
    if (set.cpu !== undefined) out['cpu'] = set.cpu;
    if (set.memory !== undefined) out['memory'] = set.memory;
    r[kind] = out;
  }
  return r;
}

/** Bitnami postgresql keys: credentials from the `<site>-db` Secret, one `chamicore` database. */
function postgresqlValues(model: SiteModel): YamlValue {
  const persistence: Record<string, YamlValue> = { enabled: true, size: model.database.persistence.size };
  if (model.database.persistence.storageClass !== undefined) persistence['storageClass'] = model.database.persistence.storageClass;
  return {
    enabled: true,
    fullnameOverride: 'chamicore-postgresql',
    auth: {
      username: model.database.user,
      database: model.database.name,
      existingSecret: `${model.name}-db`,
      secretKeys: { adminPasswordKey: 'postgres-password', userPasswordKey: 'password' },
    },
    primary: { persistence },
  };
}

/** NATS chart keys (nats-io/k8s v1.x): JetStream on a volume, clustered when replicas > 1. */
function natsValues(model: SiteModel): YamlValue {
  const pvc: Record<string, YamlValue> = { size: model.events.storageSize };
  if (model.storageClass !== undefined) pvc['storageClassName'] = model.storageClass;
  return {
    enabled: true,
    fullnameOverride: 'chamicore-nats',
    config: {
      cluster: { enabled: model.events.replicas > 1, replicas: model.events.replicas },
      jetstream: { enabled: true, fileStore: { pvc } },
    },
  };
}
