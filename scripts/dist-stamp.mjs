// The build stamp: a hash of everything `dist/` and the bundle are built from, written by the build
// (scripts/build.mjs) after both. A test run (test/global-setup.ts) rebuilds when the stamp does not
// match the sources, so no test spawns a CLI older than the code it tests; test/build-stamp.test.ts
// fails when the bundle the run tests is stale.
//   node scripts/dist-stamp.mjs         write the stamp for the current sources
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(import.meta.dirname, '..');
const STAMP = 'dist/.source-hash';

/** The build's inputs, in a stable order: every file under src/, the TypeScript and bundler configuration, the locked dependencies. */
function inputs(root) {
  const files = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'scripts/build.mjs', 'scripts/code-cache.mjs'].filter((f) =>
    existsSync(join(root, f)),
  );
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) files.push(rel);
    }
  };
  walk('src');
  return files.sort();
}

/** A sha256 over the build's inputs: their paths and contents. */
export function sourceHash(root = ROOT) {
  const hash = createHash('sha256');
  for (const file of inputs(root)) {
    hash.update(`${relative(root, join(root, file))}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The stamp of the last build, or undefined when there is none. */
export function builtHash(root = ROOT) {
  const path = join(root, STAMP);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

export function writeStamp(root = ROOT) {
  writeFileSync(join(root, STAMP), `${sourceHash(root)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeStamp();
