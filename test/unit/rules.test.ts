import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build-model.js';
import { RULES } from '../../src/validate/rules/index.js';
import { ROOT } from '../helpers/cli.js';
import { checkData, checkText, codes, minimalSite, where } from '../helpers/site.js';

const prod = (overrides: Record<string, unknown> = {}) =>
  minimalSite({
    site: { name: 'mini', environment: 'production', domain: 'mini.cscs.ch' },
    kubernetes: { ingress: { host: 'chamicore.mini.cscs.ch', tls: { certManagerIssuer: 'letsencrypt' } } },
    services: {
      auth: { replicas: 2 },
      smd: { replicas: 2 },
      bss: { replicas: 2 },
      'cloud-init': { replicas: 2 },
      'kea-sync': { enabled: false },
      ui: { replicas: 2 },
    },
    ...overrides,
  });
const dev = (overrides: Record<string, unknown> = {}) =>
  minimalSite({ site: { name: 'mini', environment: 'development', domain: 'mini.localhost' }, ...overrides });

describe('rules', () => {
  it('registers every rule once', () => {
    expect(new Set(RULES).size).toBe(RULES.length);
    // One rule per file in src/validate/rules/, besides index.ts and rule.ts.
    const files = readdirSync(new URL('../../src/validate/rules/', import.meta.url)).filter((f) => !['index.ts', 'rule.ts'].includes(f));
    expect(RULES.length).toBe(files.length);
  });

  it('accepts clean production, staging and development sites', () => {
    expect(codes(checkData(prod()))).toEqual([]);
    expect(codes(checkData(minimalSite()))).toEqual([]);
    expect(codes(checkData(dev({ auth: { devMode: true }, secrets: { 'db-password': { value: 'x' } } })))).toEqual([]);
  });

  describe('site-name-mismatch', () => {
    it('requires site.name to equal the file name', () => {
      const c = checkData(minimalSite(), 'other');
      expect(codes(c)).toEqual(['site-name-mismatch']);
      expect(c.diagnostics[0]?.path).toEqual(['site', 'name']);
    });
  });

  describe('prod-dev-mode', () => {
    it('refuses dev mode outside development', () => {
      expect(codes(checkData(prod({ auth: { devMode: true } })))).toEqual(['prod-dev-mode']);
      expect(codes(checkData(minimalSite({ auth: { devMode: true } })))).toEqual(['prod-dev-mode']);
      expect(codes(checkData(prod({ auth: { devMode: false } })))).toEqual([]);
    });
  });

  describe('secret-value-outside-dev', () => {
    it('refuses literal secrets outside development and names no value', () => {
      const c = checkData(minimalSite({ secrets: { 'db-password': { value: 'hunter2' } } }));
      expect(codes(c)).toEqual(['secret-value-outside-dev']);
      expect(c.diagnostics[0]?.path).toEqual(['secrets', 'db-password', 'value']);
      expect(JSON.stringify(c.diagnostics)).not.toContain('hunter2');
    });
  });

  describe('prod-latest-tag', () => {
    it('refuses latest in production, globally or per service', () => {
      expect(codes(checkData(prod({ images: { tag: 'latest' } })))).toEqual(['prod-latest-tag']);
      const perService = prod();
      (perService['services'] as Record<string, Record<string, unknown>>)['smd']!['image'] = { tag: 'latest' };
      const c = checkData(perService);
      expect(codes(c)).toEqual(['prod-latest-tag']);
      expect(c.diagnostics[0]?.path).toEqual(['services', 'smd', 'image', 'tag']);
      expect(codes(checkData(minimalSite({ images: { tag: 'latest' } })))).toEqual([]);
    });
  });

  describe('image-tag-invalid', () => {
    it('refuses a release with build metadata when images use the default tag', () => {
      const release = { version: '1.4.2+build.7' };
      const c = checkData(minimalSite({ release }));
      expect(codes(c)).toEqual(['image-tag-invalid']);
      expect(c.diagnostics[0]?.path).toEqual(['release', 'version']);
      expect(codes(checkData(minimalSite({ release, images: { tag: 'v1.4.2-build.7' } })))).toEqual([]);
      expect(codes(checkData(minimalSite({ release: { version: '1.4.2-rc.1' } })))).toEqual([]);
    });
  });

  describe('external-db-host', () => {
    it('requires a host for an external database', () => {
      expect(codes(checkData(minimalSite({ database: { mode: 'external', maxConnections: 500 } })))).toEqual(['external-db-host']);
      expect(codes(checkData(minimalSite({ database: { mode: 'external', host: 'pg.example.org', maxConnections: 500 } })))).toEqual([]);
    });
  });

  describe('kea-sync-url', () => {
    it('requires a Kea URL when kea-sync runs', () => {
      const site = minimalSite({ services: {} });
      expect(codes(checkData(site))).toEqual(['kea-sync-url']);
      expect(codes(checkData({ ...site, dhcp: { kea: { url: 'http://kea:8000' } } }))).toEqual([]);
    });
  });

  describe('events-nats-url', () => {
    it('requires a URL for an external NATS server', () => {
      expect(codes(checkData(minimalSite({ events: { enabled: true, nats: { mode: 'external' } } })))).toEqual(['events-nats-url']);
      expect(codes(checkData(minimalSite({ events: { enabled: true, nats: { mode: 'external', url: 'nats://n:4222' } } })))).toEqual([]);
    });
  });

  describe('ingress-host-domain', () => {
    it('requires the ingress host under the site domain', () => {
      const ing = (host: string) => minimalSite({ kubernetes: { ingress: { host } } });
      expect(codes(checkData(ing('chamicore.mini.example.org')))).toEqual([]);
      expect(codes(checkData(ing('mini.example.org')))).toEqual([]);
      expect(codes(checkData(ing('chamicore.example.org')))).toEqual(['ingress-host-domain']);
      expect(codes(checkData(ing('evilmini.example.org')))).toEqual(['ingress-host-domain']);
    });
  });

  describe('prod-replicas', () => {
    it('warns about single replicas in production only, at the replicas key', () => {
      const site = prod();
      (site['services'] as Record<string, Record<string, unknown>>)['smd']!['replicas'] = 1;
      const c = checkData(site);
      expect(c.diagnostics.map((d) => `${d.code}:${d.severity}`)).toEqual(['prod-replicas:warning']);
      expect(c.diagnostics[0]?.path).toEqual(['services', 'smd', 'replicas']);
      expect(c.model).toBeDefined(); // a warning does not stop the compile
      expect(codes(checkData(minimalSite()))).toEqual([]);
    });
  });

  describe('env-reserved', () => {
    it('refuses extra variables that replace compiler-set ones, and allows new ones', () => {
      const c = checkData(
        minimalSite({ services: { 'kea-sync': { enabled: false }, smd: { env: { CHAMICORE_SMD_DB_DSN: 'x', CHAMICORE_SMD_NEW: 'y' } } } }),
      );
      expect(codes(c)).toEqual(['env-reserved']);
      expect(c.diagnostics[0]?.path).toEqual(['services', 'smd', 'env', 'CHAMICORE_SMD_DB_DSN']);
      expect(
        codes(checkData(minimalSite({ services: { 'kea-sync': { enabled: false }, smd: { env: { CHAMICORE_INTERNAL_TOKEN: 'x' } } } }))),
      ).toEqual(['env-secret-name', 'env-reserved']);
    });
  });

  describe('env-secret-name', () => {
    it('warns about extra variables that look like secrets', () => {
      const c = checkData(
        minimalSite({
          services: { 'kea-sync': { enabled: false }, smd: { env: { CHAMICORE_SMD_API_TOKEN: 'x', CHAMICORE_SMD_TIMEOUT: '5s' } } },
        }),
      );
      expect(c.diagnostics.map((d) => `${d.code}:${d.severity}`)).toEqual(['env-secret-name:warning']);
      expect(c.diagnostics[0]?.path).toEqual(['services', 'smd', 'env', 'CHAMICORE_SMD_API_TOKEN']);
    });
  });

  describe('k8s-name-invalid', () => {
    it('refuses a default namespace longer than a DNS label', () => {
      const name = 'a'.repeat(60);
      const c = checkData(minimalSite({ site: { name, environment: 'staging', domain: 'x.example.org' } }), name);
      expect(codes(c)).toEqual(['k8s-name-invalid', 'k8s-name-invalid']);
      const ok = checkData(
        minimalSite({ site: { name, environment: 'staging', domain: 'x.example.org' }, kubernetes: { namespace: 'short' } }),
        name,
      );
      expect(codes(ok)).toEqual(['k8s-name-invalid']); // the compose project name chamicore-<name> is still too long
    });
  });

  describe('secret-undefined and secret-unused', () => {
    it('requires referenced secrets and warns about unused ones', () => {
      const oidc = { oidc: { providers: [{ name: 'kc', issuerUrl: 'https://kc.example.org/realms/x', clientSecret: 'kc-secret' }] } };
      const c = checkData(minimalSite({ auth: oidc }));
      expect(codes(c)).toEqual(['secret-undefined']);
      expect(c.diagnostics[0]?.path).toEqual(['auth', 'oidc', 'providers', 0, 'clientSecret']);
      expect(codes(checkData(minimalSite({ auth: oidc, secrets: { 'kc-secret': { fromEnv: 'KC' } } })))).toEqual([]);
      const unused = checkData(minimalSite({ secrets: { spare: { fromEnv: 'X' } } }));
      expect(unused.diagnostics.map((d) => `${d.code}:${d.severity}`)).toEqual(['secret-unused:warning']);
    });
  });

  describe('registry credentials', () => {
    const login = (over: Record<string, unknown> = {}) => ({
      registry: 'registry.cscs.ch',
      username: 'robot$mini',
      passwordSecret: 'pull',
      ...over,
    });
    const site = (logins: unknown[], secrets: Record<string, unknown> = { pull: { fromEnv: 'PULL' } }) =>
      minimalSite({ kubernetes: { imagePullSecrets: ['own-pull'], registryCredentials: logins }, secrets });

    it('writes the dockerconfigjson Secret <site>-registry and gives every pod of the release its name', () => {
      const c = checkData(site([login(), login({ registry: 'mirror.example.org:5000', passwordSecret: 'pull' })]));
      expect(codes(c)).toEqual([]);
      const group = c.model!.secretGroups.find((g) => g.id === 'registry')!;
      expect(group.name).toBe('mini-registry');
      expect(group.type).toBe('kubernetes.io/dockerconfigjson');
      expect(group.keys.map((k) => k.key)).toEqual(['.dockerconfigjson']);
      expect(c.model!.imagePullSecrets).toEqual(['own-pull', 'mini-registry']);
      // Sorted by registry: the site's order never reaches the output.
      const expr = group.keys[0]!.value;
      expect(expr.kind === 'dockerconfigjson' && expr.logins.map((l) => l.registry)).toEqual([
        'mirror.example.org:5000',
        'registry.cscs.ch',
      ]);
      // Without logins: no such Secret, and the pods keep only the site's pull Secrets.
      const none = checkData(minimalSite({ kubernetes: { imagePullSecrets: ['own-pull'] } }));
      expect(none.model!.secretGroups.map((g) => g.id)).not.toContain('registry');
      expect(none.model!.imagePullSecrets).toEqual(['own-pull']);
    });

    it('refuses an undefined or generated password and two logins for one registry, each at its key', () => {
      const undefinedPw = checkData(site([login({ passwordSecret: 'nope' })]));
      expect(codes(undefinedPw)).toContain('secret-undefined');
      expect(undefinedPw.diagnostics.find((d) => d.code === 'secret-undefined')?.path).toEqual([
        'kubernetes',
        'registryCredentials',
        0,
        'passwordSecret',
      ]);
      const generated = checkData(site([login()], { pull: { generate: { length: 32 } } }));
      expect(codes(generated)).toEqual(['registry-password-generated']);
      expect(generated.diagnostics[0]?.path).toEqual(['kubernetes', 'registryCredentials', 0, 'passwordSecret']);
      // A built-in secret must be defined for the login too (its default is generated): one error, not two.
      expect(codes(checkData(site([login({ passwordSecret: 'mcp-token' })], {})))).toEqual(['secret-undefined']);
      const twice = checkData(site([login(), login({ username: 'other' })]));
      expect(codes(twice)).toEqual(['registry-credential-duplicate']);
      expect(twice.diagnostics[0]?.path).toEqual(['kubernetes', 'registryCredentials', 1, 'registry']);
      // A user name with ':' would split wrongly in the docker config's auth: the schema refuses it.
      expect(codes(checkData(site([login({ username: 'a:b' })])))).toEqual(['schema-pattern']);
    });

    it("a referenced name is the site's own, not a typo of a built-in secret", () => {
      expect(codes(checkData(site([login({ passwordSecret: 'mcp-tokn' })], { 'mcp-tokn': { fromEnv: 'X' } })))).toEqual([]);
    });
  });

  describe('secret-name-typo', () => {
    it('refuses a secret named one typo away from a built-in one, at its key, with the fix', () => {
      const c = checkText(
        'site: {name: mini, environment: staging, domain: mini.example.org}\nrelease: {version: "1.0.0"}\nservices: {kea-sync: {enabled: false}}\nsecrets:\n  db-pasword:\n    fromEnv: DB_PASSWORD\n',
      );
      expect(where(c)).toEqual(['secret-name-typo@5:3']);
      expect(c.diagnostics[0]!.message).toBe('secret "db-pasword" is not a built-in secret (did you mean "db-password"?)');
      expect(c.model).toBeUndefined();
    });

    it('leaves alone a name an OIDC provider references, and names far from every built-in one', () => {
      const oidc = { oidc: { providers: [{ name: 'kc', issuerUrl: 'https://kc.example.org/realms/x', clientSecret: 'mcp-tokens' }] } };
      expect(codes(checkData(minimalSite({ auth: oidc, secrets: { 'mcp-tokens': { fromEnv: 'KC' } } })))).toEqual([]);
      expect(codes(checkData(minimalSite({ secrets: { spare: { fromEnv: 'X' } } })))).toEqual(['secret-unused']);
    });
  });

  describe('oidc-duplicate-provider', () => {
    it('refuses two providers with one name', () => {
      const p = { name: 'kc', issuerUrl: 'https://kc.example.org/' };
      expect(codes(checkData(minimalSite({ auth: { oidc: { providers: [p, { ...p }] } } })))).toEqual(['oidc-duplicate-provider']);
    });
  });

  it('points rule diagnostics at the offending value', () => {
    const text =
      'site:\n  name: mini\n  environment: production\n  domain: mini.example.org\nrelease:\n  version: "1.4.2"\nimages:\n  tag: latest\nservices:\n  kea-sync: {enabled: false}\n';
    expect(where(checkText(text)).filter((w) => !w.startsWith('prod-replicas'))).toEqual([
      'prod-no-ingress@1:1',
      'prod-placeholder-domain@4:11',
      'prod-latest-tag@8:8',
    ]);
  });

  describe('prod-ingress-tls', () => {
    it('refuses a production ingress without TLS', () => {
      const prod = (ingress: unknown) =>
        minimalSite({ site: { name: 'mini', environment: 'production', domain: 'mini.example.org' }, kubernetes: { ingress } });
      expect(codes(checkData(prod({ host: 'c.mini.example.org' })))).toContain('prod-ingress-tls');
      expect(codes(checkData(prod({ host: 'c.mini.example.org', tls: { secretName: 'x' } })))).not.toContain('prod-ingress-tls');
      expect(codes(checkData(prod({ host: 'c.mini.example.org', enabled: false })))).not.toContain('prod-ingress-tls');
      expect(codes(checkData(minimalSite({ kubernetes: { ingress: { host: 'c.mini.example.org' } } })))).not.toContain('prod-ingress-tls');
    });
  });

  describe('compose-outside-dev', () => {
    it('warns about the compose target outside development', () => {
      expect(codes(checkData(minimalSite({ targets: ['helm', 'compose'] })))).toEqual(['compose-outside-dev']);
      const dev = minimalSite({ site: { name: 'mini', environment: 'development', domain: 'mini.example.org' }, targets: ['compose'] });
      expect(codes(checkData(dev))).not.toContain('compose-outside-dev');
    });
  });

  describe('db-connection-budget', () => {
    it('needs a stated limit for an external database, and the budget to fit it', () => {
      const ext = (db: Record<string, unknown>) => minimalSite({ database: { mode: 'external', host: 'pg.example.org', ...db } });
      expect(codes(checkData(ext({})))).toEqual(['db-connection-budget']);
      expect(codes(checkData(ext({ maxConnections: 319 })))).toEqual(['db-connection-budget']);
      expect(codes(checkData(ext({ maxConnections: 320 })))).toEqual([]);
      expect(codes(checkData(minimalSite({ database: { maxConnections: 100 } })))).toEqual(['db-connection-budget']);
    });
  });

  describe('resources-request-over-limit', () => {
    it("refuses a request over its limit once the chart's defaults are merged, at the key the site wrote", () => {
      // chamicore-smd's chart limits memory to 512Mi: a request above it alone is refused.
      const c = checkData(
        minimalSite({ services: { 'kea-sync': { enabled: false }, smd: { resources: { requests: { memory: '1Gi' } } } } }),
      );
      expect(codes(c)).toEqual(['resources-request-over-limit']);
      expect(c.diagnostics[0]?.path).toEqual(['services', 'smd', 'resources', 'requests', 'memory']);
      expect(c.diagnostics[0]?.message).toBe('chamicore-smd requests memory 1Gi but its limit is 512Mi');
      // A limit below the chart's default request is located at the limit.
      const l = checkData(minimalSite({ services: { 'kea-sync': { enabled: false }, bss: { resources: { limits: { cpu: '100m' } } } } }));
      expect(codes(l)).toEqual(['resources-request-over-limit']);
      expect(l.diagnostics[0]?.path).toEqual(['services', 'bss', 'resources', 'limits', 'cpu']);
      expect(
        codes(
          checkData(
            minimalSite({
              services: { 'kea-sync': { enabled: false }, smd: { resources: { requests: { memory: '1Gi' }, limits: { memory: '1Gi' } } } },
            }),
          ),
        ),
      ).toEqual([]);
      expect(
        codes(
          checkData(
            minimalSite({
              services: { 'kea-sync': { enabled: false }, power: { enabled: false, resources: { requests: { cpu: '64' } } } },
            }),
          ),
        ),
      ).toEqual([]);
    });
  });

  describe('db-memory-connections', () => {
    it('sizes the bundled PostgreSQL for its connections and refuses a memory limit that cannot hold them', () => {
      // The minimal site's budget of 320 connections gives max_connections 410: 128 + 2 × 410 = 948Mi, 960Mi rounded.
      const model = buildModel(minimalSite() as never, 'sites/mini.yaml');
      expect(model.database.maxConnections).toBe(410);
      expect(model.database.resources?.limits.memory).toBe('960Mi');
      expect(model.database.resources?.requests.memory).toBe('960Mi');
      const low = checkData(minimalSite({ database: { resources: { limits: { memory: '947Mi' } } } }));
      expect(codes(low).sort()).toEqual(['db-memory-connections', 'resources-request-over-limit']);
      expect(low.diagnostics.find((d) => d.code === 'db-memory-connections')?.path).toEqual(['database', 'resources', 'limits', 'memory']);
      expect(low.diagnostics.find((d) => d.code === 'db-memory-connections')?.message).toBe(
        'a memory limit of 947Mi cannot hold max_connections = 410: PostgreSQL needs 128Mi + 2Mi per connection, 948Mi',
      );
      expect(
        codes(checkData(minimalSite({ database: { resources: { requests: { memory: '948Mi' }, limits: { memory: '948Mi' } } } }))),
      ).toEqual([]);
      // A larger max_connections raises the default with it; no rule fires.
      const big = buildModel(minimalSite({ database: { maxConnections: 2000 } }) as never, 'sites/mini.yaml');
      expect(big.database.resources?.limits.memory).toBe('4160Mi');
      expect(codes(checkData(minimalSite({ database: { maxConnections: 2000 } })))).toEqual([]);
      // An external database has no resources of ours.
      const ext = buildModel(minimalSite({ database: { mode: 'external', host: 'pg.example.org', maxConnections: 500 } }) as never, 'x');
      expect(ext.database.resources).toBeUndefined();
    });
  });

  describe('scheduling', () => {
    it('gives every workload the site-wide keys, each replaced by its own', () => {
      const model = buildModel(
        minimalSite({
          kubernetes: {
            scheduling: {
              nodeSelector: { 'node-role.kubernetes.io/management': 'true', a: 'b' },
              tolerations: [{ operator: 'Exists', key: 'k' }],
              priorityClassName: 'mgmt',
            },
          },
          services: { 'kea-sync': { enabled: false }, smd: { scheduling: { nodeSelector: { rack: 'r1' } } } },
          database: { scheduling: { priorityClassName: 'db' } },
          events: { enabled: true, nats: { scheduling: { tolerations: [] } } },
        }) as never,
        'sites/mini.yaml',
      );
      const smd = model.services.find((x) => x.id === 'smd')!.scheduling;
      const auth = model.services.find((x) => x.id === 'auth')!.scheduling;
      expect(Object.keys(auth.nodeSelector ?? {})).toEqual(['a', 'node-role.kubernetes.io/management']);
      expect(auth.tolerations).toEqual([{ key: 'k', operator: 'Exists' }]);
      expect(smd).toEqual({ nodeSelector: { rack: 'r1' }, tolerations: [{ key: 'k', operator: 'Exists' }], priorityClassName: 'mgmt' });
      expect(model.database.scheduling.priorityClassName).toBe('db');
      expect(model.database.scheduling.nodeSelector).toEqual(auth.nodeSelector);
      expect(model.events.scheduling.tolerations).toBeUndefined();
    });

    it('refuses a malformed toleration or affinity at its line, with did-you-mean, and the system priority classes', () => {
      const text = [
        'site: { name: mini, environment: staging, domain: mini.example.org }',
        'release: { version: "1.0.0" }',
        'kubernetes:',
        '  scheduling:',
        '    tolerations:',
        '      - key: k',
        '        operater: Exists',
        '      - effect: NoShedule',
        '    affinity:',
        '      nodeAffinity:',
        '        requiredDuringSchedulingIgnoredDuringExecution:',
        '          nodeSelectorTerms:',
        '            - matchExpressions:',
        '                - { key: rack, operator: Inn }',
        '    priorityClassName: system-cluster-critical',
        '',
      ].join('\n');
      const c = checkText(text);
      expect(where(c)).toEqual(['schema-unknown-key@7:9', 'schema-enum@8:17', 'schema-enum@14:42', 'schema-pattern@15:24']);
      expect(c.diagnostics.find((d) => d.code === 'schema-unknown-key')?.hint).toContain('operator');
    });
  });

  describe('secret-rotation-unacknowledged', () => {
    it('refuses a breaking rotation until the site acknowledges it', () => {
      const rot = (name: string, extra: Record<string, unknown> = {}, db: unknown = { mode: 'bundled' }) =>
        codes(checkData(minimalSite({ database: db, secrets: { [name]: { generate: { length: 32 }, rotation: 2, ...extra } } })));
      expect(rot('db-password')).toEqual(['secret-rotation-unacknowledged']);
      expect(rot('db-admin-password')).toEqual(['secret-rotation-unacknowledged']);
      expect(rot('db-password', { acknowledgeRotation: 1 })).toEqual(['secret-rotation-unacknowledged']);
      expect(rot('db-password', { acknowledgeRotation: 2 })).toEqual([]);
      expect(rot('db-password', {}, { mode: 'external', host: 'pg.example.org', maxConnections: 500 })).toEqual([]);
      expect(rot('internal-token')).toEqual([]);
      const key = codes(checkData(minimalSite({ secrets: { 'auth-encryption-key': { generate: { bytes: 32 }, rotation: 1 } } })));
      expect(key).toEqual(['secret-rotation-unacknowledged']);
    });
  });

  describe('chart-values-reserved and chart-values-secret', () => {
    it('refuses keys the compiler sets, global, and credentials in the clear, located at the key', () => {
      const v = (values: unknown) => checkData(minimalSite({ database: { values } }));
      expect(codes(v({ primary: { podLabels: { team: 'hpc' } } }))).toEqual([]);
      // The compiler sizes the server (database.resources): its resources are no pass-through value.
      expect(codes(v({ primary: { resources: { limits: { memory: '1Gi' } } } }))).toEqual(['chart-values-reserved']);
      expect(codes(v({ auth: { username: 'x' } }))).toEqual(['chart-values-reserved']);
      // The exporter a site may turn on is sized by the compiler.
      expect(codes(v({ metrics: { enabled: true, resources: { limits: { memory: '1Gi' } } } }))).toEqual(['chart-values-reserved']);
      expect(codes(v({ primary: { persistence: { size: '1Gi' } } }))).toEqual(['chart-values-reserved']);
      expect(codes(v({ image: 'x' }))).toEqual(['chart-values-reserved']);
      expect(codes(v({ global: { imageRegistry: 'x' } }))).toEqual(['chart-values-reserved']);
      expect(codes(v({ auth: { postgresPassword: 'hunter2' } }))).toEqual(['chart-values-secret']);
      expect(codes(v({ auth: { existingSecret: 'x' } }))).toEqual(['chart-values-reserved']);
      expect(codes(v({ metrics: { customToken: 'abc' } }))).toEqual(['chart-values-secret']);
      const d = v({ auth: { postgresPassword: 'hunter2' } }).diagnostics.find((x) => x.code === 'chart-values-secret')!;
      expect(d.path).toEqual(['database', 'values', 'auth', 'postgresPassword']);
      expect(d.message).not.toContain('hunter2');
      const nats = checkData(minimalSite({ events: { enabled: true, nats: { values: { config: { jetstream: { enabled: false } } } } } }));
      expect(codes(nats)).toEqual(['chart-values-reserved']);
    });
  });

  describe('chart-values-unknown', () => {
    it("refuses a key the pinned chart's values.yaml does not declare, located at the key, with the closest one", () => {
      const d = checkData(minimalSite({ database: { values: { primary: { podLabelz: { a: 'b' } } } } }));
      expect(codes(d)).toEqual(['chart-values-unknown']);
      const diag = d.diagnostics[0]!;
      expect(diag.path).toEqual(['database', 'values', 'primary', 'podLabelz']);
      expect(diag.hint).toBe('did you mean podLabels?');
      // Below an open map (labels) any key goes; at another chart version no key is known to be a typo,
      // and the allow-list still decides.
      const other = minimalSite({
        release: { version: '1.0.0', postgresqlChart: { version: '16.8.0' } },
        database: { image: { tag: 't' }, values: { primary: { podLabelz: {} } } },
      });
      expect(codes(checkData(other))).toEqual(['chart-values-forbidden']);
      expect(codes(checkData(minimalSite({ database: { values: { primary: { podLabels: { anything: 'x' } } } } })))).toEqual([]);
      const nats = checkData(minimalSite({ events: { enabled: true, nats: { values: { config: { monitr: { enabled: true } } } } } }));
      expect(codes(nats)).toEqual(['chart-values-unknown']);
    });
  });

  describe('third-party-image-tag and third-party-unused', () => {
    it('needs the image tag of a chart version the compiler does not know', () => {
      const pin = (database: unknown) =>
        codes(checkData(minimalSite({ release: { version: '1.0.0', postgresqlChart: { version: '16.8.0' } }, database })));
      expect(pin({ mode: 'bundled' })).toEqual(['third-party-image-tag']);
      expect(pin({ mode: 'bundled', image: { tag: '17.7.0-debian-12-r1' } })).toEqual([]);
      const unused = checkData(
        minimalSite({ database: { mode: 'external', host: 'pg.example.org', maxConnections: 500, values: { a: 1 } } }),
      );
      expect(codes(unused)).toEqual(['third-party-unused']);
    });
  });
});

