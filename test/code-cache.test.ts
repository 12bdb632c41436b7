/**
 * The code cache (src/boot/load.ts): the entry runs the bundle with the V8 code cache the build
 * made, only when the bundle and the cache are exactly what it was built with. A damaged cache makes
 * V8 abort the process (it checks a cache against the source's length only), so each case here
 * runs a copy of the built bundle with one file changed and must print what the built CLI prints.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLE_DIR } from '../scripts/build.mjs';
import { CACHE_FILE, BUNDLE_FILE, cacheSum } from '../src/boot/load.js';
import { ROOT } from './helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'chamicore-code-cache-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});
const built = join(ROOT, BUNDLE_DIR);
const ENTRY = 'chamicore-compile.cjs';
const SITE = join(ROOT, 'sites/alps.yaml');

/** The sum the build wrote into the entry (the one quoted string of 8 hex digits). */
function entrySum(dir: string): string {
  const sums = [...readFileSync(join(dir, ENTRY), 'utf8').matchAll(/"([0-9a-f]{8})"/g)].map((m) => m[1]!);
  expect(sums).toHaveLength(1);
  return sums[0]!;
}

/** Whether V8 takes the cache in `dir` under the sum of its entry, asked of a fresh node with no other flags. */
function takesCache(dir: string): boolean {
  const script = `import(${JSON.stringify(join(ROOT, 'dist/boot/load.js'))}).then((m) => process.stdout.write(String(m.loadBundle(${JSON.stringify(dir)}, ${JSON.stringify(entrySum(dir))}).cached)))`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: process.env['PATH'] } });
  expect(r.stderr).toBe('');
  return r.stdout === 'true';
}

/** A copy of the built bundle, changed by `change`. */
function copy(name: string, change: (dir: string) => void = () => {}): string {
  const dir = join(work, name);
  cpSync(built, dir, { recursive: true });
  change(dir);
  return dir;
}

/** Compiles the example site with the entry in `dir`: status, output and the files written. */
function compile(dir: string): { status: number | null; stdout: string; stderr: string; files: string } {
  const out = mkdtempSync(join(work, 'out-'));
  const r = spawnSync(process.execPath, [join(dir, ENTRY), SITE, '--out', out], { encoding: 'utf8', env: { PATH: process.env['PATH'] } });
  const files = ['helm/values.yaml', 'helm/Chart.yaml', 'bom.yaml'].map((f) => readFileSync(join(out, 'alps', f), 'utf8')).join('\0');
  return { status: r.status, stdout: r.stdout.replace(out, '<out>'), stderr: r.stderr, files };
}

describe('the code cache', () => {
  const reference = compile(copy('reference'));

  it('the build wrote a cache for its own bundle, and V8 on this node takes it', () => {
    expect(entrySum(built)).toBe(cacheSum(readFileSync(join(built, BUNDLE_FILE)), readFileSync(join(built, CACHE_FILE))));
    expect(takesCache(built)).toBe(true);
    expect(reference.status).toBe(0);
    expect(reference.stderr).toBe('');
  });

  const cases: [string, (dir: string) => void][] = [
    [
      'no cache',
      (dir) => {
        unlinkSync(join(dir, CACHE_FILE));
      },
    ],
    [
      'a cache damaged inside (V8 would abort on it)',
      (dir) => {
        const cache = readFileSync(join(dir, CACHE_FILE));
        for (let i = 200; i < cache.length; i += 997) cache[i]! ^= 0x55;
        writeFileSync(join(dir, CACHE_FILE), cache);
      },
    ],
    [
      'a cache cut short',
      (dir) => {
        writeFileSync(join(dir, CACHE_FILE), readFileSync(join(dir, CACHE_FILE)).subarray(0, 4096));
      },
    ],
    [
      'an empty cache',
      (dir) => {
        writeFileSync(join(dir, CACHE_FILE), '');
      },
    ],
    [
      'a bundle changed after the build, its length kept (V8 would run the old code)',
      (dir) => {
        const source = readFileSync(join(dir, BUNDLE_FILE), 'utf8');
        writeFileSync(join(dir, BUNDLE_FILE), source.replace('chamicore-compile', 'chamicore-compilE'));
      },
    ],
  ];
  for (const [name, change] of cases)
    it(`${name}: the cache is not used and the run is the same`, () => {
      const dir = copy(name.replace(/\W+/g, '-'), change);
      expect(takesCache(dir)).toBe(false);
      const r = compile(dir);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.files).toBe(reference.files);
      if (!name.startsWith('a bundle changed')) expect(r.stdout).toBe(reference.stdout);
    });
});
