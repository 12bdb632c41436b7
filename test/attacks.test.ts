/**
 * Attacks on the output folder that used to succeed (issue: concurrency, the writer deleting what
 * it did not write, links). Each test reproduces the attack through the real CLI.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cli, readTree, removeTemps, ROOT, temp, TEST_LOCK, workspace, type CliResult } from './helpers/cli.js';
import type { Site } from '../src/generated/site.js';
import { buildModel } from '../src/model/build-model.js';
import { checkData, codes, compileData, minimalSite } from './helpers/site.js';
import { intendedEnvFiles } from './helpers/sites.js';

afterAll(removeTemps);

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runAsync(args: readonly string[], cwd: string): Promise<Outcome> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env['PATH'] ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      done({ code, stdout, stderr });
    });
  });
}

const RUNS = Number(process.env['CONCURRENCY_RUNS'] ?? 200);

describe('concurrent runs on one out/', () => {
  it(`${String(RUNS)} overlapping compiles and checks leave only complete trees and report nothing false`, async () => {
    // Two versions of the sites; every tree in out/ must be one of them, complete, at every end.
    const w = workspace();
    const b = join(w, 'sites-b');
    cpSync(join(w, 'sites'), b, { recursive: true });
    // B compiles from its own folder, into the same out/, with another description per site.
    for (const s of ['alps', 'dev', 'eiger']) {
      writeFileSync(
        join(b, `${s}.yaml`),
        readFileSync(join(b, `${s}.yaml`), 'utf8').replace(/^ {2}description: (.*)$/m, '  description: $1 (B)'),
      );
    }
    const expected: Record<string, Record<string, string>[]> = {};
    for (const [label, dir] of [
      ['A', 'sites'],
      ['B', 'sites-b'],
    ] as const) {
      const o = join(temp(), 'o');
      expect(cli(['--out', o, dir], { cwd: w }).code, label).toBe(0);
      for (const s of ['alps', 'dev', 'eiger']) (expected[s] ??= []).push(readTree(join(o, s)));
    }
    const out = join(w, 'out');
    const outcomes: Outcome[] = [];
    const wave = 8;
    for (let i = 0; i < RUNS; i += wave) {
      const batch = Array.from({ length: Math.min(wave, RUNS - i) }, (_, j) => {
        const k = i + j;
        const sites = k % 2 === 0 ? 'sites' : 'sites-b';
        const args =
          k % 5 === 4 ? ['--check', '--out', out, sites] : k % 3 === 0 ? ['--out', out, `${sites}/dev.yaml`] : ['--out', out, sites];
        return runAsync(args, w);
      });
      outcomes.push(...(await Promise.all(batch)));
      for (const s of ['alps', 'dev', 'eiger']) {
        const tree = readTree(join(out, s));
        if (Object.keys(tree).length === 0) continue;
        expect(
          expected[s]!.map((t) => JSON.stringify(t)),
          `out/${s} after run ${String(i + wave)}`,
        ).toContain(JSON.stringify(tree));
      }
    }
    for (const o of outcomes) {
      expect(o.stderr, o.stdout).not.toMatch(/internal error|out-interfered|out-locked/);
      expect([0, 1], `${o.stdout}${o.stderr}`).toContain(o.code);
      if (o.code === 1) expect(o.stdout).toMatch(/differs|missing|extra/);
    }
    expect(outcomes.filter((o) => o.code === 0).length).toBeGreaterThan(RUNS / 2);
    // Every run released its lock and left no temporary folder.
    expect(readdirSync(out).sort()).toEqual(['alps', 'dev', 'eiger']);
  }, 600_000);
});

describe('the writer deletes only what it wrote', () => {
  it('refuses to replace an out/<site> holding files it did not write, and leaves it alone', () => {
    const w = workspace();
    mkdirSync(join(w, 'out/alps/notes'), { recursive: true });
    writeFileSync(join(w, 'out/alps/notes/todo.txt'), 'my notes\n');
    const before = readTree(join(w, 'out'));
    const r = cli(['sites/alps'], { cwd: w });
    expect(r.code).toBe(2);
    // The message names the file that is not ours.
    expect(r.stderr).toMatch(
      /^chamicore-compile: error: out-not-ours: out\/alps: exists and holds notes\/todo\.txt, which chamicore-compile did not write; move it away/,
    );
    expect(readTree(join(w, 'out'))).toEqual(before);
  });

  it('leaves alone what Helm and compose put in a site folder, and --check stays current (issue 20)', () => {
    const w = workspace();
    expect(cli(['sites/alps', 'sites/dev'], { cwd: w }).code).toBe(0);
    // What `helm dependency build out/alps/helm` writes, and a developer's compose override.
    writeFileSync(join(w, 'out/alps/helm/Chart.lock'), 'dependencies: []\ndigest: sha256:00\ngenerated: "2026-12-07T00:00:00Z"\n');
    mkdirSync(join(w, 'out/alps/helm/charts'));
    writeFileSync(join(w, 'out/alps/helm/charts/postgresql-16.7.27.tgz'), 'not really a tarball');
    writeFileSync(join(w, 'out/dev/compose/docker-compose.override.yml'), 'services: {}\n');
    // The developer's copy of .env.example, as the operator guide says.
    writeFileSync(join(w, 'out/dev/compose/.env'), readFileSync(join(w, 'out/dev/compose/.env.example')));
    const check = cli(['--check', 'sites/alps', 'sites/dev'], { cwd: w });
    expect(check.code, check.stdout).toBe(0);
    // A change of the site rewrites the tree and carries those files over, as they were.
    writeFileSync(
      join(w, 'sites/alps.yaml'),
      readFileSync(join(w, 'sites/alps.yaml'), 'utf8').replace(
        '  description: Alps production system management',
        '  description: Alps (changed)',
      ),
    );
    const r = cli(['sites/alps', 'sites/dev'], { cwd: w });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'sites/alps.yaml: wrote out/alps (12 files; left alone: helm/Chart.lock, helm/charts/postgresql-16.7.27.tgz)\n',
    );
    expect(r.stdout).toContain(
      'sites/dev.yaml: unchanged out/dev (23 files; left alone: compose/.env, compose/docker-compose.override.yml)\n',
    );
    expect(readFileSync(join(w, 'out/alps/helm/charts/postgresql-16.7.27.tgz'), 'utf8')).toBe('not really a tarball');
    expect(readFileSync(join(w, 'out/alps/helm/Chart.yaml'), 'utf8')).toContain('Alps (changed)');
    // Anything else is still refused, and named.
    writeFileSync(join(w, 'out/alps/helm/values-local.yaml'), 'x: 1\n');
    expect(cli(['sites/alps'], { cwd: w }).stderr).toContain('out-not-ours: out/alps: exists and holds helm/values-local.yaml, which');
    // The repository does not commit them.
    const ignore = readFileSync(join(ROOT, '.gitignore'), 'utf8');
    for (const line of [
      '/out/*/helm/Chart.lock',
      '/out/*/helm/charts/',
      '/out/*/compose/docker-compose.override.yml',
      '/out/*/compose/.env',
    ])
      expect(ignore).toContain(line);
  });

  it('refuses to replace an empty out/<site> (a mount point?), and a folder of sites keeps empty folders', () => {
    const w = workspace();
    mkdirSync(join(w, 'out/alps'), { recursive: true });
    expect(cli(['sites/alps'], { cwd: w }).stderr).toMatch(/out-not-ours/);
    mkdirSync(join(w, 'out/keep-me'), { recursive: true });
    rmAlps(w);
    const r = cli(['sites'], { cwd: w });
    expect(r.code).toBe(0);
    expect(readdirSync(join(w, 'out')).sort()).toEqual(['alps', 'dev', 'eiger', 'keep-me']);
    expect(r.stderr).toContain('out/keep-me has no site file but holds files chamicore-compile did not write; left alone');
  });

  it('refuses an empty --out instead of writing into the working directory', () => {
    const w = workspace();
    const r = cli(['--out', '', 'sites/alps'], { cwd: w });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('chamicore-compile: error: out-empty: --out is empty; name the output folder\n');
    expect(readdirSync(w).sort()).toEqual(['sites']);
  });

  it('refuses a symbolic link at out/<site> in every mode, an unchanged tree and --check included', () => {
    const w = workspace();
    const elsewhere = join(temp(), 'elsewhere');
    expect(cli(['--out', elsewhere, 'sites/alps'], { cwd: w }).code).toBe(0);
    mkdirSync(join(w, 'out'));
    symlinkSync(join(elsewhere, 'alps'), join(w, 'out/alps'));
    for (const args of [['sites/alps'], ['--check', 'sites/alps']]) {
      const r = cli(args, { cwd: w });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^chamicore-compile: error: out-symlink: out\/alps: is a symbolic link/);
    }
  });
});

