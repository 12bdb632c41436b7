/**
 * Crash safety: a multi-site compile is killed with SIGKILL at random moments, several times in a
 * row without cleaning up. After every kill each out/<site> is the complete old tree or the
 * complete new tree, never a mix; the only exception is the instant between the two renames of a
 * swap, when the site folder is absent and its complete tree waits beside it under a recognisable
 * name. The next run (compile or --check) restores that state and leaves no temporary folder.
 *
 * CRASH_TRIALS sets the number of kills (default 60; run 200 or more before changing src/write).
 * CRASH_SEED makes the kill moments reproducible.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { BIN, cli, readTree, removeTemps, ROOT, temp } from './helpers/cli.js';

const TRIALS = Number(process.env['CRASH_TRIALS'] ?? 60);
const SEED = Number(process.env['CRASH_SEED'] ?? Date.now() % 100_000);
const SITES = 12;
const TEMP_NAME = /^\.(.+)\.(staging|previous|removing)-[0-9a-f]{12}$/;

/** A small deterministic PRNG (mulberry32), so a failing run can be repeated with CRASH_SEED. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Two versions of the same sites: B changes the release (so most files change) and enables mcp
 * (so B has files A lacks). Both live in a folder named `sites`, swapped in and out by renaming,
 * so headers name the same source.
 */
function writeVersions(root: string): { A: string; B: string } {
  const base = parse(readFileSync(join(ROOT, 'sites/dev.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
  const dirs = { A: join(root, 'A'), B: join(root, 'B') };
  for (const [version, dir] of Object.entries(dirs)) {
    mkdirSync(join(dir, 'sites'), { recursive: true });
    for (let i = 0; i < SITES; i += 1) {
      const name = `s${String(i).padStart(2, '0')}`;
      const site = structuredClone(base);
      site['site'] = { ...site['site'], name, description: `crash test site ${name}, version ${version}` };
      site['release'] = { ...site['release'], version: version === 'A' ? '1.4.2' : '1.5.0' };
      const services = site['services'] as Record<string, Record<string, unknown>>;
      services['mcp'] = { ...services['mcp'], enabled: version === 'B' };
      writeFileSync(join(dir, 'sites', `${name}.yaml`), stringify(site));
    }
  }
  return dirs;
}

/** Runs the CLI on `sitesDir` into `out`, killing it after `delayMs` (if it is still running). */
function runAndKill(cwd: string, out: string, delayMs: number): Promise<{ killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--out', out, 'sites'], { cwd, stdio: 'ignore', env: { PATH: process.env['PATH'] ?? '' } });
    let exited = false;
    const timer = setTimeout(() => {
      if (!exited) child.kill('SIGKILL');
    }, delayMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      exited = true;
      clearTimeout(timer);
      if (signal === null && code !== 0) reject(new Error(`compile exited ${String(code)}`));
      else resolve({ killed: signal === 'SIGKILL' });
    });
  });
}

afterAll(removeTemps);

