// The build: `tsc` writes dist/ (the modules that scripts and the type check use), then esbuild
// bundles the CLI into dist/bundle/ (what package.json's bin runs: one file for start-up, a chunk
// per command that only that command loads), then the stamp records which sources it was built from.
//   node scripts/build.mjs          (npm run build)
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeStamp } from './dist-stamp.mjs';

const ROOT = join(import.meta.dirname, '..');
export const BUNDLE_DIR = 'dist/bundle';
export const BUNDLE_ENTRY = `${BUNDLE_DIR}/chamicore-compile.js`;

export async function buildAll(root = ROOT) {
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  // Chunk names carry a hash: a chunk of an earlier build would stay beside the new ones.
  rmSync(join(root, BUNDLE_DIR), { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { 'chamicore-compile': 'src/bin.ts' },
    outdir: BUNDLE_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    // Bundled CommonJS packages (commander, nunjucks, ajv's helpers) require Node's modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    // nunjucks loads chokidar only to watch template folders, which the compiler never does.
    external: ['chokidar', 'fsevents'],
    metafile: true,
    legalComments: 'none',
    // Less text for V8 to parse at each start (about 30 ms of a one-site compile); names are kept.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
  // Which sources each output holds and what it imports: test/startup.test.ts reads it.
  writeFileSync(join(root, BUNDLE_DIR, 'meta.json'), `${JSON.stringify(result.metafile, null, 1)}\n`);
  writeStamp(root);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildAll();
