// The Helm values contract between chamicore-compile's values.yaml and the subcharts of the
// umbrella chart, stated as one JSON schema (draft-07, what Helm validates values.schema.json
// with) per subchart, and the default values of each chamicore service chart. `npm run gen`
// writes each service chart's values.schema.json, values.yaml and templates under charts/, and
// renders docs/values-contract.md from the schemas; a test fails on drift.

/**
 * The chamicore service charts of charts/, in the umbrella's dependency order: port (none for the
 * headless kea-sync), the services that call it (reference §5 and the URLs the compiler wires:
 * every service reads auth's JWKS, SMD is the hub, the UI and MCP call the APIs), whether the
 * ingress routes to it, and its default resources.
 */
const ALL_SERVICES = ['auth', 'smd', 'bss', 'cloud-init', 'kea-sync', 'ui', 'discovery', 'power', 'mcp'].map((s) => `chamicore-${s}`);
const except = (...names) => ALL_SERVICES.filter((n) => !names.includes(n));
const size = (cpu, memory, cpuLimit, memoryLimit) => ({
  requests: { cpu, memory, 'ephemeral-storage': '64Mi' },
  limits: { cpu: cpuLimit, memory: memoryLimit, 'ephemeral-storage': '256Mi' },
});
export const SERVICE_CHARTS = [
  { name: 'chamicore-auth', port: 3333, callers: except('chamicore-auth'), routed: true, resources: size('100m', '128Mi', '1', '256Mi') },
  {
    name: 'chamicore-smd',
    port: 27779,
    callers: [
      'chamicore-bss',
      'chamicore-cloud-init',
      'chamicore-kea-sync',
      'chamicore-ui',
      'chamicore-discovery',
      'chamicore-power',
      'chamicore-mcp',
    ],
    routed: true,
    resources: size('200m', '256Mi', '2', '512Mi'),
  },
  {
    name: 'chamicore-bss',
    port: 27778,
    callers: ['chamicore-ui', 'chamicore-mcp'],
    routed: true,
    resources: size('200m', '128Mi', '2', '256Mi'),
  },
  {
    name: 'chamicore-cloud-init',
    port: 27777,
    callers: ['chamicore-ui', 'chamicore-mcp'],
    routed: true,
    resources: size('200m', '128Mi', '2', '256Mi'),
  },
  { name: 'chamicore-kea-sync', port: undefined, callers: [], routed: false, resources: size('50m', '64Mi', '500m', '128Mi') },
  { name: 'chamicore-ui', port: 8080, callers: [], routed: true, resources: size('100m', '128Mi', '1', '256Mi') },
  {
    name: 'chamicore-discovery',
    port: 27776,
    callers: ['chamicore-ui', 'chamicore-mcp'],
    routed: true,
    resources: size('100m', '128Mi', '1', '256Mi'),
  },
  {
    name: 'chamicore-power',
    port: 27775,
    callers: ['chamicore-ui', 'chamicore-mcp'],
    routed: true,
    resources: size('100m', '128Mi', '1', '256Mi'),
  },
  { name: 'chamicore-mcp', port: 27774, callers: [], routed: true, mcp: true, resources: size('50m', '64Mi', '500m', '128Mi') },
];

const DRAFT = 'http://json-schema.org/draft-07/schema#';
const str = (description, extra = {}) => ({ type: 'string', minLength: 1, description, ...extra });
const closed = (description, properties, required = Object.keys(properties)) => ({
  type: 'object',
  description,
  additionalProperties: false,
  required,
  properties,
});
const open = (description, properties) => closed(description, properties, []);
const int = (description, minimum = 0, maximum = undefined) => ({
  type: 'integer',
  minimum,
  ...(maximum === undefined ? {} : { maximum }),
  description,
});
const bool = (description) => ({ type: 'boolean', description });

/** A Kubernetes resource quantity, as a string (`500m`, `1`, `512Mi`). */
const QUANTITY = '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$';
const quantity = (what) => str(`${what}, a Kubernetes quantity string such as \`500m\` or \`512Mi\`.`, { pattern: QUANTITY });
const resourceSet = (what) =>
  open(what, { cpu: quantity('CPU'), memory: quantity('Memory'), 'ephemeral-storage': quantity('Ephemeral storage (logs, /tmp)') });
