/**
 * Runs once before the suite: tests spawn the built CLI (dist/bin.js), so the build must be the
 * current sources. When dist/'s stamp does not match src/, this builds it; when the build fails,
 * the run stops here instead of testing an old CLI.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { builtHash, sourceHash, writeStamp } from '../scripts/dist-stamp.mjs';
import { ROOT } from './helpers/cli.js';

export default function setup(): void {
  const current = sourceHash();
  if (builtHash() === current) return;
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (tsc.status !== 0) throw new Error(`dist/ is older than src/ and rebuilding it failed:\n${tsc.stdout}${tsc.stderr}`);
  writeStamp();
}