describe(`SIGKILL at random moments (${TRIALS} trials, CRASH_SEED=${SEED})`, () => {
  it(
    'leaves every out/<site> complete, old or new, and the next run restores and cleans up',
    async () => {
      const root = temp('chamicore-crash-');
      const versions = writeVersions(root);
      const work = join(root, 'work');
      mkdirSync(work);
      // The complete trees of each version, compiled undisturbed.
      const expected: Record<'A' | 'B', Record<string, Record<string, string>>> = { A: {}, B: {} };
      for (const v of ['A', 'B'] as const) {
        const r = cli(['--out', join(root, `ref-${v}`), 'sites'], { cwd: versions[v] });
        expect(r.code, r.stderr).toBe(0);
        for (let i = 0; i < SITES; i += 1) {
          const name = `s${String(i).padStart(2, '0')}`;
          expected[v][name] = readTree(join(root, `ref-${v}`, name));
        }
      }
      const names = Object.keys(expected.A);
      expect(expected.B['s00']).not.toEqual(expected.A['s00']);
      expect(Object.keys(expected.B['s00']!).length).toBeGreaterThan(Object.keys(expected.A['s00']!).length);

      const out = join(work, 'out');
      const use = (v: 'A' | 'B'): void => {
        // The working folder's sites/ is a copy of one version.
        const dir = join(work, 'sites');
        mkdirSync(dir, { recursive: true });
        for (const f of readdirSync(join(versions[v], 'sites'))) writeFileSync(join(dir, f), readFileSync(join(versions[v], 'sites', f)));
      };
      use('A');
      expect(cli(['--out', out, 'sites'], { cwd: work }).code).toBe(0);

      // How long an undisturbed run takes (the fastest of three), to spread the kills over its life.
      let duration = Number.POSITIVE_INFINITY;
      for (const v of ['B', 'A', 'B'] as const) {
        use(v);
        const started = performance.now();
        await runAndKill(work, out, 60_000);
        duration = Math.min(duration, performance.now() - started);
      }

      const rand = random(SEED);
      const seen = { killed: 0, absentSite: 0, leftovers: 0 };
      const isComplete = (tree: Record<string, string>, site: string): boolean =>
        JSON.stringify(tree) === JSON.stringify(expected.A[site]) || JSON.stringify(tree) === JSON.stringify(expected.B[site]);

      for (let trial = 0; trial < TRIALS; trial += 1) {
        use(rand() < 0.5 ? 'A' : 'B');
        // Most of a run is start-up and compiling in memory; most kills land in the writing part.
        const { killed } = await runAndKill(work, out, duration * (0.3 + 0.75 * rand()));
        if (killed) seen.killed += 1;
        const entries = readdirSync(out);
        for (const e of entries) {
          // A killed run leaves its lock; the next run sees its process gone and takes it over.
          // (or, killed in the instant it takes, the lock's draft).
          if (names.includes(e) || e.startsWith('.chamicore-compile.lock')) continue;
          // Anything else is a recognisable temporary folder of a known site.
          expect(e, `trial ${trial}: unexpected entry`).toMatch(TEMP_NAME);
          expect(names).toContain(TEMP_NAME.exec(e)![1]);
          seen.leftovers += 1;
        }
        for (const site of names) {
          if (entries.includes(site)) {
            const ok = isComplete(readTree(join(out, site)), site);
            expect(ok, `trial ${trial}: out/${site} is neither the complete old nor the complete new tree`).toBe(true);
            continue;
          }
          seen.absentSite += 1;
          const waiting = entries.filter((e) => e.startsWith(`.${site}.previous-`));
          expect(waiting.length, `trial ${trial}: out/${site} is absent and no previous tree waits beside it`).toBe(1);
          expect(isComplete(readTree(join(out, waiting[0]!)), site), `trial ${trial}: the waiting tree of ${site} is incomplete`).toBe(
            true,
          );
        }
        // Now and then, a run that is not killed: a compile restores everything and leaves no
        // temporary folder; a --check deletes nothing (a dead run's lock aside, which it takes over).
        if (trial % 10 === 9) {
          const check = trial % 20 === 19;
          const unlocked = (): string[] =>
            readdirSync(out)
              .filter((e) => !e.startsWith('.chamicore-compile.lock'))
              .sort();
          const before = unlocked();
          const r = cli(check ? ['--check', '--out', out, 'sites'] : ['--out', out, 'sites'], { cwd: work });
          expect([0, 1], r.stderr).toContain(r.code);
          if (check) {
            expect(unlocked(), `after trial ${trial}`).toEqual(before);
            continue;
          }
          expect(readdirSync(out).sort(), `after trial ${trial}`).toEqual([...names].sort());
          for (const site of names) expect(isComplete(readTree(join(out, site)), site)).toBe(true);
        }
      }
      // The final run writes the current version exactly and leaves nothing else.
      use('A');
      expect(cli(['--out', out, 'sites'], { cwd: work }).code).toBe(0);
      expect(readdirSync(out).sort()).toEqual([...names].sort());
      for (const site of names) expect(readTree(join(out, site))).toEqual(expected.A[site]);
      expect(cli(['--check', '--out', out, 'sites'], { cwd: work }).code).toBe(0);
      // Most runs are killed before they end (the rest completed: also a valid outcome).
      expect(seen.killed).toBeGreaterThanOrEqual(TRIALS / 4);
      console.log(`crash test: ${JSON.stringify({ trials: TRIALS, seed: SEED, durationMs: Math.round(duration), ...seen })}`);
    },
    Math.max(60_000, TRIALS * 3_000),
  );
});

describe('the states a kill can leave, built by hand', () => {
  /** out/ as a kill between the two renames of a swap leaves it, plus leftovers of earlier kills. */
  function interrupted(): { work: string; out: string; complete: Record<string, Record<string, string>> } {
    const work = temp('chamicore-crash-state-');
    mkdirSync(join(work, 'sites'));
    for (const site of ['dev', 'eiger'])
      writeFileSync(join(work, 'sites', `${site}.yaml`), readFileSync(join(ROOT, 'sites', `${site}.yaml`)));
    const out = join(work, 'out');
    expect(cli(['--out', out, 'sites'], { cwd: work }).code).toBe(0);
    const complete = { dev: readTree(join(out, 'dev')), eiger: readTree(join(out, 'eiger')) };
    // dev: the site folder renamed away, its staged replacement half-written beside it.
    renameSync(join(out, 'dev'), join(out, '.dev.previous-0123456789ab'));
    mkdirSync(join(out, '.dev.staging-abcdefabcdef/helm'), { recursive: true });
    writeFileSync(join(out, '.dev.staging-abcdefabcdef/helm/Chart.yaml'), 'half');
    // eiger: swapped, but the old tree not yet deleted; and a half-deleted tree of an earlier kill.
    cpSync(join(out, 'eiger'), join(out, '.eiger.previous-0123456789ab'), { recursive: true });
    mkdirSync(join(out, '.eiger.removing-00000000aaaa/secrets'), { recursive: true });
    return { work, out, complete };
  }

  it('a compile restores every site and removes every temporary folder', () => {
    const { work, out, complete } = interrupted();
    const r = cli(['--out', out, 'sites'], { cwd: work });
    expect(r.stderr).toMatch(/^chamicore-compile: 2 sites: 2 unchanged \(\d+\.\d\d s\)\n$/);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['dev', 'eiger']);
    expect(readTree(join(out, 'dev'))).toEqual(complete.dev);
    expect(readTree(join(out, 'eiger'))).toEqual(complete.eiger);
  });

  it('--check reads a tree waiting beside its site folder as that site, and deletes nothing', () => {
    const { work, out } = interrupted();
    const before = readTree(out);
    const r = cli(['--check', '--out', out, 'sites'], { cwd: work });
    expect(r.stderr).toMatch(/^chamicore-compile: 2 sites: 2 current \(\d+\.\d\d s\)\n$/);
    expect(r.code).toBe(0);
    expect(readTree(out)).toEqual(before);
  });

  it('validate does not touch out/', () => {
    const { work, out } = interrupted();
    const before = readdirSync(out).sort();
    expect(cli(['validate', 'sites'], { cwd: work }).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(before);
  });
});
