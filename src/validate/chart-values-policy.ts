/**
 * What a site may pass through to the third-party charts (`database.values`, `events.nats.values`):
 * an allow-list, never "anything the chart declares". Both charts accept values that run any image,
 * add any object (`extraDeploy`), drop NATS authorisation (`config.patch`), run privileged or on the
 * host, or override what the compiler sets (`primary.args`); a site file comes from a merge request,
 * so each of those would reach the cluster. What is left is sizes, probe timings, persistence and
 * retention, metrics on and off, and labels and annotations that carry no behaviour. Everything
 * else is `chart-values-forbidden`, at its line; the compiler's own keys stay `chart-values-reserved`.
 */

import { siteSchema } from '../generated/site-schema.js';

/** The kind of value an allowed leaf takes. */
export type AllowedValue =
  | { readonly kind: 'boolean' }
  | { readonly kind: 'integer'; readonly min: number; readonly max: number }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  /** A Kubernetes quantity string, such as 1Gi or 500m. */
  | { readonly kind: 'quantity' }
  /** A Go duration string, such as 30s or 1m. */
  | { readonly kind: 'duration' }
  /** Labels: neither Kubernetes' nor Chamicore's own keys, which the NetworkPolicies select on. */
  | { readonly kind: 'labels' }
  /** Annotations: neither Kubernetes' own keys nor the prefixes of the known injectors. */
  | { readonly kind: 'annotations' };

/** An allowed map: each key allowed below it. */
export interface AllowedTree {
  readonly [key: string]: AllowedValue | AllowedTree;
}

export function isAllowedValue(a: AllowedValue | AllowedTree): a is AllowedValue {
  return typeof a.kind === 'string';
}

const boolean: AllowedValue = { kind: 'boolean' };
const quantity: AllowedValue = { kind: 'quantity' };
const duration: AllowedValue = { kind: 'duration' };
const labels: AllowedValue = { kind: 'labels' };
const annotations: AllowedValue = { kind: 'annotations' };
const seconds: AllowedValue = { kind: 'integer', min: 0, max: 3600 };
const positive = (max: number): AllowedValue => ({ kind: 'integer', min: 1, max });

/** A probe's timings (the probe itself, its command and port, stay the chart's). */
const probe: AllowedTree = {
  enabled: boolean,
  initialDelaySeconds: seconds,
  periodSeconds: positive(3600),
  timeoutSeconds: positive(3600),
  failureThreshold: positive(1000),
  successThreshold: positive(1),
};

export const PASS_THROUGH: Readonly<Record<'postgresql' | 'nats', AllowedTree>> = {
  postgresql: {
    commonLabels: labels,
    commonAnnotations: annotations,
    primary: {
      labels,
      annotations,
      podLabels: labels,
      podAnnotations: annotations,
      persistence: { labels, annotations },
      persistentVolumeClaimRetentionPolicy: {
        enabled: boolean,
        whenScaled: { kind: 'enum', values: ['Retain', 'Delete'] },
        whenDeleted: { kind: 'enum', values: ['Retain', 'Delete'] },
      },
      updateStrategy: { type: { kind: 'enum', values: ['RollingUpdate', 'OnDelete'] } },
      livenessProbe: probe,
      readinessProbe: probe,
      startupProbe: probe,
    },
    shmVolume: { enabled: boolean, sizeLimit: quantity },
    serviceAccount: { create: boolean },
    // The exporter runs the image the compiler pins (and mirrors), hardened by the chart's defaults, with
    // the resources the compiler sets (metrics.resources is reserved).
    metrics: {
      enabled: boolean,
      serviceMonitor: { enabled: boolean, interval: duration, scrapeTimeout: duration, labels },
    },
  },
  nats: {
    config: {
      monitor: { enabled: boolean },
      jetstream: { memoryStore: { enabled: boolean, maxSize: quantity }, fileStore: { maxSize: quantity } },
    },
    podTemplate: { merge: { metadata: { labels, annotations } } },
    statefulSet: { merge: { metadata: { labels, annotations } } },
    podDisruptionBudget: { enabled: boolean },
  },
};

