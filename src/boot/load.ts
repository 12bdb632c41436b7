/**
 * Loads the CLI bundle (dist/bundle/cli.cjs) with the V8 code cache the build made for it
 * (dist/bundle/cli.cjs.cache), so a run does not compile the bundle's 1 MB of JavaScript again: a
 * cold compile of one site takes about 40 ms less. Node 20 has no compile cache of its own for
 * modules (module.enableCompileCache came in Node 22), so the bundle is one CommonJS file run through
 * vm.Script, which takes V8's cached data.
 *
 * The cache is only ever a speed-up, and it is used only when it is exactly what the build made:
 * V8 checks a cache against the source's length alone, and deserialises a damaged one into a fatal
 * error, not a rejection. So the build writes into the entry the CRC-32 of the bundle and its
 * cache, and the cache is used only when both files sum to it (2.3 ms with loading zlib). A missing,
 * damaged or foreign cache, or one V8 rejects (another node binary, other V8 flags), leaves V8 to
 * compile the source as usual. Both files are read from the entry's own folder, never from the
 * working directory or the environment.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import * as zlib from 'node:zlib';

export const BUNDLE_FILE = 'cli.cjs';
export const CACHE_FILE = 'cli.cjs.cache';
/**
 * V8 flags the CLI runs with. They are set before the bundle is compiled: a code cache is accepted
 * only under the flags it was made with, so the build's training run sets them the same way.
 *
 * A run of many sites keeps little (under 50 MB at 10,000 sites), but where collecting is cheap V8
 * lets the heap grow to four times what it keeps before collecting again; double is enough.
 */
export const V8_FLAGS = '--heap-growing-percent=100';

export interface LoadedBundle {
  readonly script: Script;
  /** Whether V8 took the cached code. */
  readonly cached: boolean;
  /** Runs the bundle (the CLI reads process.argv then). Each call starts it afresh. */
  readonly start: () => void;
}

/**
 * The CRC-32 of the bundle's bytes, then its cache's, as 8 hex digits: what the build writes into
 * the entry; undefined on a node without zlib.crc32 (before 20.15), which then runs without the
 * cache. A check against damage and mixed builds, not against someone who can write the bundle:
 * they could change the code itself.
 */
export function cacheSum(source: Buffer, cache: Buffer): string | undefined {
  const crc32 = (zlib as { crc32?: (data: Buffer, initial?: number) => number }).crc32;
  return crc32 === undefined ? undefined : crc32(cache, crc32(source)).toString(16).padStart(8, '0');
}

/** The cache beside the bundle when the build made it for these bytes (`sum`), else undefined. */
function cacheFor(cacheFile: string, source: Buffer, sum: string): Buffer | undefined {
  let cache: Buffer;
  try {
    cache = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  return cacheSum(source, cache) === sum ? cache : undefined;
}

/**
 * Compiles the bundle in `dir`, with the code cache when the two sum to `sum` (undefined: without).
 * The source is wrapped as Node wraps a CommonJS module.
 */
export function loadBundle(dir: string, sum: string | undefined): LoadedBundle {
  setFlagsFromString(V8_FLAGS);
  const file = resolve(dir, BUNDLE_FILE);
  const bytes = readFileSync(file);
  const cachedData = sum === undefined ? undefined : cacheFor(join(dir, CACHE_FILE), bytes, sum);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${bytes.toString('utf8')}\n})`, {
    filename: file,
    ...(cachedData !== undefined ? { cachedData } : {}),
  });
  const require = createRequire(file);
  return {
    script,
    cached: cachedData !== undefined && !script.cachedDataRejected,
    start: () => {
      const module = { exports: {} };
      (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, require, module, file, dir);
    },
  };
}