function rmAlps(w: string): void {
  cpSync(join(ROOT, 'out/alps'), join(w, 'out/alps'), { recursive: true, force: true });
}

describe('site keys are bytes, and special files are refused without hanging', () => {
  const mkfifo = (path: string): void => {
    execFileSync('mkfifo', [path]);
  };
  const reveal = (w: string, key: string, extra: string[] = []) =>
    cli(['--reveal', '--site-key-file', key, '--out', join(temp(), 'o'), ...extra, 'sites/dev'], { cwd: w });

  it('two different binary keys give different secrets; a short multi-byte key is refused', () => {
    const w = workspace();
    writeFileSync(
      join(w, 'sites/dev.yaml'),
      readFileSync(join(w, 'sites/dev.yaml'), 'utf8').replace(/\n {2}nats-token:\n {4}value: dev-nats-token\n/, '\n'),
    );
    const dir = temp();
    // Invalid UTF-8 everywhere: decoded as text with replacement, both were 32 × U+FFFD.
    const k1 = join(dir, 'k1');
    const k2 = join(dir, 'k2');
    writeFileSync(k1, Buffer.alloc(32, 0xff));
    writeFileSync(k2, Buffer.alloc(32, 0xfe));
    const out1 = join(temp(), 'o');
    const out2 = join(temp(), 'o');
    expect(cli(['--reveal', '--site-key-file', k1, '--out', out1, 'sites/dev'], { cwd: w }).code).toBe(0);
    expect(cli(['--reveal', '--site-key-file', k2, '--out', out2, 'sites/dev'], { cwd: w }).code).toBe(0);
    const token = (o: string) => readFileSync(join(o, 'dev/secrets/dev-nats.yaml'), 'utf8');
    expect(token(out1)).not.toBe(token(out2));
    // 11 characters of 3 bytes each used to pass the 32-byte minimum as 33 bytes of UTF-8... and still
    // does, being 33 bytes; 10 of them (30 bytes) must not.
    const short = join(dir, 'short');
    writeFileSync(short, '€'.repeat(10));
    const r = reveal(w, short);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('shorter than 32 bytes');
  });

  it('refuses /dev/zero and a FIFO as the site key, a FIFO as a site file and as a fromFile secret', () => {
    const w = workspace();
    const dir = temp();
    const zero = reveal(w, '/dev/zero');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toBe('chamicore-compile: error: site-key-unreadable: --site-key-file /dev/zero: not a regular file\n');
    const fifo = join(dir, 'key.fifo');
    mkfifo(fifo);
    expect(reveal(w, fifo).stderr).toContain('site-key-unreadable');
    mkfifo(join(w, 'sites/pipe.yaml'));
    const site = cli(['sites/pipe.yaml'], { cwd: w });
    expect(site.code).toBe(2);
    expect(site.stderr).toBe('chamicore-compile: error: site-not-file: sites/pipe.yaml: not a regular file or folder\n');
    const secrets = join(temp(), 'secrets');
    mkdirSync(secrets);
    mkfifo(join(secrets, 'eiger-db-password'));
    const r = cli(['--reveal', '--secrets-dir', secrets, '--out', join(temp(), 'o'), 'sites/eiger'], {
      cwd: w,
      env: { CHAMICORE_SITE_KEY: 'k'.repeat(40) },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a regular file');
  });

  it('reads a fromFile secret without following a link, even one that points inside the folder', () => {
    const w = workspace();
    const secrets = join(temp(), 'secrets');
    mkdirSync(secrets);
    writeFileSync(join(secrets, 'real'), 'inside\n');
    symlinkSync(join(secrets, 'real'), join(secrets, 'eiger-db-password'));
    const r = cli(['--reveal', '--secrets-dir', secrets, '--out', join(temp(), 'o'), 'sites/eiger'], {
      cwd: w,
      env: { CHAMICORE_SITE_KEY: 'k'.repeat(40) },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/eiger-db-password/);
  });
});

describe('names that are Object.prototype keys', () => {
  it('a secret named constructor is an ordinary secret: declared it works, undeclared it is secret-undefined', () => {
    const provider = (declare: boolean) =>
      checkData(
        minimalSite({
          auth: { oidc: { providers: [{ name: 'kc', issuerUrl: 'https://idp.example.org/x', clientSecret: 'constructor' }] } },
          ...(declare ? { secrets: { constructor: { fromEnv: 'KC_SECRET' } } } : {}),
        }),
      );
    expect(codes(provider(false))).toEqual(['secret-undefined']);
    // Built without the rule's verdict, the model must not take Object.prototype.constructor for a
    // default: it finds no definition and refuses (an internal error, since the rule should have run).
    const data = minimalSite({
      auth: { oidc: { providers: [{ name: 'kc', issuerUrl: 'https://idp.example.org/x', clientSecret: 'constructor' }] } },
    });
    expect(() => buildModel(data as unknown as Site, 'sites/mini.yaml')).toThrow(
      /internal: the definition of secret "constructor" is missing/,
    );
    const ok = provider(true);
    expect(codes(ok)).toEqual([]);
    expect(ok.model!.secrets.find((s) => s.name === 'constructor')!.source).toEqual({ kind: 'env', variable: 'KC_SECRET' });
  });

  it('pass-through keys __proto__ and constructor reach no prototype and are unknown to the chart', () => {
    const site = checkData(minimalSite({ database: { values: { primary: { constructor: { x: 1 } } } } }));
    expect(codes(site)).toEqual(['chart-values-unknown']);
    // At a chart version the compiler does not know, the allow-list still holds: no own key `constructor`.
    const open = checkData(
      minimalSite({
        release: { version: '1.0.0', postgresqlChart: { version: '9.9.9' } },
        database: { image: { tag: 't' }, values: { primary: { constructor: 'c' } } },
      }),
    );
    expect(codes(open)).toEqual(['chart-values-forbidden']);
    // As a label key it is data, written as such.
    const files = compileData(
      minimalSite({
        release: { version: '1.0.0', postgresqlChart: { version: '9.9.9' } },
        database: { image: { tag: 't' }, values: { primary: { podLabels: { constructor: 'c' } } } },
      }),
    );
    const values = files.find((f) => f.path === 'helm/values.yaml')!.contents;
    expect(values).toMatch(/^ {6}constructor: c$/m);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });
});

describe("a service's env cannot replace what the compiler sets for it", () => {
  const withEnv = (services: Record<string, unknown>) =>
    checkData(
      minimalSite({
        site: { name: 'mini', environment: 'development', domain: 'mini.example.org' },
        services: { 'kea-sync': { enabled: false }, ...services },
        targets: ['helm', 'compose'],
      }),
    );

  it('refuses a name the compiler sets for that service', () => {
    for (const [service, name] of [
      ['auth', 'CHAMICORE_AUTH_DEV_MODE'],
      ['smd', 'CHAMICORE_SMD_DB_DSN'],
      ['ui', 'CHAMICORE_INTERNAL_TOKEN'],
      ['ui', 'CHAMICORE_UI_SESSION_KEY'],
    ] as const) {
      const c = withEnv({ [service]: { env: { [name]: 'true' } } });
      const reserved = c.diagnostics.filter((d) => d.code === 'env-reserved');
      expect(
        reserved.map((d) => d.path),
        name,
      ).toEqual([['services', service, 'env', name]]);
      expect(
        codes(c).filter((x) => x !== 'env-secret-name'),
        name,
      ).toEqual(['env-reserved']);
    }
  });

  it('lets two services give one extra name different values, each in its own environment (Helm env, compose env file)', () => {
    const c = withEnv({ ui: { env: { HTTP_PROXY: 'http://a:3128' } }, bss: { env: { HTTP_PROXY: 'http://b:3128' } } });
    expect(codes(c)).toEqual([]);
    const files = intendedEnvFiles(c.model!, false);
    expect(files.get('compose/env/ui.env')!.get('HTTP_PROXY')).toBe('http://a:3128');
    expect(files.get('compose/env/bss.env')!.get('HTTP_PROXY')).toBe('http://b:3128');
    expect(files.get('compose/env/smd.env')!.has('HTTP_PROXY')).toBe(false);
  });

  it("gives no container another's secrets: the database password only to postgres and the services that connect", () => {
    const model = checkData(
      minimalSite({
        site: { name: 'mini', environment: 'development', domain: 'mini.example.org' },
        events: { enabled: true },
        targets: ['helm', 'compose'],
      }),
    ).model!;
    const files = intendedEnvFiles(model, false);
    expect([...files.entries()].filter(([, v]) => v.has('POSTGRES_PASSWORD')).map(([k]) => k)).toEqual(['compose/env/postgres.env']);
    expect([...files.entries()].filter(([, v]) => v.has('CHAMICORE_UI_SESSION_KEY')).map(([k]) => k)).toEqual(['compose/env/ui.env']);
    expect([...files.entries()].filter(([, v]) => v.has('CHAMICORE_AUTH_ENCRYPTION_KEY')).map(([k]) => k)).toEqual([
      'compose/env/auth.env',
    ]);
  });
});

describe('--reveal never writes where git could track it', () => {
  const gitRepo = (ignore: string): string => {
    const w = workspace();
    execFileSync('git', ['init', '-q', w]);
    writeFileSync(join(w, '.gitignore'), ignore);
    return w;
  };
  const reveal = (w: string, out: string) =>
    cli(['--reveal', '--out', out, 'sites/alps'], {
      cwd: w,
      env: { CHAMICORE_SITE_KEY: 'k'.repeat(40), ALPS_KEYCLOAK_CLIENT_SECRET: 's', ALPS_REGISTRY_TOKEN: 'registry-token-from-env' },
    });

  it('asks git about every path it writes: a negation that re-includes a site is seen', () => {
    const w = gitRepo('out/*\n!out/alps/\n');
    const r = reveal(w, 'out');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^chamicore-compile: error: reveal-into-git: .*out\/alps\//);
    expect(readdirSync(w).sort()).toEqual(['.git', '.gitignore', 'sites']);
  });

  it('resolves links: an --out that leads into a work tree through a symbolic link is refused', () => {
    const w = gitRepo('');
    const outside = temp();
    // The link leads to a folder inside the repository: walking up from the link's own path never
    // meets the repository's .git.
    mkdirSync(join(w, 'inner'));
    symlinkSync(join(w, 'inner'), join(outside, 'into-repo'));
    const r = reveal(w, join(outside, 'into-repo/deploy'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('reveal-into-git');
    expect(readdirSync(join(w, 'inner'))).toEqual([]);
  });

  it('refuses a folder holding tracked files, and accepts an ignored folder', () => {
    const w = gitRepo('/.reveal/\n');
    expect(reveal(w, '.reveal').code).toBe(0);
    const t = gitRepo('');
    mkdirSync(join(t, 'deploy'));
    writeFileSync(join(t, 'deploy/README'), 'x\n');
    execFileSync('git', ['-C', t, 'add', 'deploy/README']);
    writeFileSync(join(t, '.gitignore'), 'deploy/\n');
    expect(reveal(t, 'deploy').stderr).toContain('reveal-into-git');
  });
});

describe('names and text reach the terminal escaped', () => {
  const RAW = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029]/;

  it('a site folder named with CR and ESC compiles, and no raw control character is printed', () => {
    const w = workspace();
    const folder = 'a\r\u001b[31mb';
    mkdirSync(join(w, folder));
    cpSync(join(w, 'sites/dev.yaml'), join(w, folder, 'dev.yaml'));
    const r = cli([`${folder}/dev.yaml`, '--out', 'o'], { cwd: w });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('a\\u000d\\u001b[31mb/dev.yaml: wrote o/dev (23 files)\n');
    expect(r.stderr).toBe('');
    expect(readFileSync(join(w, 'o/dev/helm/Chart.yaml'), 'utf8')).toContain('from a\\u000d\\u001b[31mb/dev.yaml.');
  });

  it('a site folder named with a line feed compiles (it was exit 70): the header names it escaped', () => {
    const w = workspace();
    mkdirSync(join(w, 'a\nb'));
    cpSync(join(w, 'sites/dev.yaml'), join(w, 'a\nb', 'dev.yaml'));
    const r = cli(['a\nb/dev.yaml', '--out', 'o'], { cwd: w });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(w, 'o/dev/helm/Chart.yaml'), 'utf8')).toContain('from a\\u000ab/dev.yaml.');
    expect(cli(['--check', '--out', 'o', 'a\nb/dev.yaml'], { cwd: w }).code).toBe(0);
  });

  it('a usage error naming an argument with control characters is one escaped line', () => {
    const w = workspace();
    const r = cli(['sites/x\r\nfake: line\u001b[2K'], { cwd: w });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(RAW);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });

  it('diagnostics quoting site text escape it in text and stay valid JSON', () => {
    const w = workspace();
    writeFileSync(
      join(w, 'sites/dev.yaml'),
      readFileSync(join(w, 'sites/dev.yaml'), 'utf8').replace('logLevel: debug', 'logLevel: "de\u009b2Kbug"'),
    );
    const text = cli(['validate', 'sites/dev'], { cwd: w });
    expect(text.code).toBe(1);
    expect(text.stderr).not.toMatch(RAW);
    const json = cli(['validate', '--format', 'json', 'sites/dev'], { cwd: w });
    expect(json.stdout).not.toMatch(RAW);
    expect(() => JSON.parse(json.stdout) as unknown).not.toThrow();
  });
});

describe('the work a site file can cause is bounded', () => {
  const head = 'site: {name: big, environment: staging, domain: big.example.org}\nrelease: {version: "1.0.0"}\n';

  it('refuses 58,000 keys and 1 MiB of shallow brackets while parsing, at the node past the limit', () => {
    const w = workspace();
    const keys = `${head}services:\n  smd:\n    env:\n${Array.from({ length: 58_000 }, (_, i) => `      K${String(i).padStart(6, '0')}: v\n`).join('')}`;
    writeFileSync(join(w, 'sites/big.yaml'), keys);
    const r = cli(['validate', 'sites/big.yaml'], { cwd: w });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^sites\/big\.yaml:19997:16: input-too-many-nodes: /);
    writeFileSync(join(w, 'sites/big.yaml'), `${head}x: [${Array.from({ length: 340_000 }, () => '[]').join(',')}]\n`);
    expect(cli(['validate', 'sites/big.yaml'], { cwd: w }).stderr).toMatch(/^sites\/big\.yaml:3:\d+: input-too-many-nodes: /);
  });

  it('finds a duplicate among 19,000 keys of a pass-through map (no quadratic check), with the other errors', () => {
    const w = workspace();
    const keys = Array.from({ length: 19_000 }, (_, i) => `      k${String(i)}: 1\n`).join('');
    writeFileSync(join(w, 'sites/big.yaml'), `${head}database:\n  values:\n${keys}      k5: 2\n`);
    const r = cli(['validate', 'sites/big.yaml'], { cwd: w });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^sites\/big\.yaml:19005:7: yaml-duplicate-key: /m);
  });
});

