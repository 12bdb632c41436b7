// The Helm values contract between chamicore-compile's values.yaml and the subcharts of the
// umbrella chart, stated as one JSON schema (draft-07, what Helm validates values.schema.json
// with) per subchart. `npm run gen` writes each schema into its conformance chart under
// test/conformance/charts/ and renders docs/values-contract.md from them; a test fails on drift.

/** The chamicore service subcharts, in the umbrella's dependency order. */
export const SERVICE_CHARTS = [
  { name: 'chamicore-auth', port: 3333 },
  { name: 'chamicore-smd', port: 27779 },
  { name: 'chamicore-bss', port: 27778 },
  { name: 'chamicore-cloud-init', port: 27777 },
  { name: 'chamicore-kea-sync', port: undefined },
  { name: 'chamicore-ui', port: 8080 },
  { name: 'chamicore-discovery', port: 27776 },
  { name: 'chamicore-power', port: 27775 },
  { name: 'chamicore-mcp', port: 27774, mcp: true },
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

const quantity = (what) => str(`${what}, a Kubernetes quantity string such as \`500m\` or \`512Mi\`.`);
const resourceSet = (what) => closed(what, { cpu: quantity('CPU'), memory: quantity('Memory') }, []);

/**
 * `global`: what every subchart receives from the umbrella, third-party ones included, so only
 * what every chart should read: the image pull secrets, in the two forms the charts read.
 */
const GLOBAL = closed('Site-wide values Helm passes to every subchart, the real postgresql and nats charts included.', {
  imagePullSecrets: {
    type: 'array',
    description: 'Pull secrets for every pod, as `{name}` objects (chamicore and Bitnami charts).',
    items: closed('A pull secret.', { name: str('Secret name.') }),
  },
  image: closed('Read by the NATS chart.', {
    pullSecretNames: { type: 'array', description: 'The same pull secrets, as names.', items: { type: 'string', minLength: 1 } },
  }),
});

/**
 * A subchart's values schema: `enabled` always (the dependency condition), every key of `required`
 * when enabled, nothing else. A disabled subchart gets only `enabled: false`.
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

/** The values of one chamicore service subchart. */
function serviceSchema(chart) {
  const properties = {
    enabled: { type: 'boolean', description: 'The dependency condition; a disabled service gets only `enabled: false`.' },
    fullnameOverride: str('Name of every object and of the in-cluster Service every URL uses: the chart name.', {
      const: chart.name,
    }),
    replicaCount: { type: 'integer', minimum: 0, description: 'Deployment replicas.' },
    image: closed('The full image, rendered `<registry>/<repository>:<tag>`.', {
      registry: str('Registry and path prefix.'),
      repository: str('Repository.'),
      tag: str('Tag: `vX.Y.Z`, a commit SHA or `latest`; a string, never a number (`1.10` stays `1.10`).'),
      pullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'], description: 'imagePullPolicy.' },
    }),
    resources: closed(
      'Container resources, passed through as they are.',
      { requests: resourceSet('Requests.'), limits: resourceSet('Limits.') },
      [],
    ),
    podAnnotations: closed('Annotations of the pod template.', {
      'chamicore.io/secrets-checksum': str(
        'sha256 over the names, sources and rotations of the Secret keys the service reads (never their values): a rotation changes it, and the pods restart.',
        { pattern: '^[0-9a-f]{64}$' },
      ),
    }),
    env: {
      type: 'object',
      description:
        'Plain environment variables, every value a string (`"no"`, `"0777"` stay strings). Values are literal: write every `$` as `$$` in the container spec so Kubernetes does not expand `$(VAR)`.',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: { type: 'string' },
    },
    secretEnv: {
      type: 'object',
      description: 'Variables read from Secrets: `VARIABLE: {existingSecret, key}`, rendered as `valueFrom.secretKeyRef`.',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: closed('A Secret key reference.', {
        existingSecret: str('Secret name (`<site>-<group>`).'),
        key: str('Key in that Secret.'),
      }),
    },
    global: GLOBAL,
  };
  const required = ['enabled', 'fullnameOverride', 'replicaCount', 'image', 'resources', 'podAnnotations', 'env', 'secretEnv'];
  if (chart.port !== undefined) {
    properties.service = closed('The Service in front of the pods.', {
      port: { type: 'integer', const: chart.port, description: 'Service and container port.' },
    });
    required.push('service');
  }
  if (chart.mcp) {
    properties.transport = { const: 'http', description: 'MCP transport; the compiler always serves HTTP.' };
    properties.mode = { enum: ['read-only', 'read-write'], description: 'MCP tool mode.' };
    properties.enableWrite = { type: 'boolean', description: 'Whether write tools are on (true only in read-write mode).' };
    required.push('transport', 'mode', 'enableWrite');
  }
  const headless = chart.port === undefined ? ' Headless: no Service, no port.' : '';
  return subchartSchema(chart.name, `The values chamicore-compile writes under \`${chart.name}\`.${headless}`, properties, required);
}

const image = (what) =>
  closed(`${what}: \`docker.io/bitnamilegacy/…\` or \`library/nats\`… at the pinned tag, under the site's mirror when it has one.`, {
    registry: str('Registry.'),
    repository: str('Repository.'),
    tag: str('Tag.'),
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
      metrics: closed('Only its image (the exporter is off unless `database.values` turns it on).', {
        image: image('The postgres-exporter image'),
      }),
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
      }),
      global: closed(
        'Only when an image is not a `docker.io/bitnamilegacy` one (a mirror, or `database.image`): set here, it reaches this chart alone.',
        { security: closed('Bitnami image check.', { allowInsecureImages: { const: true, description: 'Skip the check.' } }) },
      ),
    },
    ['enabled', 'fullnameOverride', 'image', 'volumePermissions', 'metrics', 'auth', 'primary'],
  );
}

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
      }),
      reloader: withImage('The config reloader.'),
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
    ['enabled', 'fullnameOverride', 'container', 'reloader', 'promExporter', 'natsBox', 'config'],
  );
}

/** Every conformance chart: name, what it stands in for, and its values schema. */
export function contractCharts() {
  return [
    ...SERVICE_CHARTS.map((c) => ({ name: c.name, kind: 'service', port: c.port, schema: serviceSchema(c) })),
    // The real upstream charts render these; their schemas here document what the compiler sets.
    { name: 'postgresql', kind: 'third-party', port: 5432, schema: postgresqlSchema() },
    { name: 'nats', kind: 'third-party', port: 4222, schema: natsSchema() },
  ];
}
