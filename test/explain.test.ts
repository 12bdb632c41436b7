/** `chamicore-compile explain` on the real example sites, through the built CLI. */
import { describe, expect, it, vi } from 'vitest';

// Each test runs the CLI several times (explaining a generated value compiles the site once per key):
// a guard against a hang on a busy machine, not a speed target (that is npm run bench).
vi.setConfig({ testTimeout: 180_000 });
import { cli, workspace } from './helpers/cli.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

describe('explain a key', () => {
  it('a key the site sets: meaning, type, default, where it was set and the outputs it feeds', () => {
    const r = cli(['explain', 'sites/alps', 'services.smd.replicas']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        'services.smd.replicas',
        '  Number of replicas. Default 1; production sites should run at least 2.',
        '  type: integer, 0–100',
        '  default: 1 (schema/site.schema.json)',
        '  value: 3, set at sites/alps.yaml:42:15',
        'feeds:',
        '  helm/values.yaml: chamicore-smd.replicaCount = 3',
        // More replicas open more connections: the bundled database's limit, and its memory, follow.
        '  helm/values.yaml: postgresql.primary.resources.requests.memory = "2752Mi"',
        '  helm/values.yaml: postgresql.primary.resources.limits.memory = "2752Mi"',
        '  helm/values.yaml: postgresql.primary.extendedConfiguration = "max_connections = 1310\\n"',
        '',
      ].join('\n'),
    );
  });

  it('a key left at a default that an enclosing key states (per-service database pools)', () => {
    const r = cli(['explain', 'sites/alps.yaml', 'services.bss.database.maxOpenConns']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('  value: 100, not set: the default (of services.bss.database)\n');
    expect(r.stdout).toContain('  helm/values.yaml: chamicore-bss.env.CHAMICORE_BSS_DB_MAX_OPEN_CONNS = "100"\n');
  });

  it('a key the compiler derives when it is not set, traced to the output it feeds', () => {
    const r = cli(['explain', 'sites/alps', 'services.smd.logLevel']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('  value: (none), not set: derived by the compiler, as its description says\n');
    expect(r.stdout).toContain('  helm/values.yaml: chamicore-smd.env.CHAMICORE_SMD_LOG_LEVEL = "info"\n');
  });

  it('a secret rotation feeds the Secret keys that read it; the compose env file of a development site', () => {
    const rotation = cli(['explain', 'sites/alps', 'secrets.db-admin-password.rotation']);
    expect(rotation.stdout).toContain('secrets.db-admin-password.rotation\n');
    expect(rotation.stdout).toContain('  value: 1, set at sites/alps.yaml:111:15\n');
    expect(rotation.stdout).toContain('  Secret alps-db: postgres-password\n');
    const dev = cli(['explain', 'sites/dev', 'services.smd.logLevel']);
    expect(dev.stdout).toContain('  compose/env/smd.env: CHAMICORE_SMD_LOG_LEVEL = ');
  });

  it('an object lists its keys; a secret value, or a secret holding one, is never shown', () => {
    const r = cli(['explain', 'sites/alps', 'services.bss']);
    expect(r.stdout).toContain('  keys: replicas, sync, resources\n');
    for (const path of ['secrets.mcp-token', 'secrets.mcp-token.value', 'secrets']) {
      const s = cli(['explain', 'sites/dev', path]);
      expect(s.code, path).toBe(0);
      expect(s.stdout, path).not.toContain('dev-mcp-token');
      expect(s.stdout, path).not.toContain('dev-db-password');
    }
    expect(cli(['explain', 'sites/dev', 'secrets.mcp-token.value']).stdout).toContain(
      '  value: (a secret: not shown), set at sites/dev.yaml:',
    );
  });

  it('an unknown key: exit 2 with the closest key and the keys there', () => {
    const r = cli(['explain', 'sites/alps', 'services.bss.databse.maxOpenConns']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'chamicore-compile: error: path-unknown: services.bss.databse.maxOpenConns: no key "databse" under services.bss (did you mean database?); keys there: enabled, replicas, resources, logLevel, metrics, traces, image, env, scheduling, database, sync, bootscriptDebug\n',
    );
    expect(cli(['explain', 'sites/alps', 'servics']).stderr).toContain(
      'no key "servics" at the top of a site file (did you mean services?)',
    );
    for (const bad of ['services..smd', '.services', 'services.', 'services[x]', ''])
      expect(cli(['explain', 'sites/alps', bad]).stderr, bad).toMatch(
        /^chamicore-compile: error: path-unknown: .*(not a key path|is empty)/,
      );
    // Index and quoted forms name the same keys.
    expect(cli(['explain', 'sites/alps', 'auth.oidc.providers.0.issuerUrl']).stdout).toBe(
      cli(['explain', 'sites/alps', 'auth.oidc.providers[0]["issuerUrl"]']).stdout,
    );
  });
});

describe('explain a generated value', () => {
  it('names every key of the site that changes it, with where each was set', () => {
    const r = cli(['explain', 'sites/alps', 'values.yaml:chamicore-smd.env.CHAMICORE_SMD_LOG_LEVEL']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        'helm/values.yaml:chamicore-smd.env.CHAMICORE_SMD_LOG_LEVEL = "info" (sites/alps.yaml)',
        'comes from:',
        '  services.smd.enabled = true (not set: the default)',
        '  services.smd.logLevel (not set: derived by the compiler, as its description says)',
        '  observability.logLevel = "info" (set at sites/alps.yaml:98:13)',
        '',
      ].join('\n'),
    );
  });

  it('an output or value that does not exist: exit 2 with what does', () => {
    const file = cli(['explain', 'sites/alps', 'nope.yaml:a.b']);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain(
      'nope.yaml: no such output of site alps; its outputs: bom.yaml, helm/Chart.yaml, helm/templates/ingress.yaml, helm/templates/networkpolicy-nats.yaml, helm/values.yaml',
    );
    const value = cli(['explain', 'sites/alps', 'values.yaml:chamicore-smd.replicaCont']);
    expect(value.code).toBe(2);
    expect(value.stderr).toContain('helm/values.yaml:chamicore-smd.replicaCont: no such value (did you mean chamicore-smd.replicaCount?)');
  });
});

