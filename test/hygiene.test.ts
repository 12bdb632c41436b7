/**
 * Secret hygiene: with a fixed test key, every secret value the compiler reveals appears only in
 * its Secret manifest and the compose .env; never in stdout, stderr, diagnostics, values.yaml,
 * Chart.yaml or the committed (redacted) out/, also when the run fails.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, HOSTILE_SITE, readTree, removeTemps, REVEAL_ENV, ROOT, secretsDir, temp, TEST_KEY, workspace } from './helpers/cli.js';
import { realSiteModel, revealedSecrets, SITE_NAMES, siteModel } from './helpers/sites.js';

/** Every named secret value of a site, and those that are not public development literals. */
function secretsOf(file: string, name: string): { secrets: string[]; hidden: string[] } {
  const model = siteModel(file, name);
  const literal = new Set(model.secrets.filter((s) => s.source.kind === 'value').map((s) => s.name));
  const values = revealedSecrets(model);
  return { secrets: [...values.values()], hidden: [...values].filter(([n]) => !literal.has(n)).map(([, v]) => v) };
}

let out = '';
let run = { code: null as number | null, stdout: '', stderr: '' };
const all: { site: string; secrets: string[]; hidden: string[] }[] = [];

beforeAll(() => {
  out = join(temp(), 'deploy');
  const w = workspace();
  cpSync(HOSTILE_SITE, join(w, 'sites/hostile.yaml'));
  run = cli(['--reveal', '--secrets-dir', secretsDir(), '--out', out, 'sites'], { cwd: w, env: REVEAL_ENV });
  for (const site of SITE_NAMES) {
    const file = join(ROOT, 'sites', `${site}.yaml`);
    all.push({ site, ...secretsOf(file, site) });
  }
  all.push({ site: 'hostile', ...secretsOf(HOSTILE_SITE, 'hostile') });
});
afterAll(removeTemps);

describe('a --reveal run', () => {
  it('succeeds and reveals every secret in its Secret manifest', () => {
    expect(run.code, run.stderr).toBe(0);
    for (const { site, secrets } of all) {
      expect(secrets.length, site).toBeGreaterThanOrEqual(5);
      const manifests = Object.entries(readTree(join(out, site)))
        .filter(([p]) => p.startsWith('secrets/'))
        .map(([, text]) => text)
        .join('\n');
      // YAML escapes some characters, so compare with the JSON-escaped form where it differs.
      for (const s of secrets)
        expect(manifests.includes(s) || manifests.includes(JSON.stringify(s).slice(1, -1)), `${site}: a value is missing`).toBe(true);
    }
  });

  it('puts no secret value in stdout, stderr, values.yaml, Chart.yaml or any other non-secret file', () => {
    for (const { site, secrets } of all) {
      for (const s of secrets) {
        expect(run.stdout.includes(s), `${site}: stdout`).toBe(false);
        expect(run.stderr.includes(s), `${site}: stderr`).toBe(false);
      }
      for (const [path, text] of Object.entries(readTree(join(out, site)))) {
        if (path.startsWith('secrets/') || path.startsWith('compose/env/') || path === 'compose/nats.conf') continue;
        for (const s of secrets) expect(text.includes(s), `${site}/${path} holds a secret`).toBe(false);
      }
    }
  });

  it('writes every revealed file 0600 in 0700 folders', () => {
    const walk = (dir: string): void => {
      expect(statSync(dir).mode & 0o777, dir).toBe(0o700);
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (e.isDirectory()) walk(path);
        else if (e.name.endsWith('.env') || e.name === 'nats.conf' || path.includes('/secrets/'))
          expect(statSync(path).mode & 0o777, path).toBe(0o600);
      }
    };
    for (const { site } of all) walk(join(out, site));
  });

  it('produces no value that the committed, redacted out/ holds', () => {
    const real = all.filter((a) => a.site !== 'hostile');
    // dev holds only public development literals; the others hold real secrets.
    expect(real.filter((a) => a.hidden.length > 0).length).toBeGreaterThanOrEqual(2);
    for (const { site, hidden } of real) {
      for (const [path, text] of Object.entries(readTree(join(ROOT, 'out', site)))) {
        for (const s of hidden) expect(text.includes(s), `out/${site}/${path} holds a revealed value`).toBe(false);
      }
    }
  });
});

