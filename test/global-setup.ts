/**
 * Runs once before the suite: tests run the built CLI (dist/cli/run.js in process, and the bundle
 * package.json's bin names as a process), so
 * the build must be the current sources. When the stamp does not match src/, this builds dist/ and
 * the bundle; when the build fails, the run stops here instead of testing an old CLI.
 */
import { buildAll } from '../scripts/build.mjs';
import { builtHash, sourceHash } from '../scripts/dist-stamp.mjs';

export default async function setup(): Promise<void> {
  if (builtHash() === sourceHash()) return;
  try {
    await buildAll();
  } catch (e) {
    throw new Error(`dist/ is older than src/ and rebuilding it failed: ${String(e)}`);
  }
}