describe('rule stages', () => {
  it('a site failing an input rule never reaches the model; the model asserts what those rules guarantee', () => {
    const data = minimalSite({ database: { mode: 'external', maxConnections: 1000 }, services: { 'kea-sync': { enabled: false } } });
    const c = checkData(data);
    expect(codes(c)).toEqual(['external-db-host']);
    expect(c.model).toBeUndefined();
    // Built anyway, the model refuses to guess a host: that would be a bug, not a site error.
    expect(() => buildModel(c.site!, 'sites/x.yaml')).toThrow(/internal: database.host is missing/);
  });

  it('every rule declares its stage, and the input rules read no model', () => {
    const stages = RULES.map((r) => r.stage);
    expect(stages.filter((s) => s === 'input').length).toBeGreaterThan(5);
    expect(stages.filter((s) => s === 'model').length).toBeGreaterThan(5);
    for (const f of readdirSync(join(ROOT, 'src/validate/rules'))) {
      const text = readFileSync(join(ROOT, 'src/validate/rules', f), 'utf8');
      if (text.includes('defineInputRule(')) expect(text, f).not.toMatch(/\bmodel\s*[.,}]/);
    }
  });
});

describe('one pass', () => {
  it('reports model-rule findings beside input-rule errors when the model can still be built', () => {
    const checked = checkData(
      minimalSite({
        site: { name: 'mini', environment: 'production', domain: 'mini.example.org' },
        images: { tag: 'latest' },
        services: { 'kea-sync': { enabled: false }, smd: { env: { CHAMICORE_SMD_LOG_LEVEL: 'debug' } } },
        secrets: { 'left-over': { generate: { length: 20 } } },
      }),
    );
    expect(checked.model).toBeUndefined();
    expect(codes(checked).filter((c) => c !== 'prod-replicas' && c !== 'prod-ingress-tls')).toEqual(
      expect.arrayContaining(['prod-latest-tag', 'env-reserved', 'secret-unused']),
    );
  });
});
