import type { Site } from '../generated/site.js';
import { SERVICES, serviceEnabled, type ServiceInfo } from './catalog.js';
import { Defaults } from './defaults.js';
import { poolOf } from './service-env.js';

/**
 * Facts about a schema-valid site with its defaults applied, for the input rules and the model
 * alike (one computation, so a rule and the output cannot disagree). Total: they hold for any site
 * the schema accepts, valid or not.
 */

/** Each enabled service with a database pool: its pool and replicas. */
export function databaseUsers(site: Site): { info: ServiceInfo; maxOpenConns: number; replicas: number }[] {
  return SERVICES.filter((info) => info.pool !== undefined && serviceEnabled(site, info)).map((info) => ({
    info,
    maxOpenConns: poolOf(site.services?.[info.id], info.pool!).maxOpenConns,
    replicas: site.services?.[info.id]?.replicas ?? Defaults.replicas,
  }));
}

/** The connections the services may open at once: Σ maxOpenConns × replicas. */
export function connectionBudget(site: Site): number {
  return databaseUsers(site).reduce((sum, u) => sum + u.maxOpenConns * u.replicas, 0);
}

/** The database's max_connections: as the site says, derived for a bundled one, unknown for an external one. */
export function databaseMaxConnections(site: Site, budget: number): number | undefined {
  const mode = site.database?.mode ?? Defaults.database.mode;
  return site.database?.maxConnections ?? (mode === 'bundled' ? Defaults.database.maxConnections(budget) : undefined);
}

/** The image tag of every Chamicore service that does not set its own. */
export function defaultImageTag(site: Site): string {
  return site.images?.tag ?? Defaults.imageTag(site.release.version);
}

export function targetsOf(site: Site): ReadonlySet<'helm' | 'compose'> {
  return new Set(site.targets ?? Defaults.targets);
}
