import { join, resolve } from 'node:path';
import { findGitWorkTree } from '../../io/git.js';
import type { OutputFile } from '../../emit/output.js';
import { listSiteFolders } from '../../write/out-tree.js';
import { anyBlocking, checkSites, locatedOf, outShownOf, validityOf, type CheckedRun } from '../check-sites.js';
import { emitSites } from '../emit-sites.js';
import type { CliIo } from '../io.js';
import type { SiteOptions } from '../options.js';
import type { RunReport } from '../report.js';

/** What compile and --check share: the checked sites, their files, and the output folder. */
export interface OutRun {
  readonly run: CheckedRun;
  readonly emitted: readonly OutputFile[][];
  readonly outDir: string;
  readonly outShown: string;
}

/**
 * Checks and renders every site; when any site is invalid (or lacks a reveal input), returns the
 * report to print instead, and nothing is written.
 */
export async function checkAndEmit(
  command: 'compile' | 'check',
  args: readonly string[],
  opts: SiteOptions,
  io: CliIo,
): Promise<OutRun | RunReport> {
  const run = await checkSites(args, io);
  // Without --out: the repository's out/, from any folder of it (an explicit --out is relative to the working directory).
  const outDir = opts.out !== undefined ? resolve(io.cwd, opts.out) : join((await findGitWorkTree(io.cwd)) ?? io.cwd, 'out');
  const outShown = outShownOf(outDir, io);
  const refused = (): RunReport => ({
    command,
    strict: opts.strict,
    outShown,
    sites: validityOf(run, opts.strict),
    diagnostics: locatedOf(run),
    extraSites: [],
    removedSites: [],
    keptSites: [],
  });
  if (anyBlocking(run, opts.strict)) return refused();
  const emitted = await emitSites(run, opts, outDir, outShown, io);
  if (anyBlocking(run, opts.strict)) return refused();
  return { run, emitted: emitted.map((files) => files!), outDir, outShown };
}

/** Folders in out/ that no site compiles to: only knowable when a whole folder of sites was given. */
export async function orphanFolders(r: OutRun): Promise<string[]> {
  if (r.run.folders.length === 0) return [];
  const known = new Set(r.run.sites.map((s) => s.stem));
  return (await listSiteFolders(r.outDir)).filter((n) => !known.has(n));
}