describe('secret text never reaches a diagnostic, in any format', () => {
  const head = 'site: {name: s, environment: staging, domain: s.example.org}\nrelease: {version: "1.0.0"}\n';
  const SECRET = 'Hunter2-pasted-S3cret';
  const variants: Record<string, string> = {
    continuation: `${head}secrets:\n  db-password:\n    value:\n      "${SECRET}"\n`,
    'flow style': `${head}secrets: {db-password: {value: "${SECRET}"}}\n`,
    'quoted key': `${head}secrets:\n  db-password:\n    "value": ${SECRET}\n`,
    'JSON style': `{"site": {"name": "s", "environment": "staging", "domain": "s.example.org"}, "release": {"version": "1.0.0"}, "secrets": {"db-password": {"value": "${SECRET}"}}}\n`,
    'pasted into fromEnv': `${head}secrets:\n  db-password:\n    fromEnv: "${SECRET} x"\n`,
    'pasted as a generate alphabet (an enum)': `${head}secrets:\n  db-password:\n    generate: {length: 32, alphabet: ${SECRET}}\n`,
    'pasted as a key of a secret': `${head}secrets:\n  db-password:\n    ${SECRET}: 1\n`,
    'mis-indented, does not parse': `${head}secrets:\n  db-password:\n    value:\n"${SECRET}: x" ]\n`,
    'stray token after the value': `${head}secrets:\n  db-password:\n    value: "${SECRET}" ${SECRET}\n`,
    'pasted into an OIDC clientSecret (a name belongs there)': `${head}auth:\n  oidc:\n    providers:\n      - name: kc\n        issuerUrl: https://kc.example.org/realms/x\n        audience: chamicore\n        clientId: chamicore\n        clientSecret: "${SECRET}"\n`,
    'a lower-case token pasted into an OIDC clientSecret':
      `${head}auth:\n  oidc:\n    providers:\n      - name: kc\n        issuerUrl: https://kc.example.org/realms/x\n        audience: chamicore\n        clientId: chamicore\n        clientSecret: hunter2pasted0s3cret0a1b2c3\n`.replace(
        /hunter2pasted0s3cret0a1b2c3/,
        'hunter2pasted0s3cret0a1b2c3',
      ),
    'pasted into a registry passwordSecret': `${head}kubernetes:\n  registryCredentials:\n    - registry: r.example.org\n      username: robot\n      passwordSecret: "${SECRET}"\n`,
  };

  it.each(Object.entries(variants))('%s', (_label, text) => {
    const w = workspace();
    writeFileSync(join(w, 'sites/s.yaml'), text);
    for (const format of ['text', 'json', 'junit', 'codequality']) {
      const r = cli(['validate', '--format', format, 'sites/s.yaml'], { cwd: w });
      expect(r.code, format).toBe(1);
      expect(r.stdout + r.stderr, format).not.toContain(SECRET);
      expect(r.stdout + r.stderr, format).not.toContain('Hunter2');
      expect(r.stdout + r.stderr, format).not.toContain('hunter2');
    }
  });

  it('still names a mistyped secret name where a name belongs', () => {
    const w = workspace();
    writeFileSync(
      join(w, 'sites/s.yaml'),
      `${head}auth:\n  oidc:\n    providers:\n      - name: kc\n        issuerUrl: https://kc.example.org/realms/x\n        audience: chamicore\n        clientId: chamicore\n        clientSecret: oidc-kc\n`,
    );
    const r = cli(['validate', 'sites/s.yaml'], { cwd: w });
    expect(r.stderr).toContain(
      'sites/s.yaml:10:23: secret-undefined: secret "oidc-kc" is not defined under secrets\n   10 |         clientSecret: oidc-kc\n',
    );
  });
});

