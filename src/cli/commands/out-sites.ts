import { join, resolve } from 'node:path';
import { findGitWorkTree } from '../../io/git.js';
import type { OutputFile } from '../../emit/output.js';
import { listSiteFolders } from '../../write/out-tree.js';
import { checkSite } from '../../compile.js';
import { emitCheckedSite } from '../../emit-site.js';
import { readSiteSource } from '../../load/read-sites.js';
import type { SiteSource } from '../../load/site-source.js';
import type { SiteModel } from '../../model/site-model.js';
import { UsageError } from '../../report/exit-codes.js';
import { anyBlocking, checkSites, readAhead, locatedOf, outShownOf, validityOf, type CheckedRun, type SiteRun } from '../check-sites.js';
import { emitSites } from '../emit-sites.js';
import type { CliIo } from '../io.js';
import type { SiteOptions } from '../options.js';
import type { RunReport } from '../report.js';

/** What compile and --check share: the checked sites, their files, and the output folder. */
export interface OutRun {
  readonly run: CheckedRun;
  /**
   * The files of the i-th site, asked for in order. Redacted runs render each site when it is asked
   * for (beyond the first KEPT_MODELS, reading a few sites ahead and checking it again), so a run
   * holds one site's files at a time: memory does not grow with the number of sites. A --reveal run
   * has rendered every site already (it must refuse a git-tracked path before writing anything).
   */
  readonly filesOf: (i: number) => Promise<OutputFile[]>;
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
  const run = await checkSites(args, io, opts.reveal ? Infinity : KEPT_MODELS);
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
  if (!opts.reveal) {
    const kept = run.sites.filter((s) => s.model !== undefined).length;
    const sources = readAhead(
      run.sites.slice(kept).map((s) => s.path),
      (path) => readSiteSource(path, io.cwd),
    );
    const filesOf = async (i: number): Promise<OutputFile[]> => {
      const site = run.sites[i]!;
      return site.model !== undefined ? emitRedacted(site.model, site) : renderAgain(site, await sources.next(i - kept));
    };
    return { run, filesOf, outDir, outShown };
  }
  const emitted = await emitSites(run, opts, outDir, outShown, io);
  if (anyBlocking(run, opts.strict)) return refused();
  return { run, filesOf: (i) => Promise.resolve(emitted[i]!), outDir, outShown };
}

/**
 * How many sites of a redacted run keep their model from the check (about 50 KiB each): a run of a
 * few sites renders them without reading and checking them again; memory stays bounded.
 */
export const KEPT_MODELS = 16;

/** A site of a valid redacted run, read again (`source`), checked and rendered; it must still be valid. */
function renderAgain(site: SiteRun, source: SiteSource): OutputFile[] {
  const checked = checkSite(source);
  if (checked.model === undefined)
    throw new UsageError('site-changed', `${site.file}: the file changed during the run and is no longer valid; run again`);
  return emitRedacted(checked.model, site);
}

function emitRedacted(model: SiteModel, site: SiteRun): OutputFile[] {
  const files = emitCheckedSite(model, site.file, false, undefined).files;
  // A valid redacted site always renders (only reveal inputs can be missing); a bug otherwise.
  if (files === undefined) throw new Error(`${site.file}: a valid site rendered no files`);
  return files;
}

/** Folders in out/ that no site compiles to: only knowable when a whole folder of sites was given. */
export async function orphanFolders(r: OutRun): Promise<string[]> {
  if (r.run.folders.length === 0) return [];
  const known = new Set(r.run.sites.map((s) => s.stem));
  return (await listSiteFolders(r.outDir)).filter((n) => !known.has(n));
}