/** Label keys and values as Kubernetes accepts them (an optional DNS prefix, a name of at most 63 characters). */
const LABEL_KEY = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
const LABEL_VALUE = '^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$';
const labels = (description, minProperties = 0) => ({
  type: 'object',
  description,
  ...(minProperties > 0 ? { minProperties } : {}),
  propertyNames: { pattern: LABEL_KEY, maxLength: 316 },
  additionalProperties: { type: 'string', pattern: LABEL_VALUE },
});
const annotations = (description) => ({
  type: 'object',
  description,
  propertyNames: { pattern: LABEL_KEY, maxLength: 316 },
  additionalProperties: { type: 'string' },
});
/** A label selector that selects something: an empty one would admit every pod of every namespace. */
const selector = (description) => closed(description, { matchLabels: labels('Labels the peer must carry (at least one).', 1) });
/**
 * Peers of another namespace, as a list: Helm replaces a list a site sets but merges maps, so a
 * site's selector replaces the default one instead of adding its labels to it.
 */
const peers = (description) => ({
  type: 'array',
  minItems: 1,
  description,
  items: closed('A peer: pods with these labels in namespaces with these labels.', {
    namespaceSelector: selector('Its namespace, such as `matchLabels: {kubernetes.io/metadata.name: ingress-nginx}`.'),
    podSelector: selector('Its pods.'),
  }),
});
const ENV_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';
const DNS_LABEL = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';

