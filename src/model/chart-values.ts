import { THIRD_PARTY, type ImageRef } from './catalog.js';
import { required } from './required.js';
import { EXPORTER_RESOURCES, NATS_RESOURCES, RELOADER_RESOURCES } from './resources.js';
import { secretKey, type Resources, type SchedulingModel, type SiteModel } from './site-model.js';

/** A Helm value, as the compiler builds them (the same shapes YAML emits). */
export type ChartValue = string | number | boolean | null | readonly ChartValue[] | { readonly [k: string]: ChartValue };

/**
 * The values chamicore-compile itself sets on the third-party charts, by chart; a site's
 * pass-through values go under them, and may not set any of their keys (rule chart-values-reserved).
 */
export function thirdPartyValues(model: SiteModel): { postgresql?: Record<string, ChartValue>; nats?: Record<string, ChartValue> } {
  const out: { postgresql?: Record<string, ChartValue>; nats?: Record<string, ChartValue> } = {};
  const pg = postgresqlValues(model);
  if (pg !== undefined) out.postgresql = pg;
  const nats = natsValues(model);
  if (nats !== undefined) out.nats = nats;
  return out;
}

/**
 * The pod label the bundled PostgreSQL admits (Bitnami's NetworkPolicy with allowExternal false
 * admits pods labelled `<fullname>-client: "true"` of the release's namespace): the chamicore
 * services with a database carry it, nothing else does.
 */
export const POSTGRESQL_CLIENT_LABEL = `${THIRD_PARTY.postgresql.host.helm}-client`;

/**
 * Pod Security "restricted" for the NATS pods, which the chart does not set: its server and
 * config reloader run as a non-root user, without privilege escalation or capabilities, on a
 * read-only root (the chart mounts an emptyDir for the pid file) with the RuntimeDefault seccomp
 * profile. The alpine image has no fixed user: it runs as nobody (65534, as the Chamicore images do), which
 * owns the JetStream volume through fsGroup.
 */
const NATS_POD_SECURITY: Record<string, ChartValue> = {
  runAsNonRoot: true,
  runAsUser: 65534,
  runAsGroup: 65534,
  fsGroup: 65534,
  seccompProfile: { type: 'RuntimeDefault' },
};
const RESTRICTED_CONTAINER: Record<string, ChartValue> = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

/** Resources as the charts take them (`requests`, `limits`, each with cpu, memory and ephemeral-storage). */
export function resourcesValue(r: Resources): Record<string, ChartValue> {
  return { requests: { ...r.requests }, limits: { ...r.limits } };
}

/** The scheduling keys a pod spec takes (nodeSelector, tolerations, affinity, priorityClassName), only those set. */
export function schedulingValues(s: SchedulingModel): Record<string, ChartValue> {
  const out: Record<string, ChartValue> = {};
  if (s.nodeSelector !== undefined) out['nodeSelector'] = { ...s.nodeSelector };
  if (s.tolerations !== undefined) out['tolerations'] = s.tolerations.map((t) => ({ ...t }));
  if (s.affinity !== undefined) out['affinity'] = s.affinity as ChartValue;
  if (s.priorityClassName !== undefined) out['priorityClassName'] = s.priorityClassName;
  return out;
}

/** Sets `value` at a dotted path of a nested object, creating the maps on the way. */
export function setPath(target: Record<string, ChartValue>, path: string, value: ChartValue): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    const child: Record<string, ChartValue> =
      next !== undefined && next !== null && typeof next === 'object' && !Array.isArray(next)
        ? { ...(next as Record<string, ChartValue>) }
        : {};
    node[key] = child;
    node = child;
  }
  node[keys[keys.length - 1]!] = value;
}

function imageValues(images: Readonly<Record<string, ImageRef>>): Record<string, ChartValue> {
  const out: Record<string, ChartValue> = {};
  for (const [path, image] of Object.entries(images)) setPath(out, path, { ...image });
  return out;
}