describe('pass-through chart values are an allow-list', () => {
  /** A staging site with bundled NATS, passing `values` to one chart; validated --strict through the CLI. */
  const attempt = (chart: 'postgresql' | 'nats', values: string): CliResult => {
    const w = workspace();
    const indent = (text: string, n: number) => text.replace(/^/gm, ' '.repeat(n));
    const site = [
      'site: { name: pt, environment: staging, domain: pt.example.org }',
      'release: { version: "1.4.2" }',
      'services: { kea-sync: { enabled: false } }',
      chart === 'postgresql' ? `database:\n  values:\n${indent(values, 4)}` : 'database: { mode: bundled }',
      chart === 'nats'
        ? `events:\n  enabled: true\n  nats:\n    mode: bundled\n    values:\n${indent(values, 6)}`
        : 'events: { enabled: false }',
      '',
    ].join('\n');
    writeFileSync(join(w, 'sites/pt.yaml'), site);
    return cli(['validate', '--strict', 'sites/pt.yaml'], { cwd: w });
  };

  it.each([
    ['NATS config.patch dropping authorisation', 'nats', 'config:\n  patch: [{ op: remove, path: /authorization }]', 'config.patch'],
    ['NATS config.merge replacing authorisation', 'nats', 'config:\n  merge: { no_auth_user: admin }', 'config.merge.no_auth_user'],
    ['an image by full name', 'nats', 'container:\n  image: { fullImageName: evil.example.org/nats:1 }', 'container.image.fullImageName'],
    ['an image merged into the container', 'nats', 'container:\n  merge: { image: evil.example.org/nats:1 }', 'container.merge.image'],
    ['an image digest', 'postgresql', 'image: { digest: "sha256:0000" }', 'image.digest'],
    ['extra objects (a cluster-admin binding)', 'postgresql', 'extraDeploy: [{ kind: ClusterRoleBinding }]', 'extraDeploy'],
    ['extra NATS objects', 'nats', 'extraResources: [{ kind: Ingress }]', 'extraResources'],
    ['the host network', 'postgresql', 'primary: { hostNetwork: true }', 'primary.hostNetwork'],
    ['the host IPC namespace', 'postgresql', 'primary: { hostIPC: true }', 'primary.hostIPC'],
    [
      'a privileged container',
      'postgresql',
      'primary: { containerSecurityContext: { privileged: true } }',
      'primary.containerSecurityContext',
    ],
    ['a hostPath of /', 'postgresql', 'primary: { extraVolumes: [{ name: root, hostPath: { path: / } }] }', 'primary.extraVolumes'],
    ['an init container', 'postgresql', 'primary: { initContainers: [{ name: x, image: evil.example.org/x }] }', 'primary.initContainers'],
    ['arguments overriding max_connections', 'postgresql', 'primary: { args: [-c, max_connections=5] }', 'primary.args'],
    ['a password in a list', 'postgresql', 'primary: { extraEnvVars: [{ name: PGPASSWORD, value: hunter2 }] }', 'primary.extraEnvVars'],
    ['TLS key material', 'postgresql', 'tls: { enabled: true, certKeyFilename: key }', 'tls'],
  ])('refuses %s at its key (chart-values-forbidden)', (_what, chart, values, key) => {
    const r = attempt(chart as 'postgresql' | 'nats', values);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^sites/pt\\.yaml:\\d+:\\d+: chart-values-forbidden: ${key.replace(/\./g, '\\.')} is not a value`, 'm'),
    );
    expect(r.stderr).not.toContain('hunter2');
  });

  it.each([
    [
      'a label that admits NATS to PostgreSQL',
      'nats',
      'podTemplate:\n  merge:\n    metadata:\n      labels: { chamicore-postgresql-client: "true" }',
    ],
    ['a label Kubernetes acts on', 'postgresql', 'primary: { podLabels: { app.kubernetes.io/part-of: chamicore } }'],
    [
      'an AppArmor annotation',
      'nats',
      'podTemplate:\n  merge:\n    metadata:\n      annotations: { container.apparmor.security.beta.kubernetes.io/nats: unconfined }',
    ],
    ['a Vault injector annotation', 'postgresql', 'primary: { podAnnotations: { vault.hashicorp.com/agent-inject: "true" } }'],
    ['a probe period that is no integer', 'postgresql', 'primary: { livenessProbe: { periodSeconds: often } }'],
  ])('refuses %s (chart-values-invalid)', (_what, chart, values) => {
    const r = attempt(chart as 'postgresql' | 'nats', values);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('chart-values-invalid');
  });

  it('passes sizes, timings, metrics and plain labels and annotations', () => {
    const pg = attempt(
      'postgresql',
      [
        'primary:',
        '  podLabels: { team: hpc }',
        '  podAnnotations: { example.org/owner: hpc-team }',
        '  livenessProbe: { periodSeconds: 20 }',
        '  persistentVolumeClaimRetentionPolicy: { enabled: true, whenDeleted: Retain }',
        'shmVolume: { sizeLimit: 1Gi }',
        'metrics: { enabled: true, serviceMonitor: { enabled: true, interval: 30s } }',
      ].join('\n'),
    );
    expect(pg.code, pg.stderr).toBe(0);
    const nats = attempt('nats', 'config:\n  monitor: { enabled: true }\npodDisruptionBudget: { enabled: true }');
    expect(nats.code, nats.stderr).toBe(0);
  });
});

describe('credentials and Secrets the site file may not name', () => {
  const validate = (lines: string[]): CliResult => {
    const w = workspace();
    writeFileSync(
      join(w, 'sites/cr.yaml'),
      [
        'site: { name: cr, environment: staging, domain: cr.example.org }',
        'release: { version: "1.4.2" }',
        'services: { kea-sync: { enabled: false } }',
        ...lines,
        '',
      ].join('\n'),
    );
    return cli(['validate', '--strict', 'sites/cr.yaml'], { cwd: w });
  };

  it.each([
    [
      'a NATS URL with user:password@',
      ['events: { enabled: true, nats: { mode: external, url: "nats://app:s3cr3t-pw@nats.example.org:4222" } }'],
    ],
    ['an OTLP endpoint with a key in its query', ['observability: { otlpEndpoint: "https://otel.example.org:4318?api_key=s3cr3t-pw" }']],
    ['a Kea URL with a user', ['dhcp: { kea: { url: "http://admin:s3cr3t-pw@kea.example.org:8000" } }']],
  ])('refuses %s, without quoting it (url-credentials)', (_what, lines) => {
    const r = validate(lines);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^sites\/cr\.yaml:\d+:\d+: url-credentials: /m);
    expect(r.stderr).not.toContain('s3cr3t-pw');
  });

  it('never shows the line of a value a rule calls a credential (env-secret-name, chart-values-secret)', () => {
    const w = workspace();
    writeFileSync(
      join(w, 'sites/cr.yaml'),
      [
        'site: { name: cr, environment: staging, domain: cr.example.org }',
        'release: { version: "1.4.2" }',
        'services: { kea-sync: { enabled: false }, smd: { env: { SMD_DB_PASSWORD: "s3cr3t-pw-in-env" } } }',
        'database: { values: { auth: { postgresPassword: "s3cr3t-pw-in-values" } } }',
        '',
      ].join('\n'),
    );
    const r = cli(['validate', 'sites/cr.yaml'], { cwd: w });
    expect(r.stderr).toContain('env-secret-name');
    expect(r.stderr).toContain('chart-values-secret');
    expect(r.stderr).not.toContain('s3cr3t-pw');
  });

  it('accepts URLs without credentials', () => {
    const r = validate([
      'events: { enabled: true, nats: { mode: external, url: "nats://nats.example.org:4222" } }',
      'observability: { otlpEndpoint: "https://otel.example.org:4318/v1?service=chamicore" }',
    ]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('refuses an ingress TLS Secret the compiler writes, which cert-manager would overwrite (tls-secret-reserved)', () => {
    const r = validate([
      'kubernetes:',
      '  ingress:',
      '    host: c.cr.example.org',
      '    tls: { certManagerIssuer: acme, secretName: cr-db }',
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^sites\/cr\.yaml:7:\d+: tls-secret-reserved: Secret cr-db holds the site's database credentials/m);
    expect(validate(['kubernetes:', '  ingress:', '    host: c.cr.example.org', '    tls: { certManagerIssuer: acme }']).code).toBe(0);
  });
});

describe('the out/ lock is a small regular file of ours, or nothing', () => {
  const LOCK = '.chamicore-compile.lock';
  const setups: [string, (lock: string) => void][] = [
    [
      'a directory',
      (lock) => {
        mkdirSync(lock);
      },
    ],
    [
      'a dangling link',
      (lock) => {
        symlinkSync('/nonexistent/chamicore-lock', lock);
      },
    ],
    [
      'a link to a file elsewhere',
      (lock) => {
        symlinkSync('/etc/hostname', lock);
      },
    ],
    ['a FIFO', (lock) => execFileSync('mkfifo', [lock])],
    // Sparse: 3 GB that take no space.
    ['a 3 GB file', (lock) => execFileSync('truncate', ['-s', '3G', lock])],
  ];
  it.each(setups)('refuses %s at once, in compile and --check (out-locked, exit 2)', (_what, make) => {
    const w = workspace();
    mkdirSync(join(w, 'out'));
    make(join(w, 'out', LOCK));
    for (const args of [['sites'], ['--check', 'sites']]) {
      const r = cli(args, { cwd: w });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(
        /^chamicore-compile: error: out-locked: out\/\.chamicore-compile\.lock is a .*, not a lock chamicore-compile writes: remove it\n$/,
      );
      // This message exists only on the refusal path: a run that waited for the lock (2 minutes)
      // would end with "another chamicore-compile run … is using it" instead, and one that spun forever would not end.
    }
    expect(readdirSync(join(w, 'out')).sort()).toEqual([LOCK]);
  });

  it('never takes over a lock of another host or PID namespace, whose process it cannot see', async () => {
    const { run } = await import('../src/cli/run.js');
    const w = workspace();
    mkdirSync(join(w, 'out'));
    // A pid that is not running here, held by a run in another container.
    writeFileSync(join(w, 'out', LOCK), '999999 other-host/0f7e/pid:[4026532999] 0123456789abcdef\n');
    let stderr = '';
    const code = await run(['sites'], { stdout: () => undefined, stderr: (t) => (stderr += t), env: {}, cwd: w, lock: TEST_LOCK });
    expect(code).toBe(2);
    expect(stderr).toContain('out-locked: out: process 999999 of another host or container (other-host/0f7e/pid:[4026532999]) holds');
    expect(existsSync(join(w, 'out/alps'))).toBe(false);
    // The same pid written from this place is a dead run's lock: taken over.
    writeFileSync(join(w, 'out', LOCK), `999999 ${TEST_LOCK.where()} 0123456789abcdef\n`);
    expect(await run(['sites'], { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: w, lock: TEST_LOCK })).toBe(0);
  });
});

describe('a site file that is a symbolic link', () => {
  it('is never read, in any command or format: a link to a token is not quoted in a report', () => {
    const w = workspace();
    const token = join(temp(), 'token');
    writeFileSync(token, 'glpat-SECRET-TOKEN-VALUE: x\n');
    symlinkSync(token, join(w, 'sites/leak.yaml'));
    for (const args of [
      ['validate', '--format', 'junit', 'sites'],
      ['validate', '--format', 'json', 'sites/leak.yaml'],
      ['sites/leak'],
      ['--check', 'sites'],
      ['explain', 'sites/leak', 'site'],
    ]) {
      const r = cli(args, { cwd: w });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout + r.stderr).not.toContain('SECRET-TOKEN');
      expect(r.stderr).toContain('site-not-file: sites/leak.yaml: not a regular file or folder (a symbolic link)');
    }
    // A folder given as a link is refused too.
    symlinkSync(join(w, 'sites'), join(w, 'linked-sites'));
    expect(cli(['validate', 'linked-sites'], { cwd: w }).stderr).toContain('site-not-file: linked-sites: not a regular file or folder');
  });
});

describe('what git sees of --reveal', () => {
  it('neither the site key nor a fromEnv secret reaches git (or a hook its configuration names)', () => {
    const w = workspace();
    execFileSync('git', ['init', '-q', w]);
    writeFileSync(join(w, '.gitignore'), '/deploy/\n');
    // A git that records its environment, then runs the real one.
    const bin = join(temp(), 'bin');
    mkdirSync(bin);
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const seen = join(temp(), 'git-env');
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nenv >> '${seen}'\nexec '${realGit}' "$@"\n`, { mode: 0o755 });
    const r = cli(['--reveal', '--out', 'deploy', 'sites/alps'], {
      cwd: w,
      env: {
        PATH: `${bin}:${process.env['PATH'] ?? ''}`,
        CHAMICORE_SITE_KEY: 'the-site-key-that-git-must-not-see-0123456789',
        ALPS_KEYCLOAK_CLIENT_SECRET: 'keycloak-secret-git-must-not-see',
        ALPS_REGISTRY_TOKEN: 'registry-token-git-must-not-see',
      },
    });
    expect(r.code, r.stderr).toBe(0);
    const env = readFileSync(seen, 'utf8');
    expect(env).toContain('PATH=');
    for (const secret of ['the-site-key', 'keycloak-secret', 'registry-token', 'CHAMICORE_SITE_KEY']) expect(env).not.toContain(secret);
  });
});

