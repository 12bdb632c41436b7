import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EMITTERS } from '../../src/emit/registry.js';
import { EmitError, renderYamlFile } from '../../src/emit/output.js';
import { compileData, minimalSite } from '../helpers/site.js';

const file = (files: { path: string; contents: string }[], path: string) => {
  const f = files.find((x) => x.path === path);
  if (f === undefined) throw new Error(`no ${path} in ${files.map((x) => x.path).join(', ')}`);
  return parse(f.contents);
};

describe('emitter registry', () => {
  it('has one emitter per output kind, each under its own kind, each in its own file', () => {
    expect(Object.entries(EMITTERS).map(([kind, e]) => [kind, e.kind])).toEqual(
      [
        'chart',
        'values',
        'ingress',
        'nats-network-policy',
        'secrets',
        'compose-env',
        'compose-env-example',
        'compose-nats',
        'compose-file',
        'compose-dev',
        'bom',
      ].map((k) => [k, k]),
    );
    expect(new Set(Object.values(EMITTERS)).size).toBe(Object.keys(EMITTERS).length);
  });

  it('emits only the targets a site asks for', () => {
    expect(compileData(minimalSite({ targets: ['compose'] })).map((f) => f.path)).toEqual([
      'bom.yaml',
      'compose/.env.example',
      'compose/docker-compose.yml',
      'compose/env/auth.env',
      'compose/env/bss.env',
      'compose/env/cloud-init.env',
      'compose/env/postgres.env',
      'compose/env/smd.env',
      'compose/env/ui.env',
    ]);
    expect(compileData(minimalSite({ targets: ['compose'], events: { enabled: true } })).map((f) => f.path)).toContain('compose/nats.conf');
    expect(compileData(minimalSite()).every((f) => !f.path.startsWith('compose/'))).toBe(true);
  });
});

describe('chart emitter', () => {
  it('drops postgresql for an external database and adds nats for bundled events', () => {
    const ext = file(
      compileData(minimalSite({ database: { mode: 'external', host: 'pg.example.org', maxConnections: 500 } })),
      'helm/Chart.yaml',
    );
    expect(ext.dependencies.map((d: { name: string }) => d.name)).not.toContain('postgresql');
    const ev = file(compileData(minimalSite({ events: { enabled: true } })), 'helm/Chart.yaml');
    expect(ev.dependencies.find((d: { name: string }) => d.name === 'nats')).toMatchObject({ condition: 'nats.enabled', version: '1.3.7' });
    const extEv = file(
      compileData(minimalSite({ events: { enabled: true, nats: { mode: 'external', url: 'nats://n:4222' } } })),
      'helm/Chart.yaml',
    );
    expect(extEv.dependencies.map((d: { name: string }) => d.name)).not.toContain('nats');
    expect(file(compileData(minimalSite({ kubernetes: { version: '1.31.2' } })), 'helm/Chart.yaml').kubeVersion).toBe('>= 1.31.2-0');
  });
});

describe('values emitter', () => {
  it('references Secrets for secret-backed variables and never holds a value', () => {
    const v = file(compileData(minimalSite()), 'helm/values.yaml');
    expect(v['chamicore-smd'].secretEnv).toEqual({
      CHAMICORE_INTERNAL_TOKEN: { existingSecret: 'mini-internal-token', key: 'token' },
      CHAMICORE_SMD_DB_DSN: { existingSecret: 'mini-db', key: 'smd-dsn' },
    });
    expect(v['chamicore-smd'].env.CHAMICORE_SMD_JWKS_URL).toBe('http://chamicore-auth:3333/.well-known/jwks.json');
    expect(v.postgresql.auth).toEqual({
      username: 'chamicore',
      database: 'chamicore',
      existingSecret: 'mini-db',
      secretKeys: { adminPasswordKey: 'postgres-password', userPasswordKey: 'password' },
    });
  });

  it('keeps global to what every subchart should read: the pull secrets', () => {
    const v = file(
      compileData(minimalSite({ kubernetes: { imagePullSecrets: ['p1'], ingress: { host: 'c.mini.example.org' } } })),
      'helm/values.yaml',
    );
    expect(v.global).toEqual({ imagePullSecrets: [{ name: 'p1' }], image: { pullSecretNames: ['p1'] } });
  });

  it('pins the Bitnami images under bitnamilegacy, or under the mirror with the check skipped for postgresql alone', () => {
    const plain = file(compileData(minimalSite()), 'helm/values.yaml').postgresql;
    expect(plain.image).toEqual({ registry: 'docker.io', repository: 'bitnamilegacy/postgresql', tag: '17.6.0-debian-12-r4' });
    expect(plain.global).toBeUndefined();
    const mirrored = file(compileData(minimalSite({ images: { mirror: 'm.example.org/hub' } })), 'helm/values.yaml').postgresql;
    expect(mirrored.image.registry).toBe('m.example.org/hub');
    expect(mirrored.metrics.image.registry).toBe('m.example.org/hub');
    expect(mirrored.global).toEqual({ security: { allowInsecureImages: true } });
  });

  it('sets max_connections from the pool budget plus headroom, or as the site states it', () => {
    const pg = (db: unknown) =>
      file(compileData(minimalSite({ database: db })), 'helm/values.yaml').postgresql.primary.extendedConfiguration;
    // auth 40 + smd 80 + bss 100 + cloud-init 100 = 320; + 80 + 10.
    expect(pg({ mode: 'bundled' })).toBe('max_connections = 410\n');
    expect(pg({ mode: 'bundled', maxConnections: 900 })).toBe('max_connections = 900\n');
  });

  it('passes chart values through, sorted, under the keys the compiler sets', () => {
    const v = file(
      compileData(minimalSite({ database: { values: { shmVolume: { sizeLimit: '1Gi' }, primary: { podLabels: { b: 'x', a: 'y' } } } } })),
      'helm/values.yaml',
    );
    expect(v.postgresql.shmVolume).toEqual({ sizeLimit: '1Gi' });
    expect(v.postgresql.primary.podLabels).toEqual({ a: 'y', b: 'x' });
    expect(Object.keys(v.postgresql.primary.podLabels)).toEqual(['a', 'b']);
    expect(v.postgresql.primary.persistence.size).toBe('8Gi');
  });
});