const TOLERATION = closed(
  'A toleration, as Kubernetes takes it.',
  {
    key: str('Taint key (empty with operator Exists: every taint).', { minLength: 0, maxLength: 316 }),
    operator: { enum: ['Exists', 'Equal'], description: 'Exists or Equal (default Equal).' },
    value: { type: 'string', maxLength: 63, description: 'Taint value (with Equal).' },
    effect: { enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'], description: 'Effect; empty: every effect.' },
    tolerationSeconds: int('How long a NoExecute taint is tolerated.'),
  },
  [],
);

/** The scheduling keys every pod of the release takes (the compiler sets them from the site file). */
export const SCHEDULING = {
  nodeSelector: labels('Node labels the pods must run on (management nodes).'),
  tolerations: { type: 'array', maxItems: 32, description: 'Tolerations of the pods.', items: TOLERATION },
  affinity: open('Pod affinity, as Kubernetes takes it (nodeAffinity, podAffinity, podAntiAffinity).', {
    nodeAffinity: { type: 'object', description: 'Node affinity.' },
    podAffinity: { type: 'object', description: 'Pod affinity.' },
    podAntiAffinity: { type: 'object', description: 'Pod anti-affinity.' },
  }),
  priorityClassName: { type: 'string', pattern: `^(${DNS_LABEL.slice(1, -1)})?$`, description: 'PriorityClass of the pods; empty: none.' },
};

const probe = (what) =>
  closed(`The ${what} probe.`, {
    enabled: bool('Whether it is set.'),
    initialDelaySeconds: int('Seconds before the first probe.'),
    periodSeconds: int('Seconds between probes.', 1),
    timeoutSeconds: int('Seconds a probe may take.', 1),
    failureThreshold: int('Failures in a row that count.', 1),
  });

/**
 * `global`: what every subchart receives from the umbrella, third-party ones included, so only
 * what every chart should read: the image pull secrets, in the two forms the charts read.
 */
const GLOBAL = open('Site-wide values Helm passes to every subchart, the real postgresql and nats charts included.', {
  imagePullSecrets: {
    type: 'array',
    description: 'Pull secrets for every pod, as `{name}` objects (chamicore and Bitnami charts).',
    items: closed('A pull secret.', { name: str('Secret name.') }),
  },
  image: open('Read by the NATS chart.', {
    pullSecretNames: { type: 'array', description: 'The same pull secrets, as names.', items: { type: 'string', minLength: 1 } },
  }),
});

/** The values schema of one chamicore service chart (charts/<name>/values.schema.json). */
function serviceSchema(chart) {
  const properties = {
    enabled: bool("The umbrella chart's dependency condition; ignored when the chart is installed alone."),
    fullnameOverride: str(
      "Name of every object, and the in-cluster host every other service's URL names. Default: the chart name. Never prefixed with the release name.",
      { pattern: DNS_LABEL, minLength: 0 },
    ),
    replicaCount: int('Pods of the Deployment. With 2 or more, a PodDisruptionBudget keeps all but `pdb.maxUnavailable` running.', 0, 100),
    revisionHistoryLimit: int('Old ReplicaSets kept for `kubectl rollout undo`.', 0, 100),
    image: closed('The image, `<registry>/<repository>:<tag>`, or `…@<digest>` when `digest` is set.', {
      registry: { type: 'string', maxLength: 255, description: 'Registry and path prefix; empty: none.' },
      repository: str('Repository.', { maxLength: 255 }),
      tag: {
        type: 'string',
        maxLength: 128,
        pattern: '^([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$',
        description: 'Tag: `vX.Y.Z`, a commit SHA or `latest`; empty: `v<appVersion>`. A string, never a number (`1.10` stays `1.10`).',
      },
      digest: {
        type: 'string',
        pattern: '^(sha256:[a-f0-9]{64})?$',
        description:
          'Content digest `sha256:…`; set, the container runs `<registry>/<repository>@<digest>` (the tag is not used). Empty: none.',
      },
      pullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'], description: 'imagePullPolicy.' },
    }),
    imagePullSecrets: {
      type: 'array',
      description: "Pull secrets of this chart's pods, beside `global.imagePullSecrets`.",
      items: closed('A pull secret.', { name: str('Secret name.', { pattern: DNS_LABEL }) }),
    },
    resources: closed(
      'Requests and limits of the container (CPU, memory, ephemeral storage). Helm merges what a site sets over these defaults.',
      { requests: resourceSet('Requests.'), limits: resourceSet('Limits.') },
    ),
    podAnnotations: {
      ...annotations('Annotations of the pod template.'),
      properties: {
        'chamicore.io/secrets-checksum': str(
          'sha256 over the names, sources and rotations of the Secret keys the service reads (never their values): a rotation changes it, and the pods restart.',
          { pattern: '^[0-9a-f]{64}$' },
        ),
      },
    },
    podLabels: labels('Extra labels of the pods, such as `chamicore-postgresql-client: "true"`, which the bundled PostgreSQL admits.'),
    env: {
      type: 'object',
      description:
        'Plain environment variables, every value a string (`"no"`, `"0777"` stay strings). Values are literal: the chart writes every `$` as `$$` so Kubernetes does not expand `$(VAR)`.',
      propertyNames: { pattern: ENV_NAME },
      additionalProperties: { type: 'string' },
    },
    secretEnv: {
      type: 'object',
      description: 'Variables read from Secrets: `VARIABLE: {existingSecret, key}`, rendered as `valueFrom.secretKeyRef`.',
      propertyNames: { pattern: ENV_NAME },
      additionalProperties: closed('A Secret key reference.', {
        existingSecret: str('Secret name (`<site>-<group>`).', { pattern: DNS_LABEL }),
        key: str('Key in that Secret.', { pattern: '^[-._a-zA-Z0-9]+$' }),
      }),
    },
    serviceAccount: closed("The service's own ServiceAccount. Its token is never mounted: no Chamicore service calls the Kubernetes API.", {
      create: bool('Create it (otherwise the pods run as `name`, or `default`).'),
      name: { type: 'string', pattern: `^(${DNS_LABEL.slice(1, -1)})?$`, description: 'Its name; empty: the fullname.' },
      annotations: annotations('Its annotations.'),
    }),
    pdb: closed('The PodDisruptionBudget, rendered when replicaCount is 2 or more.', {
      enabled: bool('Whether it is rendered.'),
      maxUnavailable: int('Pods a voluntary disruption (a drain) may take down at once.', 1),
    }),
    topologySpread: closed('Spread of the pods across nodes.', {
      enabled: bool('Whether the constraint is set.'),
      maxSkew: int('Largest difference of pod counts between two domains.', 1),
      topologyKey: str('Node label of the domains.'),
      whenUnsatisfiable: { enum: ['ScheduleAnyway', 'DoNotSchedule'], description: 'ScheduleAnyway (soft, the default) or DoNotSchedule.' },
    }),
    ...SCHEDULING,
    probes: closed(
      'HTTP probes on the service port: startup and liveness on `/health`, readiness on `/readiness` (BSS and cloud-init are ready after their first SMD sync, power after its mapping sync), so `helm --wait` waits for ready services. Unused by a service without a port.',
      { startup: probe('startup'), readiness: probe('readiness'), liveness: probe('liveness') },
    ),
    tmpSize: quantity('Size limit of the emptyDir mounted at /tmp (the root file system is read-only)'),
    networkPolicy: closed('The NetworkPolicy of the pods: which peers reach the service port; every other ingress is refused.', {
      enabled: bool('Whether it is rendered.'),
      allowedCallers: {
        type: 'array',
        uniqueItems: true,
        description: 'The Chamicore services of this release that call this one (chart names); the defaults are the calls of reference §5.',
        items: { enum: ALL_SERVICES },
      },
      ingressController: closed('The ingress controller, for a service the Ingress routes to.', {
        enabled: bool('Whether it is admitted.'),
        from: peers('Its pods (a list, so that yours replace the default ingress-nginx ones).'),
      }),
      monitoring: closed('A metrics scraper (Prometheus) in another namespace; `/metrics` is on the service port.', {
        enabled: bool('Whether it is admitted.'),
        from: peers('Its pods (a list, so that yours replace the default ones).'),
      }),
    }),
    global: GLOBAL,
    'chamicore-common': { type: 'object', description: "Helm's entry for the library chart, which reads no values." },
  };
  if (chart.port !== undefined) {
    properties.service = closed('The ClusterIP Service in front of the pods.', {
      port: { type: 'integer', const: chart.port, description: 'Service and container port.' },
    });
  }
  if (chart.mcp) {
    properties.transport = {
      const: 'http',
      description: 'MCP transport: `CHAMICORE_MCP_TRANSPORT` unless `env` sets it; deployed instances serve HTTP.',
    };
    properties.mode = { enum: ['read-only', 'read-write'], description: 'MCP tool mode: `CHAMICORE_MCP_MODE` unless `env` sets it.' };
    properties.enableWrite = bool(
      'Whether write tools are on (`CHAMICORE_MCP_ENABLE_WRITE` unless `env` sets it); true only in read-write mode.',
    );
  }
  const headless = chart.port === undefined ? ' Headless: no Service, no port, no probes.' : '';
  return {
    $schema: DRAFT,
    title: `${chart.name} values`,
    description: `Values of the ${chart.name} chart; chamicore-compile writes them under \`${chart.name}\` of the umbrella chart.${headless}`,
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties).filter(
      (k) => !['enabled', 'global', 'chamicore-common', 'imagePullSecrets', 'podAnnotations', 'podLabels'].includes(k),
    ),
    properties,
    ...(chart.mcp ? { if: { properties: { mode: { const: 'read-only' } } }, then: { properties: { enableWrite: { const: false } } } } : {}),
  };
}

