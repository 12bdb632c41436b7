/**
 * What chamicore-compile knows about each Chamicore service (../shared/reference/
 * chamicore-deployment.md §1–§2): ports, environment tokens, database schemas, start order.
 */

export type ServiceId = 'auth' | 'smd' | 'bss' | 'cloud-init' | 'kea-sync' | 'ui' | 'discovery' | 'power' | 'mcp';

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
}

/** In start order (reference §5): auth first, then smd, then its consumers. */
export const SERVICES: readonly ServiceInfo[] = [
  { id: 'auth', token: 'AUTH', port: 3333, dbSchema: 'auth', optional: false, pool: { maxOpenConns: 40, maxIdleConns: 10 } },
  { id: 'smd', token: 'SMD', port: 27779, dbSchema: 'smd', optional: false, pool: { maxOpenConns: 80, maxIdleConns: 20 } },
  { id: 'bss', token: 'BSS', port: 27778, dbSchema: 'bss', optional: false, pool: { maxOpenConns: 100, maxIdleConns: 20 } },
  {
    id: 'cloud-init',
    token: 'CLOUDINIT',
    port: 27777,
    dbSchema: 'cloudinit',
    optional: false,
    pool: { maxOpenConns: 100, maxIdleConns: 20 },
  },
  { id: 'kea-sync', token: 'KEASYNC', port: undefined, dbSchema: undefined, optional: false, pool: undefined },
  { id: 'ui', token: 'UI', port: 8080, dbSchema: undefined, optional: false, pool: undefined },
  { id: 'discovery', token: 'DISCOVERY', port: 27776, dbSchema: 'discovery', optional: true, pool: { maxOpenConns: 30, maxIdleConns: 10 } },
  { id: 'power', token: 'POWER', port: 27775, dbSchema: 'power', optional: true, pool: { maxOpenConns: 30, maxIdleConns: 10 } },
  { id: 'mcp', token: 'MCP', port: 27774, dbSchema: undefined, optional: true, pool: undefined },
].map((s) => ({ ...s, id: s.id as ServiceId, chart: `chamicore-${s.id}`, composeService: s.id }));

/** The 64-hex development internal token from upstream docs; never valid outside development. */
export const DEV_INTERNAL_TOKEN = '0123456789abcdef'.repeat(4);
