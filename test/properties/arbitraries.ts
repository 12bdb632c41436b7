/**
 * fast-check generators of valid site files (within the schema and the rules), and what the
 * property tests share. FC_NUM_RUNS sets the runs per property (default 100; the scheduled properties job of .gitlab-ci.yml runs 1,000); FC_SEED repeats one.
 */
import fc from 'fast-check';
import { checkData } from '../helpers/site.js';
import type { CheckedSite } from '../../src/compile.js';

export const NUM_RUNS = Number(process.env['FC_NUM_RUNS'] ?? 100);
/**
 * A property's time limit follows its work: 1 s a generated site (about 0.1 s idle and 0.25 s beside
 * another CPU-bound job on 2 cores), so a busy machine or a shared CI runner passes.
 */
export const PROPERTY_TIMEOUT = Math.max(60_000, NUM_RUNS * 1_000);
export const FC_OPTIONS: fc.Parameters<unknown> = {
  numRuns: NUM_RUNS,
  ...(process.env['FC_SEED'] !== undefined ? { seed: Number(process.env['FC_SEED']) } : {}),
};

const SERVICES = ['auth', 'smd', 'bss', 'cloud-init', 'kea-sync', 'ui', 'discovery', 'power', 'mcp'] as const;

/** Strings that try to break out of YAML or .env, mixed with arbitrary Unicode. */
const TRICKY = [
  'yes',
  'no',
  'on',
  'off',
  '~',
  'null',
  '0777',
  '0x1F',
  '0X1',
  '0b101',
  '1.10',
  '1e3',
  '.inf',
  '2024-01-01',
  '---',
  '...',
  '- x',
  ': x',
  '? x',
  '# x',
  'a #b',
  'a: b',
  '[a]',
  '{a: b}',
  '&a',
  '*a',
  '!t',
  '|',
  '>',
  '%x',
  '@x',
  '`x`',
  '"',
  "'",
  '\\',
  '\\n',
  '$',
  '$$',
  '${X}',
  '$(X)',
  '$X',
  '\n',
  '\r\n',
  '\t',
  ' ',
  '\u0085',
  '\u2028',
  '\u2029',
  '\u00a0',
  '\ufeff',
  '\u200b',
  '\u0007',
  '\u001b',
  '\u007f',
  'é',
  '😀',
  '=',
  '{{ x }}',
  '{% x %}',
];

/** A string value a site author could write: pieces of trouble and arbitrary Unicode, well-formed, no NUL. */
export const freeText = (maxLength = 40): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: 'grapheme', maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })),
      {
        maxLength: 6,
      },
    )
    .map((parts) => parts.join('').slice(0, maxLength))
    .filter((s) => s.isWellFormed() && !s.includes('\0'));

const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,14}[a-z0-9])?$/);
const envName = fc.stringMatching(/^X_[A-Z0-9_]{0,10}$/);
/** A request and a limit at most that request (rule resources-request-over-limit), from amounts in increasing order. */
const requestAndLimit = (ascending: readonly string[]) =>
  fc
    .tuple(fc.nat(ascending.length - 1), fc.nat(ascending.length - 1))
    .map(([a, b]) => [ascending[Math.min(a, b)]!, ascending[Math.max(a, b)]!] as const);
const cpu = requestAndLimit(['100m', '250m', '0.5', '1', '2']);
const memory = requestAndLimit(['100M', '128Mi', '512Mi', '1G', '1Gi']);
// Both sides of a kind or neither: a side alone would be merged with the chart's default for the other.
const resources = fc.record({ cpu, memory }, { requiredKeys: [] }).map(({ cpu: c, memory: m }) => ({
  requests: { ...(c ? { cpu: c[0] } : {}), ...(m ? { memory: m[0] } : {}) },
  limits: { ...(c ? { cpu: c[1] } : {}), ...(m ? { memory: m[1] } : {}) },
}));
const semver = fc
  .tuple(fc.nat(20), fc.nat(20), fc.nat(20), fc.constantFrom('', '-rc.1', '-alpha', '-0.3.7', '+build.5', '-beta+exp.sha.5114f85'))
  .map(([a, b, c, suffix]) => `${a}.${b}.${c}${suffix}`);
const tag = fc.oneof(
  semver.filter((v) => !v.includes('+')).map((v) => `v${v}`),
  fc.constantFrom('1.10', '1.0', '0777', 'main', 'rc-1'),
  fc.stringMatching(/^[0-9a-f]{7,12}$/),
);

