/**
 * `chamicore-compile diff`: a git repository built here, the real example sites committed, then the
 * changes a merge request makes (a replica change, a rotation, a disabled service, an added and a
 * removed site), diffed through the built CLI in every format.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Each test runs the CLI several times (explaining a generated value compiles the site once per key):
// a guard against a hang on a busy machine, not a speed target (that is npm run bench).
vi.setConfig({ testTimeout: 180_000 });
import { cli, readTree, removeTemps, workspace } from './helpers/cli.js';

afterAll(removeTemps);

function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', ['-C', dir, '-c', 'user.email=t@example.org', '-c', 'user.name=t', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function edit(file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${file}: ${String(from)} not found`);
  writeFileSync(file, next);
}

/** A repository with the example sites at its first commit and a merge request's changes in its work tree. */
function repository(): string {
  const dir = workspace();
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'sites');
  return dir;
}

describe('diff of a merge request', () => {
  let repo: string;
  beforeAll(() => {
    repo = repository();
    const alps = join(repo, 'sites/alps.yaml');
    edit(alps, /( {2}smd:\n {4}replicas: )3/, '$14');
    edit(alps, /( {2}discovery:\n {4}enabled: )true/, '$1false');
    edit(alps, 'secrets:\n', 'secrets:\n  nats-token:\n    generate: { bytes: 32, encoding: hex }\n    rotation: 2\n');
    edit(join(repo, 'sites/dev.yaml'), 'value: dev-mcp-token', 'value: dev-mcp-token-CHANGED-LITERAL');
    rmSync(join(repo, 'sites/eiger.yaml'));
    expect(cli(['init', 'newsite', '--environment', 'staging'], { cwd: repo }).code).toBe(0);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'the merge request');
  });

  it('reports values by path, Secrets by name and key, and the warnings a reviewer must see (text)', () => {
    const before = readTree(repo);
    const r = cli(['diff', '--base', 'HEAD~1'], { cwd: repo });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^4 sites against HEAD~1 \([0-9a-f]{12}\): 2 changed, 1 added, 1 removed; 6 warnings$/);
    const expected = [
      'sites/alps.yaml: changed (22 changes, 4 warnings)',
      '  warning: service discovery disabled: it stops on the next deploy',
      '  warning: secret nats-token rotated 0 → 2: a new value on the next deploy',
      // One line for the restarts, not a checksum line per service.
      '  warning: restarts auth, smd, bss, cloud-init, kea-sync, power, ui: the Secrets they read change (their chamicore.io/secrets-checksum annotation)',
      '    ~ chamicore-smd.replicaCount: 3 → 4',
      '    ~ chamicore-discovery.enabled: true → false',
      '    - chamicore-discovery.env: {…} (16 values)',
      '    - spec.rules[chamicore.alps.cscs.ch].http.paths[/discovery/v1]: {…} (4 values)',
      '    alps-db: key discovery-dsn removed',
      '    alps-nats: key url changes value',
      '    nats-token: rotated 0 → 2',
      'sites/newsite.yaml: added',
      'HEAD~1:sites/eiger.yaml: removed (1 warning)',
      '  warning: site removed: its release (namespace chamicore-eiger) is no longer compiled from this repository',
      '    eiger-db: removed (keys auth-dsn, bss-dsn, cloud-init-dsn, password, power-dsn, smd-dsn, username)',
      // A literal (development) secret counts as changed; its value is shown nowhere.
      'sites/dev.yaml: changed (2 changes, 1 warning)',
      '  warning: restarts mcp: the Secrets they read change (their chamicore.io/secrets-checksum annotation)',
      '    mcp-token: literal value changed',
    ];
    for (const line of expected) expect(lines).toContain(line);
    expect(r.stdout).not.toContain('dev-mcp-token');
    // Nothing in the work tree changed, and no out/ appeared.
    expect(readTree(repo)).toEqual(before);
    expect(existsSync(join(repo, 'out'))).toBe(false);
  });

  it('never prints a secret value in any format', () => {
    for (const format of ['text', 'markdown', 'json']) {
      const r = cli(['diff', '--base', 'HEAD~1', '--format', format], { cwd: repo });
      expect(r.code).toBe(0);
      for (const value of ['dev-mcp-token', 'dev-db-password', 'dev-nats-token', 'dev-session-key']) expect(r.stdout).not.toContain(value);
    }
  });

  it('prints Markdown ready for a merge-request comment: the summary, then a collapsible section per site', () => {
    const r = cli(['diff', '--base', 'HEAD~1', '--format', 'markdown'], { cwd: repo });
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md.split('\n')[0]).toMatch(/^\*\*chamicore-compile diff\*\*: 4 sites against HEAD~1 \([0-9a-f]{12}\): 2 changed/);
    expect(md.match(/<details( open)?>/g)).toHaveLength(4);
    expect(md).toContain('<details open>\n<summary>sites/alps.yaml: changed (22 changes, 4 warnings)</summary>\n\n```text\n');
    expect(md).toContain('  ~ chamicore-smd.replicaCount: 3 → 4\n');
  });

  it('prints JSON with every change as data', () => {
    const r = cli(['diff', '--base', 'HEAD~1', '--format', 'json', 'sites/alps'], { cwd: repo });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      ok: boolean;
      command: string;
      sites: { site: string; status: string; files: { file: string; changes: unknown[] }[]; secrets: unknown[] }[];
    };
    expect(doc.ok).toBe(true);
    expect(doc.command).toBe('diff');
    expect(doc.sites.map((s) => [s.site, s.status])).toEqual([['alps', 'changed']]);
    const values = doc.sites[0]!.files.find((f) => f.file === 'helm/values.yaml')!;
    expect(values.changes).toContainEqual({ path: 'chamicore-smd.replicaCount', kind: 'changed', old: 3, new: 4 });
    expect(doc.sites[0]!.secrets).toContainEqual({ name: 'nats-token', kind: 'source', change: 'rotated 0 → 2' });
  });

  it('compares the work tree (uncommitted changes) with HEAD by default, from any folder of the repository', () => {
    const r1 = cli(['diff'], { cwd: repo });
    expect(r1.code).toBe(0);
    expect(r1.stdout.split('\n')[0]).toMatch(/^3 sites against HEAD \([0-9a-f]{12}\): 3 unchanged$/);
    const file = join(repo, 'sites/alps.yaml');
    const text = readFileSync(file, 'utf8');
    try {
      edit(file, /( {2}smd:\n {4}replicas: )4/, '$15');
      const r2 = cli(['diff', 'alps.yaml'], { cwd: join(repo, 'sites') });
      expect(r2.code, r2.stderr).toBe(0);
      expect(r2.stdout.replace(/\([0-9a-f]{12}\)/, '(sha)')).toBe(
        [
          '1 site against HEAD (sha): 1 changed; 1 warning',
          'alps.yaml: changed (4 changes, 1 warning)',
          // One more smd pod opens more connections: the single PostgreSQL pod restarts for it.
          '  warning: bundled PostgreSQL restarts (max_connections 1335 → 1435, its resources): its single pod goes down, and every service with it, for the restart',
          '  helm/values.yaml:',
          '    ~ chamicore-smd.replicaCount: 4 → 5',
          // The bundled database's max_connections follows the connection budget, and its memory with it.
          '    ~ postgresql.primary.resources.requests.memory: "2816Mi" → "3008Mi"',
          '    ~ postgresql.primary.resources.limits.memory: "2816Mi" → "3008Mi"',
          '    ~ postgresql.primary.extendedConfiguration: "max_connections = 1335\\n" → "max_connections = 1435\\n"',
          '',
        ].join('\n'),
      );
    } finally {
      writeFileSync(file, text);
    }
  });
});

