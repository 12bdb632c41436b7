import { checkSite } from '../compile.js';
import { siteClaims } from '../validate/cross-site.js';
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
  // In order, one site at a time: memory does not grow with the parsed documents of every site.
  // (Worker threads were tried for validate, and reading ahead through the thread pool: once the
  // plain reader made a check cheap, both were slower here; docs/development.md, "Performance".)
  for (const [i, path] of files.entries()) {
    io.progress?.(i + 1, files.length, displayPath(path, io.cwd));
    const c = checkSite(readSiteSource(path, io.cwd));
    const model = c.model;
    const devSource = model?.targets.compose === true ? model.composeDev?.source : undefined;
    const extra = c.site !== undefined && model !== undefined ? claim(c.site, model, c.source.file) : [];
    if (devSource !== undefined) extra.push(...checkDevSource(path, c.source.file, c.source.stem, devSource));
    const diagnostics = [...c.diagnostics, ...extra];
    // Diagnostics found here (a clash between sites, a source outside) are placed with the site's own.
    const located = locateLayered(diagnostics, c.layers);
    const site: SiteRun = {
      path,
      file: c.source.file,
      stem: c.source.stem,
      model: i < keepModels ? model : undefined,
      diagnostics,
      located,
    };
    sites.push(site);
    await each?.(site, model);
  }
  return { sites, folders };
}

/** Adds diagnostics found after checking (reveal inputs) and places them: the site is parsed again, which is rare. */
export function addDiagnostics(site: SiteRun, more: readonly Diagnostic[], io: CliIo): void {
  if (more.length === 0) return;
  site.diagnostics.push(...more);
  const again = checkSite(readSiteSource(site.path, io.cwd));
  site.located = locateLayered(site.diagnostics, again.layers);
}

export const anyBlocking = (run: CheckedRun, strict: boolean): boolean =>
  run.sites.some((s) => s.diagnostics.some((d) => blocks(d, strict)));
export const locatedOf = (run: CheckedRun): LocatedDiagnostic[] => run.sites.flatMap((s) => s.located);
export const validityOf = (run: CheckedRun, strict: boolean): SiteReport[] =>
  run.sites.map((s) => ({ file: s.file, site: s.stem, status: s.diagnostics.some((d) => blocks(d, strict)) ? 'invalid' : 'valid' }));
export const outShownOf = (out: string, io: CliIo): string => displayPath(out, io.cwd);
