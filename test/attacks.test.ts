/**
 * Attacks on the output folder that used to succeed (issue: concurrency, the writer deleting what
 * it did not write, links). Each test reproduces the attack through the real CLI.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cli, readTree, removeTemps, ROOT, temp, workspace } from './helpers/cli.js';
import type { Site } from '../src/generated/site.js';
import { buildModel } from '../src/model/build-model.js';
import { PROJECT_ENV } from '../src/validate/rules/extra-env-not-reserved.js';
import { checkData, codes, compileData, minimalSite } from './helpers/site.js';
import { intendedDotenv } from './helpers/sites.js';

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
    expect(r.stderr).toMatch(/^chamicore-compile: error: out-not-ours: out\/alps: exists and holds files chamicore-compile did not write/);
    expect(readTree(join(w, 'out'))).toEqual(before);
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
    const open = checkData(
      minimalSite({
        release: { version: '1.0.0', postgresqlChart: { version: '9.9.9' } },
        database: { image: { tag: 't' }, values: { primary: { constructor: 'c' } } },
      }),
    );
    expect(codes(open)).toEqual([]);
    const files = compileData(
      minimalSite({
        release: { version: '1.0.0', postgresqlChart: { version: '9.9.9' } },
        database: { image: { tag: 't' }, values: { primary: { constructor: 'c' } } },
      }),
    );
    const values = files.find((f) => f.path === 'helm/values.yaml')!.contents;
    expect(values).toMatch(/^ {4}constructor: c$/m);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });
});

describe("one service's env cannot set another's variables or the project's", () => {
  const withEnv = (services: Record<string, unknown>) =>
    checkData(minimalSite({ services: { 'kea-sync': { enabled: false }, ...services } }));

  it('refuses a name the compiler sets for any service or for the compose project', () => {
    for (const name of [
      'CHAMICORE_AUTH_DEV_MODE',
      'CHAMICORE_SMD_DB_DSN',
      'POSTGRES_PASSWORD',
      'COMPOSE_PROFILES',
      'COMPOSE_PROJECT_NAME',
      'CHAMICORE_SMD_IMAGE',
      'NATS_TOKEN',
    ]) {
      const c = withEnv({ ui: { env: { [name]: 'true' } } });
      const reserved = c.diagnostics.filter((d) => d.code === 'env-reserved');
      expect(
        reserved.map((d) => d.path),
        name,
      ).toEqual([['services', 'ui', 'env', name]]);
      expect(
        codes(c).filter((x) => x !== 'env-secret-name'),
        name,
      ).toEqual(['env-reserved']);
    }
  });

  it('refuses one name with two values in two services, and accepts the same value', () => {
    expect(codes(withEnv({ ui: { env: { HTTP_PROXY: 'http://a:3128' } }, bss: { env: { HTTP_PROXY: 'http://b:3128' } } }))).toEqual([
      'env-conflict',
    ]);
    expect(codes(withEnv({ ui: { env: { HTTP_PROXY: 'http://a:3128' } }, bss: { env: { HTTP_PROXY: 'http://a:3128' } } }))).toEqual([]);
  });

  it('names every project variable of the .env in the reserved pattern', () => {
    const model = checkData(minimalSite({ events: { enabled: true }, targets: ['helm', 'compose'] })).model!;
    const serviceNames = new Set(model.services.flatMap((s) => s.env.map((e) => e.name)));
    const project = [...intendedDotenv(model, false).keys()].filter((n) => !serviceNames.has(n));
    expect(project.length).toBeGreaterThan(5);
    for (const n of project) expect(n).toMatch(PROJECT_ENV);
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
    expect(r.stdout).toBe('a\\u000d\\u001b[31mb/dev.yaml: wrote o/dev (11 files)\n');
    expect(r.stderr).toBe('');
    expect(readFileSync(join(w, 'o/dev/helm/Chart.yaml'), 'utf8')).toContain('from a\\u000d\\u001b[31mb/dev.yaml.');
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
    'mis-indented, does not parse': `${head}secrets:\n  db-password:\n    value:\n"${SECRET}: x" ]\n`,
    'stray token after the value': `${head}secrets:\n  db-password:\n    value: "${SECRET}" ${SECRET}\n`,
  };

  it.each(Object.entries(variants))('%s', (_label, text) => {
    const w = workspace();
    writeFileSync(join(w, 'sites/s.yaml'), text);
    for (const format of ['text', 'json', 'junit', 'codequality']) {
      const r = cli(['validate', '--format', format, 'sites/s.yaml'], { cwd: w });
      expect(r.code, format).toBe(1);
      expect(r.stdout + r.stderr, format).not.toContain(SECRET);
      expect(r.stdout + r.stderr, format).not.toContain('Hunter2');
    }
  });
});
