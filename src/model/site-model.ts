import type { ImageRef, ServiceId, ServiceInfo } from './catalog.js';

/**
 * The normalised site: every default applied, every user map sorted, nothing optional that
 * an emitter would have to default. Built by buildModel from validated input; read-only.
 */
export interface SiteModel {
  readonly name: string;
  /** Site file as named in generated headers: `<folder>/<file>`, e.g. `sites/alps.yaml`. */
  readonly source: string;
  readonly description: string | undefined;
  readonly environment: 'production' | 'staging' | 'development';
  readonly domain: string;
  readonly namespace: string;
  /** The compose project (COMPOSE_PROJECT_NAME and the compose file's `name`). */
  readonly composeProject: string;
  readonly kubernetesVersion: string;
  readonly storageClass: string | undefined;
  readonly imagePullSecrets: readonly string[];
  readonly ingress: IngressModel | undefined;
  /** A metrics scraper of another namespace the services' NetworkPolicies admit; undefined: none. */
  readonly monitoring: PeerModel | undefined;
  readonly release: {
    readonly version: string;
    readonly chartRepository: string;
    readonly postgresqlChart: ChartPin;
    readonly natsChart: ChartPin;
  };
  readonly images: {
    readonly registry: string;
    readonly tag: string;
    readonly pullPolicy: string;
    /** Mirror of docker.io for every third-party image; undefined: docker.io itself. */
    readonly mirror: string | undefined;
    /** images.requireDigests: every image must be pinned by digest. */
    readonly requireDigests: boolean;
  };
  readonly services: readonly ServiceModel[];
  readonly database: DatabaseModel;
  readonly events: EventsModel;
  readonly devMode: boolean;
  readonly mcpMode: 'read-only' | 'read-write';
  readonly oidcProviders: readonly OidcProvider[];
  readonly otlpEndpoint: string | undefined;
  /** Named secrets actually used by some output, sorted by name. */
  readonly secrets: readonly SecretSpec[];
  /** Kubernetes Secrets, in a fixed order. */
  readonly secretGroups: readonly SecretGroup[];
  readonly targets: { readonly helm: boolean; readonly compose: boolean };
  /** compose.dev: services the development stack runs from a source checkout; undefined: none. */
  readonly composeDev: ComposeDevModel | undefined;
  /** compose.profiles: the profile of each optional container (its compose service name), sorted by container. */
  readonly composeProfiles: Readonly<Record<string, string>>;
}

export interface ComposeDevModel {
  /** The checkout, as the site wrote it (absolute, or relative to out/<site>/compose/). */
  readonly source: string;
  /** In catalog order. */
  readonly services: readonly { readonly id: ServiceId; readonly main: string; readonly debug: boolean; readonly debugPort: number }[];
}

export interface ChartPin {
  readonly version: string;
  readonly repository: string;
}

/** Pods of another namespace, by the namespace's name and the pods' labels (sorted by key). */
export interface PeerModel {
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
}

export interface IngressModel {
  readonly enabled: boolean;
  /** The ingress controller's pods, which the routed services' NetworkPolicies admit. */
  readonly controller: PeerModel;
  readonly className: string | undefined;
  readonly host: string;
  readonly tls:
    | { readonly mode: 'cert-manager'; readonly issuer: string; readonly secretName: string }
    | { readonly mode: 'secret'; readonly secretName: string }
    | { readonly mode: 'none' };
}

/** CPU, memory and ephemeral storage, as Kubernetes quantities. */
export interface ResourceSet {
  readonly cpu: string;
  readonly memory: string;
  readonly 'ephemeral-storage': string;
}

/** Requests and limits of a container: the chart's defaults with the site's amounts merged over them. */
export interface Resources {
  readonly requests: ResourceSet;
  readonly limits: ResourceSet;
}

/**
 * Where a workload's pods run (kubernetes.scheduling, with each key a service, the database or NATS
 * sets replacing it); maps sorted by key, lists in the site's order. Absent keys are not emitted.
 */
export interface SchedulingModel {
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly Readonly<Record<string, string | number>>[];
  readonly affinity?: Readonly<Record<string, unknown>>;
  readonly priorityClassName?: string;
}

export interface ServiceModel {
  readonly info: ServiceInfo;
  readonly id: ServiceId;
  readonly enabled: boolean;
  readonly replicas: number;
  readonly resources: Resources;
  readonly scheduling: SchedulingModel;
  readonly image: {
    readonly registry: string;
    readonly repository: string;
    readonly tag: string;
    /** `sha256:…` when the site pins it (services.<id>.image.digest). */
    readonly digest?: string;
    readonly pullPolicy: string;
  };
  /** Database pool, for services with a database. */
  readonly pool: { readonly maxOpenConns: number; readonly maxIdleConns: number } | undefined;
  /**
   * sha256 over what identifies the values of every Secret key the service reads (names,
   * sources, rotations; never a value): a pod annotation, so a rotation restarts exactly the
   * services that read the rotated secret.
   */
  readonly secretsChecksum: string;
  /** Environment, sorted by name; empty for a disabled service. */
  readonly env: readonly EnvVar[];
  /** Names the compiler sets itself; `env` in the site file may not override them. */
  readonly reservedEnv: readonly string[];
}

