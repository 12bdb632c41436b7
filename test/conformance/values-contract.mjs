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

/** `global`: what every subchart receives from the umbrella. */
const GLOBAL = closed(
  'Site-wide values Helm passes to every subchart.',
  {
    site: str('Site name (DNS-1123 label).'),
    environment: { enum: ['production', 'staging', 'development'], description: 'Kind of deployment.' },
    domain: str('The site DNS domain.'),
    namespace: str('Namespace every object goes to.'),
    image: closed('Image defaults; each service also states its own image in full.', {
      registry: str('Registry and path prefix.'),
      tag: str('Release image tag.'),
      pullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'], description: 'Default pull policy.' },
    }),
    imagePullSecrets: {
      type: 'array',
      description: 'Pull secrets for every pod, as `{name}` objects.',
      items: closed('A pull secret.', { name: str('Secret name.') }),
    },
    storageClass: str('Storage class for every volume; absent means the cluster default.'),
    ingress: {
      ...closed(
        'The ingress for the UI and APIs; only `enabled` when disabled.',
        {
          enabled: { type: 'boolean', description: 'Whether to create the ingress.' },
          className: str('IngressClass name; absent means the cluster default.'),
          host: str('Host name the ingress serves.'),
          annotations: {
            type: 'object',
            description: 'Annotations for the Ingress (cert-manager issuer).',
            additionalProperties: { type: 'string' },
          },
          tls: {
            ...closed(
              'TLS: `secretName` holds the certificate (cert-manager writes it, or it exists already).',
              { enabled: { type: 'boolean', description: 'Whether TLS is on.' }, secretName: str('TLS Secret name.') },
              ['enabled'],
            ),
            if: { properties: { enabled: { const: true } } },
            then: { required: ['enabled', 'secretName'] },
          },
        },
        ['enabled'],
      ),
      if: { properties: { enabled: { const: true } } },
      then: { required: ['enabled', 'host', 'annotations', 'tls'] },
    },
  },
  ['site', 'environment', 'domain', 'namespace', 'image', 'imagePullSecrets', 'ingress'],
);

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
  const required = ['enabled', 'fullnameOverride', 'replicaCount', 'image', 'resources', 'env', 'secretEnv'];
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

/** The keys chamicore-compile sets on the Bitnami postgresql chart (the real chart accepts more). */
function postgresqlSchema() {
  return subchartSchema(
    'postgresql',
    'The Bitnami postgresql keys chamicore-compile sets when the database is bundled.',
    {
      enabled: { type: 'boolean', description: 'The dependency condition.' },
      fullnameOverride: str('`chamicore-postgresql`, the host every DSN names.', { const: 'chamicore-postgresql' }),
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
      }),
      global: { type: 'object', description: 'Site-wide values (see the service charts).' },
    },
    ['enabled', 'fullnameOverride', 'auth', 'primary'],
  );
}

/** The keys chamicore-compile sets on the NATS chart (nats-io/k8s v1.x) when events are bundled. */
function natsSchema() {
  return subchartSchema(
    'nats',
    'The NATS chart keys chamicore-compile sets when events are bundled.',
    {
      enabled: { type: 'boolean', description: 'The dependency condition.' },
      fullnameOverride: str('`chamicore-nats`, the host in `CHAMICORE_NATS_URL`.', { const: 'chamicore-nats' }),
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
      }),
      global: { type: 'object', description: 'Site-wide values (see the service charts).' },
    },
    ['enabled', 'fullnameOverride', 'config'],
  );
}

/** Every conformance chart: name, what it stands in for, and its values schema. */
export function contractCharts() {
  return [
    ...SERVICE_CHARTS.map((c) => ({ name: c.name, kind: 'service', port: c.port, schema: serviceSchema(c) })),
    { name: 'postgresql', kind: 'postgresql', port: 5432, schema: postgresqlSchema() },
    { name: 'nats', kind: 'nats', port: 4222, schema: natsSchema() },
  ];
}