describe('ingress emitter', () => {
  const ingress = (tls: unknown) =>
    file(
      compileData(minimalSite({ kubernetes: { ingress: { host: 'c.mini.example.org', className: 'nginx', ...(tls ? { tls } : {}) } } })),
      'helm/templates/ingress.yaml',
    );

  it('renders the three TLS modes', () => {
    const cm = ingress({ certManagerIssuer: 'acme' });
    expect(cm.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'acme' });
    expect(cm.spec.tls).toEqual([{ hosts: ['c.mini.example.org'], secretName: 'mini-tls' }]);
    expect(ingress({ secretName: 'wild' }).spec.tls).toEqual([{ hosts: ['c.mini.example.org'], secretName: 'wild' }]);
    expect(ingress({ secretName: 'wild' }).metadata.annotations).toBeUndefined();
    expect(ingress(undefined).spec.tls).toBeUndefined();
    expect(cm.spec.ingressClassName).toBe('nginx');
  });

  it('routes each enabled service by its prefixes', () => {
    const paths = ingress(undefined).spec.rules[0].http.paths as {
      path: string;
      backend: { service: { name: string; port: { number: number } } };
    }[];
    expect(paths.map((p) => `${p.path} ${p.backend.service.name}:${String(p.backend.service.port.number)}`)).toEqual([
      '/auth/v1 chamicore-auth:3333',
      '/.well-known chamicore-auth:3333',
      '/hsm/v2 chamicore-smd:27779',
      '/boot/v1 chamicore-bss:27778',
      '/cloud-init chamicore-cloud-init:27777',
      '/ chamicore-ui:8080',
    ]);
  });

  it('is absent when the ingress is disabled', () => {
    const files = compileData(minimalSite({ kubernetes: { ingress: { host: 'c.mini.example.org', enabled: false } } }));
    expect(files.map((f) => f.path)).not.toContain('helm/templates/ingress.yaml');
  });

  it('applies image overrides per service', () => {
    const v = file(
      compileData(
        minimalSite({
          images: { registry: 'mirror.example.org:5000/x', tag: 'abc1234' },
          services: { 'kea-sync': { enabled: false }, ui: { image: { repository: 'custom/ui', tag: 'v9.9.9' } } },
        }),
      ),
      'helm/values.yaml',
    );
    expect(v['chamicore-smd'].image).toEqual({
      registry: 'mirror.example.org:5000/x',
      repository: 'chamicore-smd',
      tag: 'abc1234',
      pullPolicy: 'IfNotPresent',
    });
    expect(v['chamicore-ui'].image).toMatchObject({ repository: 'custom/ui', tag: 'v9.9.9' });
  });
});

describe('secrets emitter', () => {
  it('writes one labelled Opaque Secret per group in the site namespace', () => {
    const files = compileData(minimalSite({ kubernetes: { namespace: 'ns1' } }));
    const names = files.filter((f) => f.path.startsWith('secrets/')).map((f) => f.path);
    expect(names).toEqual(['secrets/mini-auth.yaml', 'secrets/mini-db.yaml', 'secrets/mini-internal-token.yaml', 'secrets/mini-ui.yaml']);
    const db = file(files, 'secrets/mini-db.yaml');
    expect(db).toMatchObject({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'mini-db', namespace: 'ns1' } });
    expect(db.metadata.labels['app.kubernetes.io/managed-by']).toBe('chamicore-compile');
    expect(Object.keys(db.stringData)).toEqual([
      'auth-dsn',
      'bss-dsn',
      'cloud-init-dsn',
      'password',
      'postgres-password',
      'smd-dsn',
      'username',
    ]);
    expect(db.stringData['smd-dsn']).toBe(
      'postgres://chamicore:REDACTED-compile-with-reveal@chamicore-postgresql:5432/chamicore?sslmode=disable&search_path=smd',
    );
  });

  it('uses the external host, port and sslmode in DSNs', () => {
    const db = file(
      compileData(
        minimalSite({ database: { mode: 'external', host: 'pg.example.org', port: 6432, sslMode: 'require', maxConnections: 500 } }),
      ),
      'secrets/mini-db.yaml',
    );
    expect(db.stringData['smd-dsn']).toBe(
      'postgres://chamicore:REDACTED-compile-with-reveal@pg.example.org:6432/chamicore?sslmode=require&search_path=smd',
    );
    expect(db.stringData['postgres-password']).toBeUndefined();
  });
});

describe('renderYamlFile', () => {
  it('refuses a document that does not read back as meant', () => {
    expect(() => renderYamlFile('x.yaml', ['h'], { a: undefined } as never)).toThrow(EmitError);
    expect(renderYamlFile('x.yaml', ['h'], { a: 'no' }).contents).toBe('# h\na: "no"\n');
  });
});