/** The default values of one service chart, as charts/<name>/values.yaml states them. */
export function serviceDefaults(chart) {
  const values = {
    enabled: true,
    fullnameOverride: chart.name,
    replicaCount: 1,
    revisionHistoryLimit: 5,
    image: { registry: 'registry.cscs.ch/openchami', repository: chart.name, tag: '', digest: '', pullPolicy: 'IfNotPresent' },
    imagePullSecrets: [],
    resources: chart.resources,
    podAnnotations: {},
    podLabels: {},
    env: {},
    secretEnv: {},
    serviceAccount: { create: true, name: '', annotations: {} },
    pdb: { enabled: true, maxUnavailable: 1 },
    topologySpread: { enabled: true, maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
    nodeSelector: {},
    tolerations: [],
    affinity: {},
    priorityClassName: '',
    probes: {
      startup: { enabled: true, initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 60 },
      readiness: { enabled: true, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
      liveness: { enabled: true, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 6 },
    },
    tmpSize: '64Mi',
    networkPolicy: {
      enabled: true,
      allowedCallers: chart.callers,
      ingressController: {
        enabled: chart.routed,
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
          },
        ],
      },
      monitoring: {
        enabled: false,
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
          },
        ],
      },
    },
  };
  if (chart.port !== undefined) values.service = { port: chart.port };
  if (chart.mcp) Object.assign(values, { transport: 'http', mode: 'read-only', enableWrite: false });
  return values;
}