describe('explain failures', () => {
  it('a site the schema refuses: exit 1 with its located errors', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'sites/alps.yaml'), 'site: {name: alps, environment: prod, domain: a.b}\nrelease: {version: 1.4.2}\n');
    const r = cli(['explain', 'sites/alps', 'services.smd.replicas'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^sites\/alps\.yaml:1:33: schema-enum: /m);
    expect(r.stderr).toContain('chamicore-compile explain: sites/alps.yaml cannot be read as a site; fix it first\n');
  });

  it('a site with rule errors is explained as the compiler reads it: the env-reserved hint names a command that works', () => {
    const dir = workspace();
    const file = join(dir, 'sites/alps.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  smd:\n', '  smd:\n    env:\n      CHAMICORE_SMD_LOG_LEVEL: debug\n'));
    const v = cli(['validate', 'sites/alps'], { cwd: dir });
    expect(v.code).toBe(1);
    const hint = /hint: remove it from env and set the site key it comes from; (chamicore-compile explain \S+ \S+) names that key/.exec(
      v.stderr,
    );
    expect(hint?.[1]).toBe('chamicore-compile explain sites/alps.yaml helm/values.yaml:chamicore-smd.env.CHAMICORE_SMD_LOG_LEVEL');
    const r = cli(hint![1]!.split(' ').slice(1), { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'chamicore-compile explain: sites/alps.yaml has 1 error (validate shows them); explained as the compiler reads it\n',
    );
    expect(r.stdout).toContain('  observability.logLevel = "info" (set at sites/alps.yaml:');
  });

  it('prints JSON with --format json', () => {
    const r = cli(['explain', 'sites/alps', 'services.smd.replicas', '--format', 'json']);
    const doc = JSON.parse(r.stdout) as { command: string; value: string; origin: unknown; feeds: unknown[] };
    expect(doc.command).toBe('explain');
    expect(doc.value).toBe('3');
    expect(doc.origin).toEqual({ kind: 'set', file: 'sites/alps.yaml', line: 42, column: 15 });
    expect(doc.feeds).toContainEqual({ file: 'helm/values.yaml', path: 'chamicore-smd.replicaCount', value: '3' });
  });
});

describe('bounds', () => {
  it('refuses to trace an output back through more keys than the limit, at once and saying why (explain-too-large)', () => {
    const w = workspace();
    const env = (prefix: string) => Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`${prefix}_EXTRA_${String(i)}`, 'x']));
    let text = readFileSync(join(w, 'sites/alps.yaml'), 'utf8');
    for (const svc of ['auth', 'smd', 'bss', 'cloud-init']) {
      text = text.replace(
        new RegExp(`^ {2}${svc}:\\n`, 'm'),
        `  ${svc}:\n    env: ${JSON.stringify(env(svc.toUpperCase().replace('-', '')))}\n`,
      );
    }
    writeFileSync(join(w, 'sites/alps.yaml'), text);
    expect(cli(['validate', 'sites/alps'], { cwd: w }).code).toBe(0);
    const r = cli(['explain', 'sites/alps', 'helm/values.yaml:chamicore-smd.replicaCount'], { cwd: w });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^chamicore-compile: error: explain-too-large: site alps has \d+ keys; tracing helm\/values\.yaml:chamicore-smd\.replicaCount back compiles the site once per key, so it is limited to sites of at most 600 keys/,
    );
    // A key of the same site is still explained.
    expect(cli(['explain', 'sites/alps', 'services.smd.replicas'], { cwd: w }).code).toBe(0);
  });
});
