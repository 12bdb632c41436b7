// Makes dist/bundle/cli.cjs.cache, V8's code cache for the CLI bundle (src/boot/load.ts). It runs
// the CLI the way a user starts it (--help, validate, then compile of the example site into a
// temporary folder, each started afresh in this one process), then saves the code V8 compiled for
// all of it. The build (scripts/build.mjs) runs it in a process of its own, then writes the CRC-32
// of the bundle and this cache into the entry.
//   node scripts/code-cache.mjs <bundle folder>
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CACHE_FILE, loadBundle } from '../dist/boot/load.js';

const [dir] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: code-cache.mjs <bundle folder>');

const out = mkdtempSync(join(tmpdir(), 'chamicore-code-cache-'));
const site = join(import.meta.dirname, '..', 'sites', 'alps.yaml');
const runs = [['--help'], ['validate', site], [site, '--out', out]];
// Loaded without a cache: what V8 saves is what it compiled in these runs.
const bundle = loadBundle(dir, undefined);
const node = process.argv.slice(0, 2);

const next = () => {
  const argv = runs.shift();
  if (argv === undefined) return false;
  process.argv = [...node, ...argv];
  bundle.start();
  return true;
};

// Each run ends when nothing is left for the event loop to do; the next one starts there.
process.on('beforeExit', () => {
  if (process.exitCode !== undefined && process.exitCode !== 0) throw new Error(`a training run failed (exit ${String(process.exitCode)})`);
  if (next()) return;
  rmSync(out, { recursive: true, force: true });
  const file = join(dir, CACHE_FILE);
  writeFileSync(`${file}.tmp`, bundle.script.createCachedData());
  renameSync(`${file}.tmp`, file);
});
next();
