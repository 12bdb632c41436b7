/** End-to-end: the built CLI as a user runs it (npm test builds dist/ first). */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GENERATED_PREFIX } from '../src/emit/header.js';
import { BIN, cli, cliProcess, readTree, removeTemps, REVEAL_ENV, ROOT, temp, TEST_KEY, TEST_LOCK, workspace } from './helpers/cli.js';

const KEY = TEST_KEY;

const tree = readTree;

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build (npm test does)`);
});
afterEach(removeTemps);

describe('chamicore-compile', () => {
  it('finds the committed out/ current: chamicore-compile --check sites', () => {
    const r = cli(['--check', 'sites']);
    // A multi-site run ends with one summary line on stderr, with its time.
    expect(r.stderr).toMatch(/^chamicore-compile: 3 sites: 3 current \(\d+\.\d\d s\)\n$/);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('out/alps: current\nout/dev: current\nout/eiger: current\n');
  });

  it('writes byte-identical output whatever the time zone, locale or working directory', () => {
    const a = workspace();
    const b = workspace();
    // Processes: the time zone and locale are the process's own, not run()'s environment.
    expect(cliProcess(['sites'], { cwd: a, env: { TZ: 'UTC', LANG: 'C' } }).code).toBe(0);
    expect(
      cliProcess([join(b, 'sites'), '--out', join(b, 'out')], {
        cwd: tmpdir(),
        env: { TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
      }).code,
    ).toBe(0);
    expect(tree(join(b, 'out'))).toEqual(tree(join(a, 'out')));
    expect(tree(join(a, 'out'))).toEqual(tree(join(ROOT, 'out')));
  });

  it('accepts a site as sites/alps, sites/alps.yaml or a folder', () => {
    const w = workspace();
    expect(cli(['sites/alps'], { cwd: w }).stdout).toBe('sites/alps.yaml: wrote out/alps (12 files)\n');
    expect(cli(['sites/alps.yaml'], { cwd: w }).stdout).toBe('sites/alps.yaml: unchanged out/alps (12 files)\n');
    expect(cli(['sites'], { cwd: w }).code).toBe(0);
  });

  it('documents the exit codes in --help', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const line of ['0   success', '1   a site is invalid', '2   usage error', '70  internal error']) expect(r.stdout).toContain(line);
    // Each subcommand's help points there instead of repeating the whole footer.
    for (const sub of ['validate', 'diff', 'explain', 'init']) {
      const help = cli([sub, '--help']).stdout;
      expect(help, sub).not.toContain('Exit codes:');
      expect(help, sub).toMatch(/\nExit codes, secrets and examples: chamicore-compile --help\n$/);
      expect(help.split('\n').length, sub).toBeLessThan(30);
    }
  });

  it('returns 2 for usage errors and unreadable input, in one line, without a stack trace', () => {
    for (const args of [
      [],
      ['--nope', 'sites'],
      ['sites/none'],
      ['--check', '--reveal', 'sites'],
      ['--secrets-dir', '/tmp', 'sites'],
      ['--format', 'xml', 'sites'],
    ]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^chamicore-compile: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const dir = temp();
    mkdirSync(join(dir, 'sites/x.yaml'), { recursive: true });
    expect(cli(['sites/x.yaml'], { cwd: dir }).code).toBe(2);
    // An output folder that cannot be written is the user's to fix, not a bug: exit 2, one line.
    writeFileSync(join(dir, 'not-a-folder'), '');
    const r = cli(['--out', join(dir, 'not-a-folder'), 'sites/alps']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^chamicore-compile: error: out-io: .*not-a-folder: cannot lock: (EEXIST|ENOTDIR)\n$/);
  });

  it('validates without writing', () => {
    const w = workspace();
    const r = cli(['validate', 'sites'], { cwd: w });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('sites/alps.yaml: valid\nsites/dev.yaml: valid\nsites/eiger.yaml: valid\n');
    expect(existsSync(join(w, 'out'))).toBe(false);
  });

  it('prints JSON with --format json', () => {
    const w = workspace();
    writeFileSync(join(w, 'sites/eiger.yaml'), readFileSync(join(w, 'sites/eiger.yaml'), 'utf8').replace('replicas: 2', 'replica: 2'));
    const r = cli(['validate', '--format', 'json', 'sites'], { cwd: w });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const json = JSON.parse(r.stdout);
    expect(json.ok).toBe(false);
    expect(json.diagnostics).toEqual([
      expect.objectContaining({
        file: 'sites/eiger.yaml',
        code: 'schema-unknown-key',
        severity: 'error',
        path: 'services.smd.replica',
        line: 39,
        column: 5,
      }),
    ]);
  });

  it('writes nothing at all when one of several sites is invalid', () => {
    const w = workspace();
    writeFileSync(join(w, 'sites/zz-bad.yaml'), 'site: {name: zz-bad}\n');
    const r = cli(['sites'], { cwd: w });
    expect(r.code).toBe(1);
    expect(existsSync(join(w, 'out'))).toBe(false);
  });

  it('removes stale files and keeps the previous tree when a later run fails', () => {
    const w = workspace();
    expect(cli(['sites/alps'], { cwd: w }).code).toBe(0);
    const good = tree(join(w, 'out/alps'));
    writeFileSync(join(w, 'out/alps/helm/stale.yaml'), `${GENERATED_PREFIX}sites/alps.yaml. Do not edit:\nx: 1\n`);
    expect(cli(['sites/alps'], { cwd: w }).code).toBe(0);
    expect(tree(join(w, 'out/alps'))).toEqual(good);
    writeFileSync(
      join(w, 'sites/alps.yaml'),
      readFileSync(join(w, 'sites/alps.yaml'), 'utf8').replace('environment: production', 'environment: prod'),
    );
    expect(cli(['sites/alps'], { cwd: w }).code).toBe(1);
    expect(tree(join(w, 'out/alps'))).toEqual(good);
    expect(readdirSync(join(w, 'out'))).toEqual(['alps']);
  });

  it('--check lists differing, missing and extra files and writes nothing', () => {
    const w = workspace();
    cpSync(join(ROOT, 'out'), join(w, 'out'), { recursive: true });
    writeFileSync(join(w, 'out/alps/helm/values.yaml'), 'changed\n');
    rmSync(join(w, 'out/eiger/secrets/eiger-ui.yaml'));
    writeFileSync(join(w, 'out/dev/extra.txt'), 'x\n');
    const before = tree(join(w, 'out'));
    const r = cli(['--check', 'sites'], { cwd: w });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => !l.startsWith('    '))).toEqual([
      'out/alps/helm/values.yaml: differs',
      'out/dev/extra.txt: extra',
      'out/eiger/secrets/eiger-ui.yaml: missing',
      '',
    ]);
    expect(tree(join(w, 'out'))).toEqual(before);
  });

  it('--check shows each difference as a unified diff, and none of a file that may hold secrets', () => {
    const w = workspace();
    cpSync(join(ROOT, 'out'), join(w, 'out'), { recursive: true });
    const values = join(w, 'out/alps/helm/values.yaml');
    writeFileSync(values, readFileSync(values, 'utf8').replace('  replicaCount: 3\n', '  replicaCount: 1\n'));
    const secret = join(w, 'out/alps/secrets/alps-db.yaml');
    writeFileSync(secret, readFileSync(secret, 'utf8').replace('stringData:', 'stringData:\n  leaked: hunter2'));
    const r = cli(['--check', 'sites/alps'], { cwd: w });
    expect(r.code).toBe(1);
    const out = r.stdout;
    expect(out).toContain('out/alps/helm/values.yaml: differs\n    --- a/helm/values.yaml\n    +++ b/helm/values.yaml\n    @@ -');
    expect(out).toMatch(/^ {4}- {2}replicaCount: 1$/m);
    expect(out).toMatch(/^ {4}\+ {2}replicaCount: 3$/m);
    expect(out).toContain(
      'out/alps/secrets/alps-db.yaml: differs\n    (secrets/alps-db.yaml may hold secret values: its difference is not shown)\n',
    );
    expect(out).not.toContain('hunter2');
  });

  it('removes the out/ folder of a deleted site when compiling the whole folder, and only if it is all generated', () => {
    const w = workspace();
    expect(cli(['sites'], { cwd: w }).code).toBe(0);
    rmSync(join(w, 'sites/eiger.yaml'));
    mkdirSync(join(w, 'out/notes'));
    writeFileSync(join(w, 'out/notes/todo.txt'), 'mine\n');
    expect(cli(['--check', 'sites'], { cwd: w }).stdout).toContain('out/eiger: extra (no site file compiles to it)\n');
    expect(cli(['sites/alps'], { cwd: w }).code).toBe(0);
    expect(existsSync(join(w, 'out/eiger'))).toBe(true); // a single site says nothing about the others
    const r = cli(['sites'], { cwd: w });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('out/eiger: removed (no site file compiles to it)\n');
    expect(r.stderr).toContain('out/notes has no site file but holds files chamicore-compile did not write; left alone');
    expect(readdirSync(join(w, 'out')).sort()).toEqual(['alps', 'dev', 'notes']);
  });

  it('refuses to replace an out/<site> that is a symbolic link', () => {
    const w = workspace();
    const elsewhere = temp();
    mkdirSync(join(w, 'out'));
    symlinkSync(elsewhere, join(w, 'out/alps'));
    const r = cli(['sites/alps'], { cwd: w });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('symbolic link');
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(lstatSync(join(w, 'out/alps')).isSymbolicLink()).toBe(true);
  });
});

describe('--reveal', () => {
  const revealEnv = {
    CHAMICORE_SITE_KEY: KEY,
    ALPS_KEYCLOAK_CLIENT_SECRET: 'kc-client-secret-from-env',
    ALPS_REGISTRY_TOKEN: 'registry-token-from-env',
  };

  it('writes real values, 0600 secret files, and never prints a secret', () => {
    const w = workspace();
    const out = temp();
    const r = cli(['--reveal', '--out', out, 'sites/alps'], { cwd: w, env: revealEnv });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = tree(join(out, 'alps'));
    const secretFiles = Object.keys(files).filter((f) => f.startsWith('secrets/'));
    expect(secretFiles.length).toBe(7);
    for (const f of secretFiles) {
      expect((statSync(join(out, 'alps', f)).mode & 0o777).toString(8), f).toBe('600');
      expect(files[f]).not.toContain('REDACTED');
    }
    expect((statSync(join(out, 'alps', 'helm/values.yaml')).mode & 0o777).toString(8)).toBe('644');
    expect((statSync(join(out, 'alps')).mode & 0o777).toString(8)).toBe('700');
    expect(files['secrets/alps-oidc.yaml']).toContain('kc-client-secret-from-env');
    // The pull Secret: the docker config kubelet reads, with the robot account's token from the environment.
    const pull = parse(files['secrets/alps-registry.yaml']!) as { type: string; stringData: Record<string, string> };
    expect(pull.type).toBe('kubernetes.io/dockerconfigjson');
    expect(JSON.parse(pull.stringData['.dockerconfigjson']!)).toEqual({
      auths: {
        'registry.cscs.ch': {
          username: 'robot$chamicore-alps',
          password: 'registry-token-from-env',
          auth: Buffer.from('robot$chamicore-alps:registry-token-from-env').toString('base64'),
        },
      },
    });
    // Every revealed value: in its Secret only, never in values, Chart or the terminal.
    const values = [...Object.entries(files)]
      .filter(([f]) => f.startsWith('secrets/'))
      .flatMap(([, c]) => Object.values((parse(c) as { stringData: Record<string, string> }).stringData))
      .filter((v) => v.length >= 16);
    expect(values.length).toBeGreaterThan(5);
    for (const v of values) {
      expect(files['helm/values.yaml']).not.toContain(v);
      expect(files['helm/Chart.yaml']).not.toContain(v);
      expect(r.stdout + r.stderr).not.toContain(v);
      for (const f of Object.values(tree(join(ROOT, 'out')))) expect(f).not.toContain(v);
    }
  });

  it('is deterministic: the same key gives the same values, from the environment or a key file', () => {
    const w = workspace();
    const [a, b, c] = [temp(), temp(), temp()];
    cli(['--reveal', '--out', a, 'sites/alps'], { cwd: w, env: revealEnv });
    cli(['--reveal', '--out', b, 'sites/alps'], { cwd: w, env: revealEnv });
    expect(tree(b)).toEqual(tree(a));
    const keyFile = join(temp(), 'site.key');
    writeFileSync(keyFile, `${KEY}\n`);
    const r = cli(['--reveal', '--site-key-file', keyFile, '--out', c, 'sites/alps'], {
      cwd: w,
      env: { ALPS_KEYCLOAK_CLIENT_SECRET: 'kc-client-secret-from-env', ALPS_REGISTRY_TOKEN: 'registry-token-from-env' },
    });
    expect(r.code).toBe(0);
    expect(tree(c)).toEqual(tree(a));
  });

  it('refuses a folder git would track, and writes nothing', () => {
    const repo = temp();
    execFileSync('git', ['init', '-q', repo]);
    cpSync(join(ROOT, 'sites'), join(repo, 'sites'), { recursive: true });
    const r = cli(['--reveal', 'sites/alps'], { cwd: repo, env: revealEnv });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('git work tree');
    expect(existsSync(join(repo, 'out'))).toBe(false);
    writeFileSync(join(repo, '.gitignore'), '/deploy/\n');
    expect(cli(['--reveal', '--out', 'deploy', 'sites/alps'], { cwd: repo, env: revealEnv }).code).toBe(0);
  });

  it('names a missing key or variable without showing any value, exit 2', () => {
    const w = workspace();
    const r = cli(['--reveal', '--out', temp(), 'sites/alps'], { cwd: w, env: { CHAMICORE_SITE_KEY: KEY } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secret-env-missing');
    expect(r.stderr).toContain('ALPS_KEYCLOAK_CLIENT_SECRET');
    expect(r.stderr).not.toContain(KEY);
  });

  it('reads fromFile secrets only inside --secrets-dir, which must be outside git', () => {
    const w = workspace();
    const secrets = temp();
    writeFileSync(join(secrets, 'eiger-db-password'), 'from-the-file\n');
    const out = temp();
    const r = cli(['--reveal', '--secrets-dir', secrets, '--out', out, 'sites/eiger'], { cwd: w, env: { CHAMICORE_SITE_KEY: KEY } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'eiger/secrets/eiger-db.yaml'), 'utf8')).toContain('  password: from-the-file\n');

    // A symbolic link out of the folder is refused without being read.
    const outside = temp();
    writeFileSync(join(outside, 'stolen'), 'do-not-read\n');
    rmSync(join(secrets, 'eiger-db-password'));
    symlinkSync(join(outside, 'stolen'), join(secrets, 'eiger-db-password'));
    const r2 = cli(['--reveal', '--secrets-dir', secrets, '--out', temp(), 'sites/eiger'], { cwd: w, env: { CHAMICORE_SITE_KEY: KEY } });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('secret-file-outside');
    expect(r2.stderr).not.toContain('do-not-read');

    const repo = temp();
    execFileSync('git', ['init', '-q', repo]);
    const r3 = cli(['--reveal', '--secrets-dir', repo, '--out', temp(), 'sites/eiger'], { cwd: w, env: { CHAMICORE_SITE_KEY: KEY } });
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain('git work tree');
  });
});

describe('every usage code, end to end: one line, exit 2, nothing written', () => {
  const usage = (r: { code: number | null; stdout: string; stderr: string }, code: string): void => {
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^chamicore-compile: error: ${code}: \\S[^\\n]*\\n$`));
  };

  it('option-conflict: --check with --reveal, and secret inputs without --reveal', () => {
    usage(cli(['--check', '--reveal', 'sites']), 'option-conflict');
    usage(cli(['--secrets-dir', '/tmp', 'sites']), 'option-conflict');
  });

  it('site-ambiguous, site-not-yaml and site-name-collision', () => {
    const w = workspace();
    writeFileSync(join(w, 'sites/alps.yml'), readFileSync(join(w, 'sites/alps.yaml')));
    usage(cli(['sites/alps'], { cwd: w }), 'site-ambiguous');
    usage(cli(['sites'], { cwd: w }), 'site-name-collision');
    writeFileSync(join(w, 'sites/notes.txt'), 'site: x\n');
    usage(cli(['sites/notes.txt'], { cwd: w }), 'site-not-yaml');
    expect(existsSync(join(w, 'out'))).toBe(false);
  });

  it('site-not-file: a site file in the folder is a link, dangling or not, in every command', () => {
    const w = workspace();
    symlinkSync(join(w, 'nowhere.yaml'), join(w, 'sites/gone.yaml'));
    const r = cli(['sites'], { cwd: w });
    usage(r, 'site-not-file');
    expect(r.stderr).toContain('sites/gone.yaml: not a regular file or folder (a symbolic link)');
    expect(existsSync(join(w, 'out'))).toBe(false);
  });

  it('site-unreadable: a site file gone between listing and reading, named with the system error', async () => {
    const { readSiteSource } = await import('../src/load/read-sites.js');
    const dir = temp();
    expect(() => readSiteSource(join(dir, 'sites/gone.yaml'), dir)).toThrow(
      expect.objectContaining({ code: 'site-unreadable', message: 'sites/gone.yaml: cannot read: ENOENT' }),
    );
  });

  it('secrets-dir-missing and out-not-folder', () => {
    const w = workspace();
    usage(
      cli(['--reveal', '--secrets-dir', join(w, 'none'), '--out', join(temp(), 'o'), 'sites/eiger'], { cwd: w, env: REVEAL_ENV }),
      'secrets-dir-missing',
    );
    mkdirSync(join(w, 'out'));
    writeFileSync(join(w, 'out/alps'), 'a file where a folder goes\n');
    usage(cli(['sites/alps'], { cwd: w }), 'out-not-folder');
    expect(readFileSync(join(w, 'out/alps'), 'utf8')).toBe('a file where a folder goes\n');
  });
});