describe('changes that restart or block a stateful pod', () => {
  it('a NATS volume resize, which helm upgrade cannot apply, is a warning', () => {
    const repo = repository();
    edit(join(repo, 'sites/alps.yaml'), 'storageSize: 20Gi', 'storageSize: 50Gi');
    const r = cli(['diff', '--base', 'HEAD', 'sites/alps.yaml'], { cwd: repo });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "  warning: bundled NATS volume 20Gi → 50Gi: a StatefulSet's volume claim cannot change in place; the upgrade fails until each PVC is resized by hand\n",
    );
    expect(r.stdout).not.toContain('PostgreSQL restarts');
  });
});

describe('pass-through values', () => {
  it('are shown leaf by leaf, never as a count', () => {
    const repo = repository();
    const alps = join(repo, 'sites/alps.yaml');
    edit(
      alps,
      /^database:\n/m,
      'database:\n  values:\n    primary:\n      podLabels: { team: hpc-platform, cost-centre: cscs-1234, tier: management }\n      podAnnotations: { example.org/owner: hpc-platform-team }\n    metrics: { enabled: true }\n',
    );
    const r = cli(['diff', '--base', 'HEAD', 'sites/alps.yaml'], { cwd: repo });
    expect(r.code, r.stderr).toBe(0);
    for (const line of [
      '    + postgresql.primary.podLabels.team: "hpc-platform"',
      '    + postgresql.primary.podLabels.cost-centre: "cscs-1234"',
      '    + postgresql.primary.podLabels.tier: "management"',
      '    + postgresql.primary.podAnnotations["example.org/owner"]: "hpc-platform-team"',
    ])
      expect(r.stdout.split('\n')).toContain(line);
    expect(r.stdout).not.toMatch(/podLabels: \{…\}/);
  });
});

