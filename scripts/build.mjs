// The build: `tsc` writes dist/ (the modules that scripts and the type check use), then esbuild
// bundles the CLI into dist/bundle/: cli.cjs (src/bin.ts and everything it loads, one CommonJS file;
// each command's code is initialised only when that command runs) and chamicore-compile.cjs (what
// package.json's bin runs: src/boot/main.ts, which runs cli.cjs with V8's code cache). A training run
// then makes that cache (scripts/code-cache.mjs), and the stamp records which sources it was built from.
//   node scripts/build.mjs          (npm run build)
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { writeStamp } from './dist-stamp.mjs';

const ROOT = join(import.meta.dirname, '..');
export const BUNDLE_DIR = 'dist/bundle';
export const BUNDLE_ENTRY = `${BUNDLE_DIR}/chamicore-compile.cjs`;
/** The CLI itself; the entry runs it (src/boot/load.ts names it too). */
export const BUNDLE_CLI = `${BUNDLE_DIR}/cli.cjs`;

/**
 * commander loads node:child_process when it is loaded, for subcommands that are executables of
 * their own, which this CLI has none of; loading it costs about 2.5 ms of every start (--help
 * included). This loads it when commander first spawns, which never happens here. The build fails
 * when commander's source no longer has the line, so an upgrade cannot drop it silently.
 */
const lazyChildProcess = {
  name: 'commander-lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const line = "const childProcess = require('node:child_process');";
      if (!source.includes(line)) throw new Error(`${args.path}: no line ${line}: check how this commander loads child_process`);
      const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: source.replace(line, lazy), loader: 'js' };
    });
  },
};

const COMMON = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  // Less text for V8 to parse when there is no usable code cache; names are kept.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};

export async function buildAll(root = ROOT) {
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  rmSync(join(root, BUNDLE_DIR), { recursive: true, force: true });
  const result = await build({
    ...COMMON,
    absWorkingDir: root,
    entryPoints: ['src/bin.ts'],
    outfile: BUNDLE_CLI,
    // One CommonJS file: V8 takes cached code for a script, not (in Node 20) for ES modules. A
    // command's modules, imported with import(), are initialised only when it runs.
    format: 'cjs',
    // nunjucks loads chokidar only to watch template folders, which the compiler never does.
    external: ['chokidar', 'fsevents'],
    plugins: [lazyChildProcess],
    metafile: true,
  });
  // Which sources the bundle holds: test/startup.test.ts reads it.
  writeFileSync(join(root, BUNDLE_DIR, 'meta.json'), `${JSON.stringify(result.metafile, null, 1)}\n`);
  const train = spawnSync(process.execPath, [join(root, 'scripts/code-cache.mjs'), join(root, BUNDLE_DIR)], {
    cwd: root,
    encoding: 'utf8',
  });
  if (train.status !== 0) throw new Error(`making the code cache failed:\n${train.stdout}${train.stderr}`);
  // The entry uses the cache only when the bundle and the cache sum to what it was built with.
  const { CACHE_FILE, cacheSum } = await import(pathToFileURL(join(root, 'dist/boot/load.js')).href);
  const sum = cacheSum(readFileSync(join(root, BUNDLE_CLI)), readFileSync(join(root, BUNDLE_DIR, CACHE_FILE)));
  await build({
    ...COMMON,
    absWorkingDir: root,
    entryPoints: ['src/boot/main.ts'],
    outfile: BUNDLE_ENTRY,
    // CommonJS: Node starts it without setting up its ES module loader (about 4 ms).
    format: 'cjs',
    // No sum (a node without zlib.crc32): the entry runs without the cache.
    define: { CHAMICORE_CODE_CACHE_SUM: sum === undefined ? 'undefined' : JSON.stringify(sum) },
    // The entry reads its folder from __dirname there; import.meta is only for the module tsc writes.
    logOverride: { 'empty-import-meta': 'silent' },
  });
  writeStamp(root);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildAll();