/** A pattern of the site schema's $defs: label keys and values, quantities and durations mean the same here as in a site. */
function schemaPattern(...path: string[]): RegExp {
  let node: unknown = siteSchema['$defs'];
  for (const key of path) node = (node as Record<string, unknown>)[key];
  if (typeof node !== 'string') throw new Error(`internal: the site schema has no pattern at $defs.${path.join('.')}`);
  return new RegExp(node, 'u');
}
const LABEL_KEY = schemaPattern('labelMap', 'propertyNames', 'pattern');
const LABEL_VALUE = schemaPattern('labelMap', 'additionalProperties', 'pattern');
const QUANTITIES = [schemaPattern('memoryQuantity', 'pattern'), schemaPattern('cpuQuantity', 'pattern')];
const DURATION = schemaPattern('duration', 'pattern');

/** Prefixes whose labels or annotations Kubernetes and Chamicore act on (a domain and its subdomains). */
const RESERVED_DOMAINS = ['kubernetes.io', 'k8s.io', 'chamicore.io'];
/** Annotation prefixes of injectors that add containers, credentials or cloud identities to a pod. */
const INJECTOR_DOMAINS = ['istio.io', 'linkerd.io', 'vault.hashicorp.com', 'amazonaws.com', 'gke.io', 'azure.com', 'dapr.io'];

function prefixOf(key: string): string | undefined {
  const slash = key.indexOf('/');
  return slash < 0 ? undefined : key.slice(0, slash);
}

function under(domain: string, domains: readonly string[]): string | undefined {
  return domains.find((d) => domain === d || domain.endsWith(`.${d}`));
}

/**
 * Why a value is not what an allowed leaf takes, or undefined when it is. Never quotes the value:
 * a pasted credential must not reach a message.
 */
export function refusal(allowed: AllowedValue, value: unknown): string | undefined {
  switch (allowed.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'expected true or false';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= allowed.min && value <= allowed.max
        ? undefined
        : `expected an integer from ${String(allowed.min)} to ${String(allowed.max)}`;
    case 'enum':
      return typeof value === 'string' && allowed.values.includes(value) ? undefined : `expected one of ${allowed.values.join(', ')}`;
    case 'quantity':
      return typeof value === 'string' && QUANTITIES.some((q) => q.test(value))
        ? undefined
        : 'expected a quantity such as 1Gi or 500m, quoted';
    case 'duration':
      return typeof value === 'string' && DURATION.test(value) ? undefined : 'expected a duration such as 30s or 1m';
    case 'labels':
    case 'annotations':
      return metadataRefusal(allowed.kind, value);
  }
}

function metadataRefusal(kind: 'labels' | 'annotations', value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `expected a map of ${kind}`;
  for (const [key, v] of Object.entries(value)) {
    if (!LABEL_KEY.test(key) || key.length > 316) return `${kind} key ${JSON.stringify(key)} is not a Kubernetes label key`;
    const prefix = prefixOf(key);
    const reserved = prefix === undefined ? undefined : under(prefix, RESERVED_DOMAINS);
    if (reserved !== undefined || key.startsWith('chamicore')) {
      return `${kind} key ${key} is reserved: Kubernetes and Chamicore act on ${reserved ?? 'chamicore'} keys (NetworkPolicies select on labels)`;
    }
    const injector = kind === 'annotations' && prefix !== undefined ? under(prefix, INJECTOR_DOMAINS) : undefined;
    if (injector !== undefined) return `annotation ${key} would have ${injector} inject into the pod`;
    if (typeof v !== 'string') return `the value of ${key} is not a string (quote it)`;
    if (kind === 'labels' && !LABEL_VALUE.test(v)) return `the value of label ${key} is not a label value (63 letters, digits, -, _ or .)`;
    if (kind === 'annotations' && v.length > 4096) return `the value of annotation ${key} is longer than 4,096 characters`;
  }
  return undefined;
}
