import { lstat, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutputFile } from '../../emit/output.js';
import { GENERATED_PREFIX } from '../../emit/header.js';
import { lockOutDir, type OutLock } from '../../write/lock.js';
import { assertPlainFolder, diffSiteTree, recoverOutDir, removeStaleSite, TreeStager } from '../../write/out-tree.js';
import { anyBlocking, checkSites, locatedOf, type CheckedRun, type SiteRun } from '../check-sites.js';
import type { CliIo } from '../io.js';
import type { SiteOptions } from '../options.js';
import { fsStep } from '../out-dir.js';
import type { RunReport, SiteReport } from '../report.js';
import { checkAndReveal, filesIfValid, orphanFolders, outDirOf, refusedReport } from './out-sites.js';

/**
 * `chamicore-compile <site…>`: one pass over the sites. Each site is read and checked once; a valid
 * one is rendered at once and, when it differs from its tree in out/, staged beside it (TreeStager),
 * so the run holds no site's files. When every site is valid, one durability barrier and the swaps
 * put all the staged trees in place, and the trees of sites that are gone are removed; when any site
 * is invalid, what was staged is deleted and out/ is as it was. The out/ lock is taken at the first
 * valid site (a run whose first site is invalid creates nothing), and held to the end.
 */
export async function compile(args: readonly string[], opts: SiteOptions, io: CliIo): Promise<RunReport> {
  if (opts.reveal) return compileRevealed(args, opts, io);
  const { outDir, outShown } = await outDirOf(opts, io);
  const writer = new OutWriter(outDir, outShown, false, io);
  const sites: SiteReport[] = [];
  const state = { blocked: false };
  try {
    const run = await checkSites(args, io, 0, async (site, model) => {
      const files = filesIfValid(state, site, model, opts.strict);
      if (files === undefined) {
        // Nothing will be written: stop rendering, and drop what was staged now rather than at the end.
        await writer.abandon();
        return;
      }
      sites.push(await writer.add(site, files));
    });
    if (state.blocked || anyBlocking(run, opts.strict)) {
      await writer.abandon();
      return refusedReport('compile', run, opts, outShown);
    }
    return await writer.finish(run, sites, opts);
  } finally {
    await writer.close();
  }
}

/** --reveal: every site rendered first (see checkAndReveal), then staged and swapped in the same way. */
async function compileRevealed(args: readonly string[], opts: SiteOptions, io: CliIo): Promise<RunReport> {
  const r = await checkAndReveal(args, opts, io);
  if (!('files' in r)) return r;
  const writer = new OutWriter(r.outDir, r.outShown, true, io);
  try {
    const sites: SiteReport[] = [];
    for (const [i, s] of r.run.sites.entries()) sites.push(await writer.add(s, r.files[i]!));
    return await writer.finish(r.run, sites, opts);
  } finally {
    await writer.close();
  }
}

/** The writing half of a compile: the out/ lock, the stager, the report of each site. */
class OutWriter {
  private lock: OutLock | undefined;
  private createdOut = false;
  private finished = false;
  private readonly stager: TreeStager;

  constructor(
    private readonly outDir: string,
    private readonly outShown: string,
    private readonly reveal: boolean,
    private readonly io: CliIo,
  ) {
    this.stager = new TreeStager(outDir, outShown, reveal);
  }

  /** Takes the out/ lock (creating out/ with its mode) and completes or undoes what a killed run left. */
  private async locked(): Promise<void> {
    if (this.lock !== undefined) return;
    const dirMode = this.reveal ? 0o700 : 0o755;
    this.createdOut = await lstat(this.outDir).then(
      () => false,
      () => true,
    );
    this.lock = await fsStep(this.outShown, 'lock', () => lockOutDir(this.outDir, this.io.lock, true, this.outShown, dirMode));
    await fsStep(this.outShown, 'recover', () => recoverOutDir(this.outDir));
  }

  /** A valid site's files: compared with its tree, staged when they differ. A revealed tree is always rewritten. */
  async add(site: SiteRun, files: readonly OutputFile[]): Promise<SiteReport> {
    await this.locked();
    const display = `${this.outShown}/${site.stem}`;
    // No tree yet (and none waiting to be put back: the lock's recovery did that): nothing to compare.
    const hadTree = assertPlainFolder(join(this.outDir, site.stem), display);
    const diff = this.reveal || !hadTree ? undefined : await fsStep(display, 'read', () => diffSiteTree(this.outDir, site.stem, files));
    const same = diff !== undefined && diff.differing.length + diff.missing.length + diff.extra.length === 0;
    if (!same) await fsStep(display, 'write', () => this.stager.stage(site.stem, files, display));
    return {
      file: site.file,
      site: site.stem,
      status: same ? 'unchanged' : 'written',
      out: display,
      files: files.map((f) => f.path),
      kept: diff?.kept ?? this.stager.keptOf(site.stem),
    };
  }

  /** Every site was valid: the barrier and the swaps, then the trees of sites that are gone. */
  async finish(run: CheckedRun, sites: SiteReport[], opts: SiteOptions): Promise<RunReport> {
    await this.locked();
    const orphans = await orphanFolders(run, this.outDir);
    await this.stager.commit(fsStep);
    const removedSites: string[] = [];
    const keptSites: string[] = [];
    for (const name of orphans) {
      if (await fsStep(`${this.outShown}/${name}`, 'remove', () => removeStaleSite(this.outDir, name, GENERATED_PREFIX)))
        removedSites.push(name);
      else keptSites.push(name);
    }
    this.finished = true;
    return {
      command: 'compile',
      strict: opts.strict,
      outShown: this.outShown,
      sites,
      diagnostics: locatedOf(run),
      extraSites: [],
      removedSites,
      keptSites,
    };
  }

  async abandon(): Promise<void> {
    await this.stager.abandon();
  }

  /** Whatever stopped the run: nothing stays staged, the lock is released, and an out/ this run created for nothing is removed. */
  async close(): Promise<void> {
    await this.stager.abandon().catch(() => undefined);
    await this.lock?.release();
    // Empty unless another run uses it meanwhile (then rmdir fails and it stays).
    if (!this.finished && this.createdOut) await rmdir(this.outDir).catch(() => undefined);
  }
}
