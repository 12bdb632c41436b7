import type { Site } from '../generated/site.js';
import { serviceChart, type ServiceInfo } from './catalog.js';
import { sortedValue } from './sorted.js';
import type { Resources, ResourceSet, SchedulingModel } from './site-model.js';

type ResourcesInput = NonNullable<NonNullable<NonNullable<Site['services']>['smd']>['resources']>;
type SchedulingInput = NonNullable<NonNullable<Site['kubernetes']>['scheduling']>;

/** The site's amounts over the defaults, kind by kind (a site that sets only limits.memory keeps every other default). */
export function mergeResources(defaults: Resources, input: ResourcesInput | undefined): Resources {
  const merge = (base: ResourceSet, over: ResourcesInput['requests']): ResourceSet => ({ ...base, ...(over ?? {}) });
  return { requests: merge(defaults.requests, input?.requests), limits: merge(defaults.limits, input?.limits) };
}

/** A service's resources: its chart's defaults (charts/<chart>/values.yaml) with the site's over them. */
export function serviceResources(info: ServiceInfo, input: ResourcesInput | undefined): Resources {
  return mergeResources(serviceChart(info.chart).resources, input);
}

/**
 * The least memory a PostgreSQL server with `maxConnections` needs, in MiB: 128 MiB for shared
 * buffers and the server, and 2 MiB for each connection's backend (its work memory and catalog
 * caches). Bitnami's presets ignore connections (`nano` is 192 MiB for any max_connections).
 */
export function databaseMemoryFloorMi(maxConnections: number): number {
  return 128 + 2 * maxConnections;
}

/**
 * The bundled PostgreSQL's resources: memory sized for its connections (the floor, rounded up to
 * 64 MiB, requested and limited alike: PostgreSQL under memory pressure is killed, not slowed),
 * 250m CPU requested and 2 the limit, ephemeral storage 64Mi and 1Gi; the site's amounts over them.
 */
export function databaseResources(maxConnections: number, input: ResourcesInput | undefined): Resources {
  const memory = `${String(Math.ceil(databaseMemoryFloorMi(maxConnections) / 64) * 64)}Mi`;
  return mergeResources(
    {
      requests: { cpu: '250m', memory, 'ephemeral-storage': '64Mi' },
      limits: { cpu: '2', memory, 'ephemeral-storage': '1Gi' },
    },
    input,
  );
}

/** The bundled NATS server's resources (JetStream keeps its streams on the volume, not in memory). */
export const NATS_RESOURCES: Resources = {
  requests: { cpu: '100m', memory: '256Mi', 'ephemeral-storage': '64Mi' },
  limits: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '256Mi' },
};

/** The PostgreSQL exporter's resources (the metrics sidecar a site may turn on). */
export const EXPORTER_RESOURCES: Resources = {
  requests: { cpu: '50m', memory: '64Mi', 'ephemeral-storage': '16Mi' },
  limits: { cpu: '250m', memory: '128Mi', 'ephemeral-storage': '64Mi' },
};

/** The NATS config reloader's resources. */
export const RELOADER_RESOURCES: Resources = {
  requests: { cpu: '10m', memory: '32Mi', 'ephemeral-storage': '16Mi' },
  limits: { cpu: '100m', memory: '64Mi', 'ephemeral-storage': '64Mi' },
};

/** A quantity of the site schema (cpuQuantity, memoryQuantity) in base units: cores, bytes. */
export function quantityValue(q: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(q);
  if (m === null) throw new Error(`internal: ${q} is no quantity the schema accepts`);
  const scale: Readonly<Record<string, number>> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
  };
  return Number(m[1]) * (m[2] === undefined ? 1 : scale[m[2]]!);
}

/** Scheduling: each key `own` sets replaces the site-wide one; maps sorted by key, lists as written. */
export function schedulingOf(siteWide: SchedulingInput | undefined, own: SchedulingInput | undefined): SchedulingModel {
  const nodeSelector = own?.nodeSelector ?? siteWide?.nodeSelector;
  const tolerations = own?.tolerations ?? siteWide?.tolerations;
  const affinity = own?.affinity ?? siteWide?.affinity;
  const priorityClassName = own?.priorityClassName ?? siteWide?.priorityClassName;
  return {
    ...(nodeSelector !== undefined && Object.keys(nodeSelector).length > 0
      ? { nodeSelector: sortedValue(nodeSelector) as Record<string, string> }
      : {}),
    ...(tolerations !== undefined && tolerations.length > 0
      ? { tolerations: tolerations.map((t) => sortedValue(t) as Record<string, string | number>) }
      : {}),
    ...(affinity !== undefined && Object.keys(affinity).length > 0 ? { affinity: sortedValue(affinity) as Record<string, unknown> } : {}),
    ...(priorityClassName !== undefined ? { priorityClassName } : {}),
  };
}