describe('breaking secrets', () => {
  it('a new length or source of a breaking secret without a rotation is named, with the step; a harmless one is not', () => {
    const repo = repository();
    const alps = join(repo, 'sites/alps.yaml');
    edit(
      alps,
      'secrets:\n',
      'secrets:\n  db-password:\n    generate: { length: 32 }\n  ui-session-key:\n    generate: { bytes: 32, encoding: hex }\n',
    );
    git(repo, 'commit', '-q', '-am', 'declared');
    edit(alps, 'db-password:\n    generate: { length: 32 }', 'db-password:\n    generate: { length: 40 }');
    edit(
      alps,
      'ui-session-key:\n    generate: { bytes: 32, encoding: hex }',
      'ui-session-key:\n    generate: { bytes: 48, encoding: hex }',
    );
    edit(alps, /(db-admin-password:\n {4})generate: \{ length: 40 \}/, '$1fromEnv: ALPS_DB_ADMIN');
    const r = cli(['diff', '--base', 'HEAD', 'sites/alps.yaml'], { cwd: repo });
    expect(r.code, r.stderr).toBe(1);
    const lines = readFileSync(alps, 'utf8').split('\n');
    const at = (key: string): string => `sites/alps.yaml:${String(lines.findIndex((l) => l === `  ${key}:`) + 1)}:3`;
    expect(r.stderr).toContain(
      `${at('db-password')}: secret-changed-unrotated: secret db-password changes value against HEAD without a rotation (generate 32 alphanumeric characters → generate 40 alphanumeric characters): that breaks the running site\n`,
    );
    expect(r.stderr).toContain(
      `${at('db-admin-password')}: secret-changed-unrotated: secret db-admin-password changes value against HEAD without a rotation (generate 40 alphanumeric characters → fromEnv ALPS_DB_ADMIN)`,
    );
    expect(r.stderr).toContain('then set secrets.db-password.rotation one higher and secrets.db-password.acknowledgeRotation to it');
    // ui-session-key changes too, but nothing breaks: the readers restart with it.
    expect(r.stderr).not.toContain('ui-session-key');
    expect(r.stdout).toContain('sites/alps.yaml: invalid (see the errors)');
    // No value of any secret in the report.
    expect(r.stderr).not.toMatch(/\^/);

    // The acknowledged way: the same changes through a rotation of each breaking secret.
    edit(
      alps,
      'db-password:\n    generate: { length: 40 }',
      'db-password:\n    generate: { length: 40 }\n    rotation: 1\n    acknowledgeRotation: 1',
    );
    edit(alps, /(db-admin-password:\n {4}fromEnv: ALPS_DB_ADMIN\n {4}rotation: )1(\n.*\n {4}acknowledgeRotation: )1/, '$12$22');
    const ok = cli(['diff', '--base', 'HEAD', 'sites/alps.yaml'], { cwd: repo });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('  warning: secret db-password rotated 0 → 1: a new value on the next deploy');
    expect(ok.stdout).toContain('  warning: secret db-admin-password rotated 1 → 2: a new value on the next deploy');
    expect(ok.stdout).toContain('    ui-session-key: source changed: generate 32 bytes hex → generate 48 bytes hex');
  });
});