export interface GeneratedSite {
  readonly name: string;
  readonly data: Record<string, unknown>;
  /** Literal secret values the site states (distinctive, so a leak cannot be a coincidence). */
  readonly literals: readonly string[];
}

/** A valid site file, as data. */
export const siteArbitrary: fc.Arbitrary<GeneratedSite> = fc
  .record({
    name: label,
    environment: fc.constantFrom('production', 'staging', 'development'),
    description: fc.option(freeText(60), { nil: undefined }),
    version: semver,
    tag: fc.option(tag, { nil: undefined }),
    pullPolicy: fc.option(fc.constantFrom('Always', 'IfNotPresent', 'Never'), { nil: undefined }),
    services: fc.record(
      Object.fromEntries(
        SERVICES.map((s) => [
          s,
          fc.record(
            {
              enabled: fc.boolean(),
              replicas: fc.integer({ min: 0, max: 5 }),
              resources,
              // Each service its own names, so that a property can tell them apart.
              env: fc
                .dictionary(envName, freeText(), { maxKeys: 4 })
                .map((env) => Object.fromEntries(Object.entries(env).map(([k, v]) => [`${k}_${s.toUpperCase().replace(/-/g, '_')}`, v]))),
            },
            { requiredKeys: [] },
          ),
        ]),
      ) as Record<(typeof SERVICES)[number], fc.Arbitrary<Record<string, unknown>>>,
      { requiredKeys: [] },
    ),
    keaUrl: fc.boolean(),
    database: fc.oneof(
      fc.constant({ mode: 'bundled' }),
      fc.record({
        mode: fc.constant('external'),
        host: label.map((h) => `${h}.db.example.org`),
        port: fc.integer({ min: 1, max: 65535 }),
        // At most 5 replicas of the default pools: the budget stays under 2,000.
        maxConnections: fc.integer({ min: 2000, max: 100000 }),
      }),
    ),
    events: fc.boolean(),
    targets: fc.subarray(['helm', 'compose'] as const, { minLength: 1 }),
    literals: fc.array(fc.string({ unit: 'grapheme-ascii', minLength: 8, maxLength: 16 }), { minLength: 2, maxLength: 2 }),
    // Up to three providers, each client secret read from the environment or from a file.
    oidc: fc.uniqueArray(fc.record({ name: fc.constantFrom('kc', 'azure', 'github'), fromFile: fc.boolean() }), {
      maxLength: 3,
      selector: (p) => p.name,
    }),
    kubernetes: fc.record(
      {
        namespace: label,
        storageClass: fc.constantFrom('fast', 'ceph-rbd'),
        imagePullSecrets: fc.subarray(['regcred', 'mirror-pull'], { minLength: 1 }),
      },
      { requiredKeys: [] },
    ),
    ingress: fc.option(
      fc.record({
        enabled: fc.option(fc.boolean(), { nil: undefined }),
        className: fc.option(fc.constantFrom('nginx', 'haproxy'), { nil: undefined }),
        sub: fc.option(label, { nil: undefined }),
        issuer: fc.option(fc.constantFrom('letsencrypt', 'site-ca'), { nil: undefined }),
        secretName: fc.option(
          label.map((l) => `${l}-tls`),
          { nil: undefined },
        ),
        tls: fc.boolean(),
      }),
      { nil: undefined },
    ),
    observability: fc.record(
      {
        logLevel: fc.constantFrom('trace', 'debug', 'info', 'warn', 'error'),
        metrics: fc.boolean(),
        traces: fc.boolean(),
        otlpEndpoint: fc.constantFrom('http://otel.example.org:4317', 'https://otel.example.org'),
      },
      { requiredKeys: [] },
    ),
    // Rotations of secrets that need no coordination, and of those that do (acknowledged).
    rotation: fc.record({ token: fc.nat(3), encryption: fc.nat(3), db: fc.nat(3) }),
    sessionFromFile: fc.boolean(),
    mirror: fc.option(fc.constantFrom('mirror.example.org:5000/dockerhub', 'proxy.example.org'), { nil: undefined }),
  })
  .map((g) => {
    const site: Record<string, unknown> = {
      site: {
        name: g.name,
        environment: g.environment,
        domain: `${g.name}.example.org`,
        ...(g.description !== undefined ? { description: g.description } : {}),
      },
      release: { version: g.version },
      services: g.services,
      database: g.database,
      events: { enabled: g.events },
      targets: g.targets,
    };
    const images: Record<string, unknown> = {};
    if (g.tag !== undefined) images['tag'] = g.tag;
    // Build metadata cannot be in an image tag: such a release states its tag (rule image-tag-invalid).
    else if (g.version.includes('+')) images['tag'] = `v${g.version.replace('+', '-')}`;
    if (g.pullPolicy !== undefined) images['pullPolicy'] = g.pullPolicy;
    if (g.mirror !== undefined) images['mirror'] = g.mirror;
    if (Object.keys(images).length > 0) site['images'] = images;
    const keaSync = (g.services['kea-sync'] ??= {});
    if (g.keaUrl) site['dhcp'] = { kea: { url: 'http://kea.example.org:8000' } };
    else keaSync['enabled'] = false;
    const literals: string[] = [];
    const secrets: Record<string, unknown> = {};
    if (g.environment === 'development') {
      // Distinctive literal values: a leak cannot be a coincidence.
      literals.push(`lit-db-${g.literals[0]!}`, `lit-ui-${g.literals[1]!}`);
      secrets['db-password'] = { value: literals[0] };
      secrets['ui-session-key'] = { value: literals[1] };
    }
    const ack = (rotation: number): Record<string, number> => (rotation > 0 ? { rotation, acknowledgeRotation: rotation } : {});
    secrets['internal-token'] = {
      generate: { bytes: 32, encoding: 'hex' },
      ...(g.rotation.token > 0 ? { rotation: g.rotation.token } : {}),
    };
    secrets['auth-encryption-key'] = { generate: { bytes: 32, encoding: 'base64' }, ...ack(g.rotation.encryption) };
    if (g.environment !== 'development') {
      secrets['db-password'] = { generate: { length: 32, alphabet: 'alphanumeric' }, ...ack(g.rotation.db) };
      if (g.sessionFromFile) secrets['ui-session-key'] = { fromFile: 'ui-session-key' };
    }
    if (g.oidc.length > 0) {
      site['auth'] = {
        oidc: {
          providers: g.oidc.map((p) => ({
            name: p.name,
            issuerUrl: `https://${p.name}.example.org/realms/x`,
            audience: 'chamicore',
            clientId: g.name,
            clientSecret: `oidc-${p.name}`,
          })),
        },
      };
      for (const p of g.oidc)
        secrets[`oidc-${p.name}`] = p.fromFile ? { fromFile: `oidc-${p.name}` } : { fromEnv: `OIDC_${p.name.toUpperCase()}_SECRET` };
    }
    const kubernetes: Record<string, unknown> = { ...g.kubernetes };
    if (g.ingress !== undefined) {
      const i = g.ingress;
      const host = i.sub === undefined ? `${g.name}.example.org` : `${i.sub}.${g.name}.example.org`;
      const tls: Record<string, string> = {};
      if (i.issuer !== undefined) tls['certManagerIssuer'] = i.issuer;
      if (i.secretName !== undefined) tls['secretName'] = i.secretName;
      // A production ingress needs TLS from an issuer or a Secret (rule prod-ingress-tls).
      if (g.environment === 'production' && Object.keys(tls).length === 0) tls['certManagerIssuer'] = 'letsencrypt';
      kubernetes['ingress'] = {
        host,
        ...(i.enabled !== undefined ? { enabled: i.enabled } : {}),
        ...(i.className !== undefined ? { className: i.className } : {}),
        // A production ingress needs TLS (rule prod-ingress-tls).
        ...(i.tls || g.environment === 'production' ? { tls } : {}),
      };
    }
    if (Object.keys(kubernetes).length > 0) site['kubernetes'] = kubernetes;
    if (Object.keys(g.observability).length > 0) site['observability'] = g.observability;
    site['secrets'] = secrets;
    return { name: g.name, data: site, literals };
  });

/** Checks a generated site; fails loudly if the generator made one the compiler refuses. */
export function checkGenerated(g: GeneratedSite): CheckedSite & { model: NonNullable<CheckedSite['model']> } {
  const checked = checkData(g.data, g.name);
  if (checked.model === undefined) {
    throw new Error(`the generator made an invalid site: ${JSON.stringify(checked.diagnostics.filter((d) => d.severity === 'error'))}`);
  }
  return checked as CheckedSite & { model: NonNullable<CheckedSite['model']> };
}