/**
 * A third-party subchart's schema of what the compiler sets: `enabled` always (the dependency
 * condition), every key of `required` when enabled.
 */
function subchartSchema(name, description, properties, required) {
  return {
    $schema: DRAFT,
    title: `${name} values`,
    description,
    type: 'object',
    additionalProperties: false,
    required: ['enabled'],
    properties,
    if: { properties: { enabled: { const: true } } },
    then: { required },
  };
}

const image = (what) =>
  closed(`${what}: \`docker.io/bitnamilegacy/…\` or \`library/nats\`… at the pinned tag, under the site's mirror when it has one.`, {
    registry: str('Registry.'),
    repository: str('Repository.'),
    tag: str('Tag.'),
    digest: {
      type: 'string',
      pattern: '^sha256:[a-f0-9]{64}$',
      description: 'Content digest, when the site pins the image (it then overrides the tag, as the chart renders it).',
    },
  });

/**
 * The keys chamicore-compile sets on the real Bitnami postgresql chart (16.7.27). The chart takes
 * many more; a site passes them with `database.values`, and Helm checks them against the chart's
 * own values.schema.json.
 */
function postgresqlSchema() {
  return subchartSchema(
    'postgresql',
    'The Bitnami postgresql keys chamicore-compile sets when the database is bundled.',
    {
      enabled: { type: 'boolean', description: 'The dependency condition.' },
      fullnameOverride: str('`chamicore-postgresql`, the host every DSN names.', { const: 'chamicore-postgresql' }),
      image: image('The PostgreSQL server image'),
      volumePermissions: closed('Only its image (the init container is off unless `database.values` turns it on).', {
        image: image('The os-shell image'),
      }),
      metrics: closed(
        "Its image, resources and liveness probe (the exporter is off unless `database.values` turns it on). No liveness probe: it would repeat the readiness probe's request and restart the sidecar under load.",
        {
          image: image('The postgres-exporter image'),
          resources: closed('Requests and limits (CPU, memory, ephemeral storage).', {
            requests: resourceSet('Requests.'),
            limits: resourceSet('Limits.'),
          }),
          livenessProbe: closed('Off.', { enabled: { const: false, description: 'Off.' } }),
        },
      ),
      auth: closed('Credentials come from the `<site>-db` Secret.', {
        username: str('Application user.'),
        database: str('Application database.'),
        existingSecret: str('`<site>-db`.'),
        secretKeys: closed('Keys of that Secret.', {
          adminPasswordKey: str('`postgres-password`.', { const: 'postgres-password' }),
          userPasswordKey: str('`password`.', { const: 'password' }),
        }),
      }),
      primary: closed('The primary.', {
        persistence: closed(
          'Its volume.',
          {
            enabled: { type: 'boolean', description: 'Always true.' },
            size: quantity('Volume size'),
            storageClass: str('Storage class; absent means the cluster default.'),
          },
          ['enabled', 'size'],
        ),
        extendedConfiguration: str('`max_connections = N`: the pool budget plus headroom, or `database.maxConnections`.'),
        resources: closed(
          'Sized for max_connections (128Mi + 2Mi per connection, rounded up to 64Mi) unless `database.resources` says otherwise; never a Bitnami preset.',
          {
            requests: resourceSet('Requests.'),
            limits: resourceSet('Limits.'),
          },
        ),
        ...SCHEDULING,
        networkPolicy: closed(
          'Only the chamicore services with a database reach it: they carry `chamicore-postgresql-client: "true"`.',
          {
            enabled: { const: true, description: 'On.' },
            allowExternal: { const: false, description: 'No pod without the client label.' },
          },
          ['persistence', 'extendedConfiguration', 'resources', 'networkPolicy'],
        ),
      }),
      global: closed(
        'Only when an image is not a `docker.io/bitnamilegacy` one (a mirror, or `database.image`): set here, it reaches this chart alone.',
        { security: closed('Bitnami image check.', { allowInsecureImages: { const: true, description: 'Skip the check.' } }) },
      ),
    },
    ['enabled', 'fullnameOverride', 'image', 'volumePermissions', 'metrics', 'auth', 'primary'],
  );
}