describe('diff failures', () => {
  it('exit 1 with located errors when a site is invalid at the base ref', () => {
    const repo = repository();
    edit(join(repo, 'sites/alps.yaml'), /( {2}smd:\n {4}replicas: )3/, '$1"three"');
    git(repo, 'commit', '-q', '-am', 'broken');
    edit(join(repo, 'sites/alps.yaml'), /( {2}smd:\n {4}replicas: )"three"/, '$14');
    const r = cli(['diff', '--base', 'HEAD', 'sites/alps.yaml'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^HEAD:sites\/alps\.yaml:42:15: schema-type: /m);
    expect(r.stdout).toContain('sites/alps.yaml: invalid (see the errors)');
  });

  it('exit 2 for a ref that names no commit, also one written as an option', () => {
    const repo = repository();
    for (const base of ['no-such-branch', '--output=/tmp/x', 'HEAD~5']) {
      const r = cli(['diff', `--base=${base}`], { cwd: repo });
      expect(r.code, base).toBe(2);
      expect(r.stderr).toBe(`chamicore-compile: error: git-ref-unknown: --base ${base}: names no commit in this repository\n`);
    }
  });

  it('exit 2 outside a git work tree', () => {
    const dir = workspace();
    const r = cli(['diff', 'sites'], { cwd: dir, env: { GIT_CEILING_DIRECTORIES: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^chamicore-compile: error: not-in-git: .*: not inside a git work tree; diff reads the base through git\n$/);
  });

  it('refuses a site that is a symbolic link at the base ref', () => {
    const repo = repository();
    rmSync(join(repo, 'sites/dev.yaml'));
    symlinkSync('/etc/passwd', join(repo, 'sites/dev.yaml'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'a link');
    const r = cli(['diff', '--base', 'HEAD', 'sites/dev.yaml'], { cwd: repo });
    expect(r.code).toBe(2);
    // The work tree's link is refused before anything is read, like the one at HEAD.
    expect(r.stderr).toMatch(/^chamicore-compile: error: site-not-file: (HEAD:)?sites\/dev\.yaml: not a regular file.*\(a symbolic link\)/);
  });

  it('exit 2 for a site that exists neither now nor at the base', () => {
    const r = cli(['diff', 'sites/nowhere'], { cwd: repository() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: site-not-found: sites/nowhere: no site file now nor at HEAD');
  });

  it('keeps a site file name with line feeds on its one line of the Markdown', () => {
    const repo = repository();
    const name = 'ev\n\n- forged list item\n\n<b>bold';
    writeFileSync(join(repo, 'sites', `${name}.yaml`), readFileSync(join(repo, 'sites/dev.yaml'), 'utf8'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'a named site');
    const r = cli(['diff', '--base', 'HEAD~1', '--format', 'markdown', 'sites'], { cwd: repo });
    const summary = r.stdout.split('\n').find((l) => l.includes('<summary>sites/ev'));
    expect(summary, r.stdout).toBeDefined();
    expect(summary).toMatch(/<\/summary>$/);
    expect(r.stdout).not.toMatch(/^- forged/m);
    // Only inside the fenced block (text, never HTML) is the name written as it is.
    expect(summary).not.toContain('<b>');
  });

  it('keeps a hostile site text inside the Markdown it is quoted in', () => {
    const repo = repository();
    edit(join(repo, 'sites/dev.yaml'), /description: .*/, 'description: "```\\n<img src=x onerror=alert(1)> @all"');
    const r = cli(['diff', '--format', 'markdown', 'sites/dev.yaml'], { cwd: repo });
    expect(r.code, r.stderr).toBe(0);
    // The fence is longer than any backtick run in the body, so the body cannot close it.
    const fence = /^(`{4,})text$/m.exec(r.stdout)?.[1];
    expect(fence).toBeDefined();
    const body = r.stdout.slice(r.stdout.indexOf(`${fence!}text`) + fence!.length + 5, r.stdout.lastIndexOf(fence!));
    expect(body).not.toContain(`\n${fence!}`);
    expect(r.stdout.replace(body, '')).not.toContain('<img');
  });
});

describe('diff for CI', () => {
  it('--format json is data: typed old and new values, warning codes, a format version; --detailed-exitcode exits 3 on changes', () => {
    const repo = repository();
    const unchanged = cli(['diff', '--detailed-exitcode', 'sites/alps.yaml'], { cwd: repo });
    expect(unchanged.code, unchanged.stderr).toBe(0);
    edit(join(repo, 'sites/alps.yaml'), 'storageSize: 20Gi', 'storageSize: 50Gi');
    edit(join(repo, 'sites/alps.yaml'), /( {2}smd:\n {4}replicas: )3/, '$14');
    expect(cli(['diff', 'sites/alps.yaml'], { cwd: repo }).code).toBe(0);
    const r = cli(['diff', '--detailed-exitcode', '--format', 'json', 'sites/alps.yaml'], { cwd: repo });
    expect(r.code, r.stderr).toBe(3);
    const doc = JSON.parse(r.stdout) as {
      formatVersion: number;
      changed: boolean;
      sites: {
        files: { file: string; changes: { path: string; kind: string; old?: unknown; new?: unknown }[] }[];
        warnings: { code: string; message: string }[];
      }[];
    };
    expect(doc.formatVersion).toBe(1);
    expect(doc.changed).toBe(true);
    const values = doc.sites[0]!.files.find((f) => f.file === 'helm/values.yaml')!;
    expect(values.changes).toContainEqual({ path: 'chamicore-smd.replicaCount', kind: 'changed', old: 3, new: 4 });
    expect(doc.sites[0]!.warnings.map((w) => w.code).sort()).toEqual(['database-restart', 'volume-resize']);
    // An invalid site is still exit 1, whatever the changes.
    edit(join(repo, 'sites/alps.yaml'), /( {2}smd:\n {4}replicas: )4/, '$1"four"');
    expect(cli(['diff', '--detailed-exitcode', 'sites/alps.yaml'], { cwd: repo }).code).toBe(1);
  });
});