/**
 * Bitnami postgresql: credentials from the `<site>-db` Secret, one `chamicore` database,
 * max_connections from the pool budget, and images Bitnami still serves (bitnamilegacy) or the
 * site's mirror. Bitnami's install-time check (NOTES.txt) refuses any image it does not know
 * unless global.security.allowInsecureImages is set; set here, under the postgresql key, it
 * reaches that chart alone.
 */
function postgresqlValues(model: SiteModel): Record<string, ChartValue> | undefined {
  const db = model.database;
  if (db.mode !== 'bundled') return undefined;
  const persistence: Record<string, ChartValue> = { enabled: true, size: db.persistence.size };
  if (db.persistence.storageClass !== undefined) persistence['storageClass'] = db.persistence.storageClass;
  const own: Record<string, ChartValue> = {
    enabled: true,
    fullnameOverride: THIRD_PARTY.postgresql.host.helm,
    ...imageValues(db.images),
    auth: {
      username: db.user,
      database: db.name,
      existingSecret: secretKey(model, 'db', 'password').name,
      secretKeys: {
        adminPasswordKey: secretKey(model, 'db', 'postgres-password').key,
        userPasswordKey: secretKey(model, 'db', 'password').key,
      },
    },
    primary: {
      persistence,
      resources: resourcesValue(required(db.resources, 'database.resources')),
      ...schedulingValues(db.scheduling),
      extendedConfiguration: `max_connections = ${String(db.maxConnections)}\n`,
      // Only the chamicore services with a database reach 5432 (they carry POSTGRESQL_CLIENT_LABEL).
      networkPolicy: { enabled: true, allowExternal: false },
    },
  };
  // The exporter a site may turn on (database.values metrics.enabled): sized like every container,
  // and without a liveness probe, which would send the readiness probe's very request and restart
  // the sidecar under load instead of taking it out of the Service.
  setPath(own, 'metrics.resources', resourcesValue(EXPORTER_RESOURCES));
  setPath(own, 'metrics.livenessProbe', { enabled: false });
  if (Object.values(db.images).some((i) => !bitnamiAccepts(i))) own['global'] = { security: { allowInsecureImages: true } };
  return own;
}

/** Bitnami's image check passes (with a warning) for docker.io/bitnamilegacy images. */
function bitnamiAccepts(image: ImageRef): boolean {
  return image.registry === 'docker.io' && image.repository.startsWith('bitnamilegacy/');
}

/**
 * NATS chart (nats-io/k8s 1.x): JetStream on a volume, clustered when replicas > 1, and token
 * authorisation with the token from the `<site>-nats` Secret (`<< $NATS_TOKEN >>` is the chart's
 * syntax for an unquoted config variable). nats-box, a debugging shell that would not hold the
 * token, is off.
 */
function natsValues(model: SiteModel): Record<string, ChartValue> | undefined {
  const ev = model.events;
  if (!ev.enabled || ev.mode !== 'bundled') return undefined;
  const pvc: Record<string, ChartValue> = { size: ev.storageSize };
  if (model.storageClass !== undefined) pvc['storageClassName'] = model.storageClass;
  const own: Record<string, ChartValue> = {
    enabled: true,
    fullnameOverride: THIRD_PARTY.nats.host.helm,
    ...imageValues(ev.images),
    config: {
      cluster: { enabled: ev.replicas > 1, replicas: ev.replicas },
      jetstream: { enabled: true, fileStore: { pvc } },
      merge: { authorization: { token: '<< $NATS_TOKEN >>' } },
    },
  };
  const token = secretKey(model, 'nats', 'token');
  setPath(own, 'container.env', { NATS_TOKEN: { valueFrom: { secretKeyRef: { name: token.name, key: token.key } } } });
  setPath(own, 'natsBox.enabled', false);
  setPath(own, 'podTemplate.merge.spec', { securityContext: NATS_POD_SECURITY, ...schedulingValues(ev.scheduling) });
  setPath(own, 'container.merge', { securityContext: RESTRICTED_CONTAINER, resources: resourcesValue(NATS_RESOURCES) });
  setPath(own, 'reloader.merge', { securityContext: RESTRICTED_CONTAINER, resources: resourcesValue(RELOADER_RESOURCES) });
  return own;
}
