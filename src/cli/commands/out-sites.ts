import { join, resolve } from 'node:path';
import { findGitWorkTree } from '../../io/git.js';
import type { OutputFile } from '../../emit/output.js';
import { listSiteFolders } from '../../write/out-tree.js';
import { anyBlocking, checkSites, locatedOf, outShownOf, validityOf, type CheckedRun, type SiteRun } from '../check-sites.js';
import { emitRedacted } from '../../emit-site.js';
import type { SiteModel } from '../../model/site-model.js';
import { blocks } from '../../report/diagnostic.js';
import { emitSites } from '../emit-sites.js';
import type { CliIo } from '../io.js';
import type { SiteOptions } from '../options.js';
import type { RunReport } from '../report.js';

/** Where a run writes: --out (relative to the working directory), else the repository's out/, from any folder of it. */
export async function outDirOf(opts: SiteOptions, io: CliIo): Promise<{ outDir: string; outShown: string }> {
  const outDir = opts.out !== undefined ? resolve(io.cwd, opts.out) : join((await findGitWorkTree(io.cwd)) ?? io.cwd, 'out');
  return { outDir, outShown: outShownOf(outDir, io) };
}

/** The report of a run stopped by an invalid site (or a missing reveal input): nothing was written. */
export function refusedReport(command: 'compile' | 'check', run: CheckedRun, opts: SiteOptions, outShown: string): RunReport {
  return {
    command,
    strict: opts.strict,
    outShown,
    sites: validityOf(run, opts.strict),
    diagnostics: locatedOf(run),
    extraSites: [],
    removedSites: [],
    keptSites: [],
  };
}

/** A --reveal run, rendered whole before anything is written: the checked sites and their files. */
export interface RevealedRun {
  readonly run: CheckedRun;
  readonly files: readonly OutputFile[][];
  readonly outDir: string;
  readonly outShown: string;
}

/**
 * --reveal checks and renders every site before writing any (it must refuse a git-tracked path
 * first, and gather each site's secret inputs); when a site is invalid or lacks a reveal input,
 * returns the report to print instead, and nothing is written.
 */
export async function checkAndReveal(args: readonly string[], opts: SiteOptions, io: CliIo): Promise<RevealedRun | RunReport> {
  const run = await checkSites(args, io);
  const { outDir, outShown } = await outDirOf(opts, io);
  if (anyBlocking(run, opts.strict)) return refusedReport('compile', run, opts, outShown);
  const emitted = await emitSites(run, opts, outDir, outShown, io);
  if (anyBlocking(run, opts.strict)) return refusedReport('compile', run, opts, outShown);
  return { run, files: emitted.map((f) => f!), outDir, outShown };
}

/** Folders in out/ that no site compiles to: only knowable when a whole folder of sites was given. */
export async function orphanFolders(run: CheckedRun, outDir: string): Promise<string[]> {
  if (run.folders.length === 0) return [];
  const known = new Set(run.sites.map((s) => s.stem));
  return (await listSiteFolders(outDir)).filter((n) => !known.has(n));
}

/**
 * The files of a site of a one-pass run (compile, --check), rendered from its model; undefined once
 * any site of the run blocks (an error, or under --strict a warning), which `run.blocked` then
 * remembers: the run will write nothing, so it renders nothing more.
 */
export function filesIfValid(
  run: { blocked: boolean },
  site: SiteRun,
  model: SiteModel | undefined,
  strict: boolean,
): readonly OutputFile[] | undefined {
  const files =
    run.blocked || model === undefined || site.diagnostics.some((d) => blocks(d, strict)) ? undefined : emitRedacted(model, site.file);
  if (files === undefined) run.blocked = true;
  return files;
}