describe('two sites of one run', () => {
  it('may not share a namespace or an ingress host: the later one is refused at its key, nothing is written', () => {
    const w = workspace();
    const copy = readFileSync(join(w, 'sites/alps.yaml'), 'utf8').replace('  name: alps\n', '  name: alps2\n');
    writeFileSync(join(w, 'sites/alps2.yaml'), copy);
    const r = cli(['sites'], { cwd: w });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^sites\/alps2\.yaml:10:\d+: site-namespace-shared: namespace chamicore-alps is sites\/alps\.yaml's too/m);
    expect(r.stderr).toMatch(
      /^sites\/alps2\.yaml:\d+:\d+: ingress-host-shared: ingress host chamicore\.alps\.cscs\.ch is sites\/alps\.yaml's too/m,
    );
    expect(existsSync(join(w, 'out/alps2'))).toBe(false);
    // Alone, each is valid.
    expect(cli(['validate', 'sites/alps2.yaml'], { cwd: w }).code).toBe(0);
  });
});

describe('leftovers and modes of out/', () => {
  it('a previous tree that is a link is neither read by --check nor moved into place by a compile', () => {
    const w = workspace();
    // A complete alps tree elsewhere, named from out/ like a previous tree a killed run left.
    const elsewhere = join(temp(), 'o');
    expect(cli(['--out', elsewhere, 'sites/alps'], { cwd: w }).code).toBe(0);
    mkdirSync(join(w, 'out'));
    symlinkSync(join(elsewhere, 'alps'), join(w, 'out/.alps.previous-0123456789ab'));
    const check = cli(['--check', 'sites/alps'], { cwd: w });
    expect(check.code, check.stdout).toBe(1);
    const r = cli(['sites/alps'], { cwd: w });
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(join(w, 'out/alps')).isDirectory()).toBe(true);
    expect(readdirSync(join(w, 'out')).filter((n) => n.startsWith('.alps'))).toEqual([]);
    // What the link pointed at is untouched.
    expect(existsSync(join(elsewhere, 'alps/helm/Chart.yaml'))).toBe(true);
  });

  it('--reveal under umask 000 creates out/ and every folder 0700, every secret file 0600', () => {
    const w = workspace();
    writeFileSync(join(w, '.gitignore'), '');
    const out = join(temp(), 'new', 'deploy');
    execFileSync('sh', ['-c', `umask 000; exec "${process.execPath}" "${BIN}" --reveal --out "${out}" sites/alps`], {
      cwd: w,
      env: {
        PATH: process.env['PATH'] ?? '',
        CHAMICORE_SITE_KEY: 'k'.repeat(40),
        ALPS_KEYCLOAK_CLIENT_SECRET: 's',
        ALPS_REGISTRY_TOKEN: 't',
      },
    });
    const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
    expect(mode(out)).toBe('700');
    expect(mode(join(out, 'alps'))).toBe('700');
    expect(mode(join(out, 'alps/secrets'))).toBe('700');
    expect(mode(join(out, 'alps/secrets/alps-db.yaml'))).toBe('600');
  });
});