describe('error paths never print a secret', () => {
  const literal = 'hunter2-Literal-Secret-9b1c';
  const fromEnv = 'env-Secret-Value-4d2e';
  /** A site with a literal secret where literals are refused, and a secret read from the environment. */
  const badSite = (extra: string): string =>
    `site:\n  name: leak\n  environment: staging\n  domain: leak.example.org\nrelease:\n  version: "1.4.2"\nservices:\n  kea-sync:\n    enabled: false\nsecrets:\n  db-password:\n    value: "${literal}"\n  db-admin-password:\n    fromEnv: LEAK_ADMIN\n${extra}`;
  const leakEnv = { CHAMICORE_SITE_KEY: TEST_KEY, LEAK_ADMIN: fromEnv };

  const expectNoLeak = (r: { stdout: string; stderr: string }): void => {
    for (const s of [literal, fromEnv, TEST_KEY]) {
      expect(r.stdout.includes(s)).toBe(false);
      expect(r.stderr.includes(s)).toBe(false);
    }
  };

  it.each([
    ['text', []],
    ['json', ['--format', 'json']],
  ])('an invalid site that holds secrets (%s)', (_f, format) => {
    const w = temp();
    mkdirSync(join(w, 'sites'));
    writeFileSync(join(w, 'sites/leak.yaml'), badSite('auth:\n  devMode: true\n'));
    const r = cli(['--reveal', ...format, '--out', join(temp(), 'o'), 'sites/leak.yaml'], { cwd: w, env: leakEnv });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/secret-value-outside-dev/);
    expectNoLeak(r);
  });

  it.each(['codequality', 'junit'])('validate --format %s of that site', (format) => {
    const w = temp();
    mkdirSync(join(w, 'sites'));
    writeFileSync(join(w, 'sites/leak.yaml'), badSite(''));
    const r = cli(['validate', '--format', format, 'sites/leak.yaml'], { cwd: w, env: leakEnv });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('secret-value-outside-dev');
    expectNoLeak(r);
  });

  it('a missing site key', () => {
    const w = workspace();
    const r = cli(['--reveal', '--out', join(temp(), 'o'), 'sites/alps'], {
      cwd: w,
      env: { ALPS_KEYCLOAK_CLIENT_SECRET: fromEnv, ALPS_REGISTRY_TOKEN: 'registry-token-from-env' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secret-key-missing');
    expectNoLeak(r);
  });

  it('a failing write leaves nothing behind and prints no secret', () => {
    const w = workspace();
    const blocked = join(temp(), 'blocked');
    writeFileSync(blocked, 'a file where the output folder should be');
    const r = cli(['--reveal', '--secrets-dir', secretsDir(), '--out', blocked, 'sites'], { cwd: w, env: REVEAL_ENV });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^chamicore-compile: error: out-io: /);
    for (const { secrets } of all.filter((a) => a.site !== 'hostile')) for (const s of secrets) expect(r.stderr.includes(s)).toBe(false);
  });

  it('refuses --reveal into a folder git tracks, and writes nothing', () => {
    const repo = workspace();
    execFileSync('git', ['init', '-q'], { cwd: repo });
    const r = cli(['--reveal', '--secrets-dir', secretsDir(), '--out', 'deploy', 'sites'], { cwd: repo, env: REVEAL_ENV });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^chamicore-compile: error: reveal-into-git: /);
    expect(existsSync(join(repo, 'deploy'))).toBe(false);
  });
});

describe('the test inputs', () => {
  it('reveal every real site', () => {
    for (const site of SITE_NAMES) expect(realSiteModel(site).secrets.length).toBeGreaterThan(0);
  });
});