describe('secret values no output can carry', () => {
  it('secret-value-invalid: a secret file that is not UTF-8 is refused at its fromFile line, never quoted', () => {
    const secrets = join(temp(), 'secrets');
    mkdirSync(secrets, { mode: 0o700 });
    writeFileSync(join(secrets, 'eiger-db-password'), Buffer.from([0x70, 0xff, 0xfe, 0x71]));
    const out = join(temp(), 'deploy');
    const r = cli(['--reveal', '--secrets-dir', secrets, '--out', out, 'sites/eiger'], { env: REVEAL_ENV });
    // A reveal input that cannot be used is exit 2, like a missing one.
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /^sites\/eiger\.yaml:86:15: secret-value-invalid: secret "db-password": eiger-db-password is not UTF-8 text$/m,
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe('internal errors', () => {
  it('a thrown non-Error is reported as an internal error (70) that says what was thrown', async () => {
    const { run } = await import('../src/cli/run.js');
    let stderr = '';
    const code = await run(['--version'], {
      stdout: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the case under test
        throw 'not an Error';
      },
      stderr: (t) => (stderr += t),
      env: {},
      cwd: ROOT,
      lock: TEST_LOCK,
    });
    expect(code).toBe(70);
    expect(stderr).toMatch(/^chamicore-compile: internal error: a non-Error value was thrown \(string\): "not an Error"\n/);
  });

  it('an exception that is not a file-system error stays internal (70), not a usage error (2)', async () => {
    const { run } = await import('../src/cli/run.js');
    const w = workspace();
    let stderr = '';
    const code = await run(['sites/alps'], {
      stdout: () => {
        throw new TypeError('a bug while reporting');
      },
      stderr: (t) => (stderr += t),
      env: {},
      cwd: w,
      lock: TEST_LOCK,
    });
    expect(code).toBe(70);
    expect(stderr).toMatch(/^chamicore-compile: internal error: a bug while reporting\n/);
  });
});

describe('finding your way', () => {
  it('--version names the compiler and the site schema version', () => {
    const r = cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^chamicore-compile \d+\.\d+\.\d+ \(site schema v\d+\)\n$/);
  });

  it('help <command> prints that command’s help', () => {
    const r = cli(['help', 'validate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: chamicore-compile validate \[options\] <site\.\.\.>/);
    expect(cli(['--help']).stdout).toContain('help [command]');
  });

  it('a mistyped command gets "did you mean" (command-unknown); an unknown site stays site-not-found', () => {
    const typo = cli(['valdate', 'sites']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(
      'chamicore-compile: error: command-unknown: valdate: no such command or site file (did you mean the command "validate"?)\n',
    );
    expect(cli(['sites/nosuch']).stderr).toMatch(/^chamicore-compile: error: site-not-found: /);
  });

  it('without --out writes to out/ at the top of the git work tree from any folder of it; an explicit --out is relative to the working directory', () => {
    const repo = workspace();
    execFileSync('git', ['init', '-q', repo]);
    const fromSites = cli(['alps.yaml'], { cwd: join(repo, 'sites') });
    expect(fromSites.code, fromSites.stderr).toBe(0);
    expect(existsSync(join(repo, 'out/alps/helm/Chart.yaml'))).toBe(true);
    expect(existsSync(join(repo, 'sites/out'))).toBe(false);
    const explicit = cli(['--out', 'out', 'alps.yaml'], { cwd: join(repo, 'sites') });
    expect(explicit.stdout).toBe('alps.yaml: wrote out/alps (12 files)\n');
    expect(existsSync(join(repo, 'sites/out/alps/helm/Chart.yaml'))).toBe(true);
    // Outside a work tree: ./out, as before.
    const plain = workspace();
    expect(cli(['sites/alps'], { cwd: plain, env: { GIT_CEILING_DIRECTORIES: plain } }).stdout).toBe(
      'sites/alps.yaml: wrote out/alps (12 files)\n',
    );
  });
});

describe('--strict and allowWarnings', () => {
  /** alps with one smd replica: a prod-replicas warning at services.smd.replicas. */
  const oneReplica = (extra = ''): string => {
    const w = workspace();
    const text = readFileSync(join(w, 'sites/alps.yaml'), 'utf8').replace(/(\n {2}smd:\n {4}replicas: )\d+/, '$11');
    writeFileSync(join(w, 'sites/alps.yaml'), `${text}${extra}`);
    return w;
  };
  const allow = (code: string, path: string): string =>
    `allowWarnings:\n  - code: ${code}\n    path: ${path}\n    reason: one smd replica until the second rack arrives\n`;

  it('without --strict a warning passes; with it, validate and compile fail and write nothing', () => {
    const w = oneReplica();
    expect(cli(['validate', 'sites/alps'], { cwd: w }).code).toBe(0);
    const strict = cli(['validate', '--strict', 'sites/alps'], { cwd: w });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^sites\/alps\.yaml:\d+:15: prod-replicas: warning: chamicore-smd runs 1 replica/);
    expect(strict.stderr).toMatch(/chamicore-compile: 0 errors, 1 warning; nothing was written \(--strict: /);
    expect(cli(['--strict', 'sites/alps'], { cwd: w }).code).toBe(1);
    expect(existsSync(join(w, 'out'))).toBe(false);
    const json = JSON.parse(cli(['validate', '--strict', '--format', 'json', 'sites/alps'], { cwd: w }).stdout) as { ok: boolean };
    expect(json.ok).toBe(false);
  });

  it('an allowed warning passes --strict and shows its reason, in text and JSON', () => {
    const w = oneReplica(allow('prod-replicas', 'services.smd.replicas'));
    const r = cli(['--strict', 'sites/alps'], { cwd: w });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/prod-replicas: warning \(allowed\): chamicore-smd runs 1 replica/);
    expect(r.stderr).toContain('  allowed: one smd replica until the second rack arrives\n');
    const json = JSON.parse(cli(['validate', '--strict', '--format', 'json', 'sites/alps'], { cwd: w }).stdout) as {
      ok: boolean;
      diagnostics: { code: string; allowed?: string }[];
    };
    expect(json.ok).toBe(true);
    expect(json.diagnostics).toEqual([
      expect.objectContaining({ code: 'prod-replicas', allowed: 'one smd replica until the second rack arrives' }),
    ]);
  });

  it("allows a warning of a model rule (secret-unused) as it allows an input rule's: --strict passes", () => {
    const w = workspace();
    writeFileSync(
      join(w, 'sites/alps.yaml'),
      readFileSync(join(w, 'sites/alps.yaml'), 'utf8').replace('secrets:\n', 'secrets:\n  spare-token:\n    fromEnv: SPARE_TOKEN\n') +
        'allowWarnings:\n  - code: secret-unused\n    path: secrets.spare-token\n    reason: read by the backup job, which is not compiled here\n',
    );
    const r = cli(['validate', '--strict', 'sites/alps'], { cwd: w });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('secret-unused: warning (allowed): secret "spare-token" is not used by any output of this site');
    expect(r.stderr).not.toContain('allowance-unused');
  });

  it('an entry for another path allows nothing; a code that is no warning is allowance-invalid; a stale entry is allowance-unused', () => {
    const other = cli(['validate', '--strict', 'sites/alps'], { cwd: oneReplica(allow('prod-replicas', 'services.bss.replicas')) });
    expect(other.code).toBe(1);
    // The text says which path to allow, and the wrong one gets did-you-mean.
    expect(other.stderr).toContain('  to keep it: allowWarnings: [{ code: prod-replicas, path: services.smd.replicas, reason: … }]\n');
    expect(other.stderr).toContain('  hint: did you mean path services.smd.replicas?\n');
    const typo = cli(['validate', 'sites/alps'], { cwd: oneReplica(allow('prod-replica', 'services.smd.replicas')) });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/alps\.yaml:\d+:11: allowance-invalid: "prod-replica" is not the code of a warning/);
    expect(typo.stderr).toContain('hint: did you mean "prod-replicas"?');
    const w = workspace();
    writeFileSync(
      join(w, 'sites/alps.yaml'),
      `${readFileSync(join(w, 'sites/alps.yaml'), 'utf8')}${allow('prod-replicas', 'services.smd.replicas')}`,
    );
    const stale = cli(['validate', '--strict', 'sites/alps'], { cwd: w });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(
      /allowance-unused: warning: no prod-replicas warning points at services\.smd\.replicas; remove this entry/,
    );
  });
});

describe('reports on a usage error', () => {
  it.each([
    ['validate', '--format', 'junit'],
    ['validate', '--format', 'codequality'],
    ['validate', '--format', 'json'],
    ['--format', 'json'],
    ['--check', '--format', 'json'],
  ])('%s %s %s on a missing site prints a valid report that carries the error (exit 2)', (...args) => {
    const r = cli([...args, 'sites/nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'chamicore-compile: error: site-not-found: sites/nope: no such site file (tried sites/nope, sites/nope.yaml and sites/nope.yml)\n',
    );
    const format = args[args.length - 1];
    if (format === 'junit') {
      // Well-formed XML, read by a real XML parser, with one failing test case for the argument.
      const read = execFileSync(
        'python3',
        [
          '-c',
          'import sys, xml.etree.ElementTree as E; r = E.fromstring(sys.stdin.read()); print(r.get("failures"), [c.get("name") for c in r.iter("testcase")])',
        ],
        {
          input: r.stdout,
          encoding: 'utf8',
        },
      );
      expect(read).toBe("1 ['sites/nope']\n");
      expect(r.stdout).toContain('site-not-found');
    } else {
      const report = JSON.parse(r.stdout) as unknown;
      const json = JSON.stringify(report);
      expect(json).toContain('site-not-found');
      if (format === 'codequality') expect((report as { location: { path: string } }[])[0]!.location.path).toBe('sites/nope');
      else expect((report as { ok: boolean }).ok).toBe(false);
    }
  });
});

describe('init', () => {
  it('warns a production site on the placeholder domain under --strict until --domain or an edit gives the real one', () => {
    const w = temp();
    const r = cli(['init', 'newsite', '--environment', 'production'], { cwd: w });
    expect(r.stdout).toBe(
      'sites/newsite.yaml: wrote a new production site; next: edit site.domain and the ingress host, then run chamicore-compile sites/newsite\n',
    );
    expect(cli(['validate', 'sites/newsite'], { cwd: w }).code).toBe(0);
    const strict = cli(['validate', '--strict', 'sites/newsite'], { cwd: w });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(
      'sites/newsite.yaml:9:11: prod-placeholder-domain: warning: newsite.example.org lies in a domain reserved for examples',
    );
    expect(strict.stderr).toContain(
      'prod-placeholder-domain: warning: chamicore.newsite.example.org lies in a domain reserved for examples',
    );
    expect(cli(['init', 'bad', '--domain', 'not a domain'], { cwd: w }).stderr).toMatch(
      /^chamicore-compile: error: site-name-invalid: --domain not a domain: /,
    );
  });

  it.each(['production', 'staging', 'development'])(
    'writes a %s site that validates with --strict and compiles as it is',
    (environment) => {
      const w = temp();
      const r = cli(['init', 'newsite', '--environment', environment, '--domain', 'newsite.cscs.ch'], { cwd: w });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(
        `sites/newsite.yaml: wrote a new ${environment} site; next: review it, then run chamicore-compile sites/newsite\n`,
      );
      expect(readFileSync(join(w, 'sites/newsite.yaml'), 'utf8')).toContain('    host: chamicore.newsite.cscs.ch\n');
      const text = readFileSync(join(w, 'sites/newsite.yaml'), 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/site.schema.json');
      expect(text).toContain(`environment: ${environment}`);
      const v = cli(['validate', '--strict', 'sites/newsite'], { cwd: w });
      expect(v.stderr).toBe('');
      expect(v.code).toBe(0);
      const c = cli(['--strict', 'sites/newsite'], { cwd: w });
      expect(c.code, c.stderr).toBe(0);
      const files = Object.keys(tree(join(w, 'out/newsite')));
      expect(files).toContain('helm/templates/ingress.yaml');
      expect(files.includes('compose/env/smd.env')).toBe(environment === 'development');
      if (environment === 'production') {
        expect(readFileSync(join(w, 'out/newsite/helm/templates/ingress.yaml'), 'utf8')).toContain(
          'cert-manager.io/cluster-issuer: letsencrypt',
        );
      }
    },
  );

  it('never overwrites: an existing .yaml, a .yml of that name or a link at the path is site-exists', () => {
    const w = temp();
    mkdirSync(join(w, 'sites'));
    writeFileSync(join(w, 'sites/mine.yaml'), 'my own site\n');
    const r = cli(['init', 'mine'], { cwd: w });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'chamicore-compile: error: site-exists: sites/mine.yaml: a site file of that name exists; init never overwrites one\n',
    );
    expect(readFileSync(join(w, 'sites/mine.yaml'), 'utf8')).toBe('my own site\n');
    writeFileSync(join(w, 'sites/other.yml'), 'x\n');
    expect(cli(['init', 'other'], { cwd: w }).stderr).toMatch(/^chamicore-compile: error: site-exists: sites\/other\.yml: /);
    symlinkSync(join(w, 'elsewhere.yaml'), join(w, 'sites/linked.yaml'));
    expect(cli(['init', 'linked'], { cwd: w }).code).toBe(2);
    expect(existsSync(join(w, 'elsewhere.yaml'))).toBe(false);
  });

  it('refuses a name that is no DNS-1123 label, or whose derived names the compiler refuses (site-name-invalid)', () => {
    const w = temp();
    expect(cli(['init', 'Bad_Name'], { cwd: w }).stderr).toMatch(
      /^chamicore-compile: error: site-name-invalid: Bad_Name: a site name is a DNS-1123 label/,
    );
    const long = 'x'.repeat(60);
    expect(cli(['init', long], { cwd: w }).stderr).toMatch(
      new RegExp(`^chamicore-compile: error: site-name-invalid: ${long}: namespace "chamicore-x+" is not`),
    );
    expect(existsSync(join(w, 'sites'))).toBe(false);
    expect(cli(['help', 'init']).stdout).toMatch(/^Usage: chamicore-compile init \[options\] <name>/);
  });
});