describe('a development stack runs from a fresh clone (issue 22)', () => {
  const initSite = (environment: string): string => {
    const w = workspace();
    expect(cli(['init', 'devx', '--environment', environment, '--domain', 'devx.localhost'], { cwd: w }).code).toBe(0);
    return w;
  };
  const values = (text: string): string[] => text.split('\n').filter((l) => /^[A-Z_]+=/.test(l));

  it('gives a development site usable generated secrets without a site key: public, stable, and its own', () => {
    const w = initSite('development');
    expect(cli(['sites/devx'], { cwd: w }).code).toBe(0);
    const env = readFileSync(join(w, 'out/devx/compose/env/auth.env'), 'utf8');
    expect(values(env).join('\n')).not.toContain('REDACTED');
    expect(env).toContain('# Development values, public by design');
    expect(readFileSync(join(w, 'out/devx/secrets/devx-auth.yaml'), 'utf8')).not.toContain('chamicore.io/redacted');
    // The same on every run and machine; another development site gets other values.
    const again = initSite('development');
    expect(cli(['sites/devx'], { cwd: again }).code).toBe(0);
    expect(readFileSync(join(again, 'out/devx/compose/env/auth.env'), 'utf8')).toBe(env);
    // With a site key, --reveal derives from it instead.
    const revealed = join(temp(), 'rev');
    expect(cli(['--reveal', '--out', revealed, 'sites/devx'], { cwd: w, env: { CHAMICORE_SITE_KEY: TEST_KEY_FOR_DEV } }).code).toBe(0);
    const real = values(readFileSync(join(revealed, 'devx/compose/env/auth.env'), 'utf8')).find((l) =>
      l.startsWith('CHAMICORE_AUTH_ENCRYPTION_KEY='),
    );
    expect(real).toBeDefined();
    expect(values(env)).not.toContain(real);
  });

  it('never outside development: a staging site keeps placeholders', () => {
    const w = initSite('staging');
    expect(cli(['sites/devx'], { cwd: w }).code).toBe(0);
    expect(readFileSync(join(w, 'out/devx/secrets/devx-auth.yaml'), 'utf8')).toContain('chamicore.io/redacted');
    expect(readFileSync(join(w, 'out/devx/secrets/devx-auth.yaml'), 'utf8')).toContain('REDACTED-compile-with-reveal');
  });
});

