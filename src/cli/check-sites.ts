import { checkSite } from '../compile.js';
import { siteClaims } from '../validate/cross-site.js';
import { SitePool, summarise, type SiteCheck } from './site-pool.js';
import { displayPath, readSiteSource, resolveSiteArgs } from '../load/read-sites.js';
import type { SiteModel } from '../model/site-model.js';
import { blocks, type Diagnostic } from '../report/diagnostic.js';
import type { LocatedDiagnostic } from '../report/format.js';
import { locateLayered } from '../layers/locate.js';
import { checkDevSource } from '../load/dev-source.js';
import type { CliIo } from './io.js';
import type { SiteReport } from './report.js';

/** What a run keeps of a checked site: no source bytes, no parsed document. */
export interface SiteRun {
  /** Absolute path of the site file. */
  readonly path: string;
  readonly file: string;
  readonly stem: string;
  /** The model, when the run keeps models (see checkSites). */
  readonly model: SiteModel | undefined;
  readonly diagnostics: Diagnostic[];
  located: LocatedDiagnostic[];
}

/** The sites the arguments name, each read, checked and its diagnostics located. */
export interface CheckedRun {
  readonly sites: SiteRun[];
  /** Folders given as arguments (their out/ folders without a site can be named). */
  readonly folders: readonly string[];
}

/**
 * Step one of every command: resolve the arguments, then read, check and locate one site at a time.
 * `each` gets every site as soon as it is checked, with its model: compile and --check render and
 * stage or compare it right there, so each site is read and checked once. The models of the first
 * `keepModels` sites are kept in the run (a model is about 50 KiB); with `each`, none needs to be,
 * and memory grows with the diagnostics alone.
 */
export async function checkSites(
  args: readonly string[],
  io: CliIo,
  keepModels = Infinity,
  each?: (site: SiteRun, model: SiteModel | undefined) => Promise<void>,
): Promise<CheckedRun> {
  const { files, folders } = await resolveSiteArgs(args, io.cwd);
  const sites: SiteRun[] = [];
  const claim = siteClaims();
  // validate of many sites checks them on worker threads. compile and --check (with `each`) do not:
  // a site's model or files moved to this thread cost as much as the threads saved, and memory
  // doubled (docs/development.md, "Performance").
  const pool =
    each === undefined && keepModels === 0 && io.workers !== undefined && files.length >= PARALLEL_MIN ? startPool(io.workers) : undefined;
  const checked = pool !== undefined ? pool.run(files, io.cwd) : sequential(files, io.cwd);
  try {
    // In order, one site at a time: memory does not grow with the parsed documents of every site.
    for (const [i, path] of files.entries()) {
      io.progress?.(i + 1, files.length, displayPath(path, io.cwd));
      const c = await checked.next(i);
      const extra = c.claims !== undefined ? claim(c.claims, c.file) : [];
      if (c.devSource !== undefined) extra.push(...(await checkDevSource(path, c.file, c.stem, c.devSource)));
      const diagnostics = [...c.diagnostics, ...extra];
      // Diagnostics found here are placed in the site file again (rare: a clash between sites).
      const located = extra.length === 0 ? c.located : await c.relocate(diagnostics);
      const site: SiteRun = { path, file: c.file, stem: c.stem, model: i < keepModels ? c.model : undefined, diagnostics, located };
      sites.push(site);
      await each?.(site, c.model);
    }
  } finally {
    await pool?.close();
  }
  return { sites, folders };
}

/** The smallest run whose sites are checked by worker threads: below it, starting them costs more than it saves. */
export const PARALLEL_MIN = 16;

/** A site checked (in this thread or a worker): what the run keeps of it, and what the run still decides. */
interface CheckedSiteResult extends SiteCheck {
  readonly model: SiteModel | undefined;
  /** Locates diagnostics found after the check in the site file (reading it again when a worker checked it). */
  readonly relocate: (diagnostics: readonly Diagnostic[]) => Promise<LocatedDiagnostic[]>;
}

/** The sites checked in this thread, read a few ahead. */
function sequential(files: readonly string[], cwd: string): { next: (i: number) => Promise<CheckedSiteResult> } {
  const sources = readAhead(files, (path) => readSiteSource(path, cwd));
  return {
    next: async (i) => {
      const c = checkSite(await sources.next(i));
      return {
        ...summarise(c),
        model: c.model,
        relocate: (diagnostics) => Promise.resolve(locateLayered(diagnostics, c.layers)),
      };
    },
  };
}

/** Worker threads that check the sites of a validate run; the answers are taken in site order. */
function startPool(workers: NonNullable<CliIo['workers']>): {
  run: (files: readonly string[], cwd: string) => { next: (i: number) => Promise<CheckedSiteResult> };
  close: () => Promise<void>;
} {
  const pool = new SitePool(workers.script, workers.count);
  return {
    run: (files, cwd) => {
      // Enough sites in flight to keep every worker busy.
      const checks = readAhead(files, (path) => pool.check({ path, cwd }), workers.count * 4);
      return {
        next: async (i) => ({
          ...(await checks.next(i)),
          model: undefined,
          relocate: async (diagnostics) => locateLayered(diagnostics, checkSite(await readSiteSource(files[i]!, cwd)).layers),
        }),
      };
    },
    close: () => pool.close(),
  };
}

/** How many site files are read ahead of the one being checked: a few MiB at most (Limits.maxFileBytes each). */
export const READ_AHEAD = 4;

/**
 * Reads items in order, up to READ_AHEAD ahead of the one asked for, so the disk works while the
 * CPU checks. Item i's failure is thrown when item i is asked for, as a plain loop would.
 */
export function readAhead<T>(
  items: readonly string[],
  read: (item: string) => Promise<T>,
  ahead = READ_AHEAD,
): { next: (i: number) => Promise<T> } {
  const started = new Map<number, Promise<T>>();
  let upTo = 0;
  return {
    next(i: number): Promise<T> {
      for (; upTo < items.length && upTo <= i + ahead; upTo++) {
        const p = read(items[upTo]!);
        // Awaited when asked for; a failure of an item never asked for (the run stopped) is not unhandled.
        p.catch(() => undefined);
        started.set(upTo, p);
      }
      const p = started.get(i)!;
      started.delete(i);
      return p;
    },
  };
}

/** Adds diagnostics found after checking (reveal inputs) and places them: the site is parsed again, which is rare. */
export async function addDiagnostics(site: SiteRun, more: readonly Diagnostic[], io: CliIo): Promise<void> {
  if (more.length === 0) return;
  site.diagnostics.push(...more);
  const again = checkSite(await readSiteSource(site.path, io.cwd));
  site.located = locateLayered(site.diagnostics, again.layers);
}

export const anyBlocking = (run: CheckedRun, strict: boolean): boolean =>
  run.sites.some((s) => s.diagnostics.some((d) => blocks(d, strict)));
export const locatedOf = (run: CheckedRun): LocatedDiagnostic[] => run.sites.flatMap((s) => s.located);
export const validityOf = (run: CheckedRun, strict: boolean): SiteReport[] =>
  run.sites.map((s) => ({ file: s.file, site: s.stem, status: s.diagnostics.some((d) => blocks(d, strict)) ? 'invalid' : 'valid' }));
export const outShownOf = (out: string, io: CliIo): string => displayPath(out, io.cwd);