export interface DatabaseModel {
  readonly mode: 'bundled' | 'external';
  readonly host: HostRef;
  readonly port: number;
  readonly name: string;
  readonly user: string;
  readonly sslMode: string;
  readonly persistence: { readonly size: string; readonly storageClass: string | undefined };
  /** Connections the services may open: the sum of maxOpenConns × replicas. */
  readonly connectionBudget: number;
  /** max_connections: the site's, or (bundled) the budget plus headroom; undefined: external without a stated limit. */
  readonly maxConnections: number | undefined;
  /** The bundled chart's images by values path (`image`, `metrics.image`, …), mirror applied. */
  readonly images: Readonly<Record<string, ImageRef>>;
  /** Extra values for the bundled chart, as the site wrote them. */
  readonly values: Readonly<Record<string, unknown>>;
  /** The bundled server's resources (sized for max_connections unless the site states them); undefined when external. */
  readonly resources: Resources | undefined;
  readonly scheduling: SchedulingModel;
}

export interface EventsModel {
  readonly enabled: boolean;
  readonly mode: 'bundled' | 'external';
  readonly url: TextValue;
  readonly replicas: number;
  readonly storageSize: string;
  /** The bundled chart's images by values path, mirror applied. */
  readonly images: Readonly<Record<string, ImageRef>>;
  /** Extra values for the bundled chart, as the site wrote them. */
  readonly values: Readonly<Record<string, unknown>>;
  readonly scheduling: SchedulingModel;
}

export interface OidcProvider {
  readonly name: string;
  readonly issuerUrl: string;
  readonly audience: string | undefined;
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
}

/** A host whose name depends on the target: in-cluster Service names differ from compose ones. */
export type HostRef =
  | { readonly kind: 'service'; readonly id: ServiceId }
  | { readonly kind: 'postgresql' }
  | { readonly kind: 'nats' }
  | { readonly kind: 'external'; readonly host: string };

export type TextPart = string | { readonly host: HostRef };

/** Plain text made of literal parts and target-dependent hosts. */
export interface TextValue {
  readonly kind: 'text';
  readonly parts: readonly TextPart[];
}

/** A reference to a key of one of the site's Kubernetes Secrets. */
export interface SecretRef {
  readonly kind: 'secret';
  readonly group: string;
  readonly key: string;
}

export interface EnvVar {
  readonly name: string;
  readonly value: TextValue | SecretRef;
}

export type GenerateSpec =
  | { readonly kind: 'chars'; readonly length: number; readonly alphabet: 'alphanumeric' | 'hex' | 'lowercase-alphanumeric' }
  | { readonly kind: 'bytes'; readonly bytes: number; readonly encoding: 'base64' | 'base64url' | 'hex' };

export type SecretSource =
  | { readonly kind: 'generate'; readonly spec: GenerateSpec }
  | { readonly kind: 'env'; readonly variable: string }
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'value'; readonly value: string };

export interface SecretSpec {
  readonly name: string;
  readonly source: SecretSource;
  readonly rotation: number;
  /** The rotation the operator acknowledged (secrets whose rotation breaks a running site). */
  readonly acknowledgedRotation: number | undefined;
  /** Declared in the site file (false: a built-in default). */
  readonly declared: boolean;
}

/** How one key of a Kubernetes Secret is computed. */
export type SecretExpr =
  | { readonly kind: 'named'; readonly secret: string }
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'dsn';
      readonly user: string;
      readonly passwordSecret: string;
      readonly host: HostRef;
      readonly port: number;
      readonly database: string;
      readonly sslMode: string;
      readonly schema: string;
    }
  | {
      /** `nats://<token>@<host>:<port>`, the token percent-encoded. */
      readonly kind: 'nats-url';
      readonly tokenSecret: string;
      readonly host: HostRef;
      readonly port: number;
    }
  | {
      /** A docker config (`{"auths": …}`) with one login per registry, in the order given (sorted by registry). */
      readonly kind: 'dockerconfigjson';
      readonly logins: readonly RegistryLogin[];
    };

/** One registry login of kubernetes.registryCredentials; the password is a named secret. */
export interface RegistryLogin {
  readonly registry: string;
  readonly username: string;
  readonly passwordSecret: string;
}

export interface SecretGroup {
  /** Short id (`db`), the Secret is named `<site>-<id>`. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** The Secret's type: Opaque, or kubernetes.io/dockerconfigjson for the registry logins. */
  readonly type: 'Opaque' | 'kubernetes.io/dockerconfigjson';
  /** Keys in a fixed, sorted order. */
  readonly keys: readonly { readonly key: string; readonly value: SecretExpr }[];
  /** Each secret the group's keys read and where it comes from (`db-password: generate 32 …, rotation 1`); never a value. */
  readonly sources: readonly string[];
  /** sha256 over what identifies every key's value; changes exactly when a value would. */
  readonly checksum: string;
}

/**
 * One key of a Secret the model defines: the Secret's name (built once, in the model), the key and
 * what its value is. Every output that names a Secret reads it here; a group or key the model does
 * not define is a bug in the compiler, never a site error.
 */
export function secretKey(model: SiteModel, group: string, key: string): { name: string; key: string; value: SecretExpr } {
  const g = model.secretGroups.find((x) => x.id === group);
  const k = g?.keys.find((x) => x.key === key);
  if (g === undefined || k === undefined) throw new Error(`internal: the model defines no Secret key ${group}/${key}`);
  return { name: g.name, key, value: k.value };
}