describe('the source checkout compose.dev mounts (issue 22)', () => {
  /** The dev site with compose.dev.source set to `source`, validated in a fresh workspace. */
  const validateWith = (source: string, prepare: (w: string) => void = () => undefined): CliResult & { line: number } => {
    const w = workspace();
    const text = readFileSync(join(w, 'sites/dev.yaml'), 'utf8');
    writeFileSync(join(w, 'sites/dev.yaml'), text.replace('source: ../../../../chamicore', `source: ${JSON.stringify(source)}`));
    prepare(w);
    const line = text.split('\n').findIndex((l) => l.includes('source: ../../../../chamicore')) + 1;
    return { ...cli(['validate', 'sites/dev'], { cwd: w }), line };
  };

  it('refuses a source outside the folder that holds the repository, relative or absolute', () => {
    for (const source of ['../../../../../etc', '/etc']) {
      const r = validateWith(source);
      expect(r.code, source).toBe(1);
      expect(r.stderr).toContain(`sites/dev.yaml:${String(r.line)}:13: compose-dev-source-outside: compose.dev.source resolves to /etc`);
    }
  });

  it('refuses a source reached through a symbolic link, and accepts a real folder or one not checked out yet', () => {
    const linked = validateWith('../../../checkout', (w) => {
      symlinkSync('/etc', join(w, 'checkout'));
    });
    expect(linked.code).toBe(1);
    expect(linked.stderr).toContain(
      `sites/dev.yaml:${String(linked.line)}:13: compose-dev-source-link: compose.dev.source goes through the symbolic link`,
    );
    // A link further up the way is found too.
    const above = validateWith('../../../checkout/src', (w) => {
      symlinkSync('/usr', join(w, 'checkout'));
    });
    expect(above.stderr).toContain('compose-dev-source-link:');
    expect(
      validateWith('../../../checkout', (w) => {
        mkdirSync(join(w, 'checkout'));
      }).code,
    ).toBe(0);
    expect(validateWith('../../../not-yet').code).toBe(0);
  });
});

const TEST_KEY_FOR_DEV = 'a-development-site-key-of-the-team-0123456789';