const NATS_RESOURCES = closed('Requests and limits (CPU, memory, ephemeral storage).', {
  requests: resourceSet('Requests.'),
  limits: resourceSet('Limits.'),
});

const RESTRICTED_CONTAINER = {
  type: 'object',
  description: 'Pod Security "restricted": no privilege escalation, every capability dropped, a read-only root.',
};

/** The keys chamicore-compile sets on the real NATS chart (nats-io/k8s 1.3.7) when events are bundled. */
function natsSchema() {
  const withImage = (description, rest = {}) => closed(description, { image: image('Image'), ...rest });
  return subchartSchema(
    'nats',
    'The NATS chart keys chamicore-compile sets when events are bundled; a site passes more with `events.nats.values`.',
    {
      enabled: { type: 'boolean', description: 'The dependency condition.' },
      fullnameOverride: str('`chamicore-nats`, the host in `CHAMICORE_NATS_URL`.', { const: 'chamicore-nats' }),
      container: withImage('The NATS server container.', {
        env: closed('Its environment.', {
          NATS_TOKEN: { type: 'object', description: 'The token, `valueFrom.secretKeyRef` of `<site>-nats`, key `token`.' },
        }),
        merge: closed('Merged into the container.', { securityContext: RESTRICTED_CONTAINER, resources: NATS_RESOURCES }),
      }),
      reloader: withImage('The config reloader.', {
        merge: closed('Merged into the container.', { securityContext: RESTRICTED_CONTAINER, resources: NATS_RESOURCES }),
      }),
      podTemplate: closed('The pod template.', {
        merge: closed('Merged into it.', {
          spec: closed(
            'The pod spec.',
            {
              securityContext: {
                type: 'object',
                description: 'Pod Security "restricted": non-root (uid/gid 65534, fsGroup 65534), RuntimeDefault seccomp.',
              },
              ...SCHEDULING,
            },
            ['securityContext'],
          ),
        }),
      }),
      promExporter: withImage('The Prometheus exporter (off unless `events.nats.values` turns it on).'),
      natsBox: closed('nats-box, off: it would not hold the token.', {
        enabled: { const: false, description: 'Off.' },
        container: withImage('Its container.'),
      }),
      config: closed('NATS server configuration.', {
        cluster: closed('Clustering.', {
          enabled: { type: 'boolean', description: 'True when replicas > 1.' },
          replicas: { type: 'integer', minimum: 1, description: 'Server replicas.' },
        }),
        jetstream: closed('JetStream.', {
          enabled: { type: 'boolean', description: 'Always true.' },
          fileStore: closed('File storage.', {
            pvc: closed(
              'Its volume.',
              { size: quantity('Volume size'), storageClassName: str('Storage class; absent means the cluster default.') },
              ['size'],
            ),
          }),
        }),
        merge: closed('Merged into nats.conf.', {
          authorization: closed('Token authorisation.', {
            token: { const: '<< $NATS_TOKEN >>', description: 'The chart writes it unquoted: the server reads `$NATS_TOKEN`.' },
          }),
        }),
      }),
    },
    ['enabled', 'fullnameOverride', 'container', 'reloader', 'promExporter', 'natsBox', 'config', 'podTemplate'],
  );
}

/** Every subchart of the umbrella: name, kind (a chamicore service chart of charts/, or a third-party chart) and its values schema. */
export function contractCharts() {
  return [
    ...SERVICE_CHARTS.map((c) => ({ name: c.name, kind: 'service', port: c.port, schema: serviceSchema(c) })),
    // The real upstream charts render these; their schemas here document what the compiler sets.
    { name: 'postgresql', kind: 'third-party', port: 5432, schema: postgresqlSchema() },
    { name: 'nats', kind: 'third-party', port: 4222, schema: natsSchema() },
  ];
}
