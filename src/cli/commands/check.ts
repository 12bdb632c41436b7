import { join } from 'node:path';
import { assertPlainFolder, diffSiteTree } from '../../write/out-tree.js';
import { anyBlocking, checkSites, locatedOf } from '../check-sites.js';
import type { CliIo } from '../io.js';
import type { SiteOptions } from '../options.js';
import { fsStep, withOutLock } from '../out-dir.js';
import type { RunReport, SiteReport } from '../report.js';
import { filesIfValid, orphanFolders, outDirOf, refusedReport } from './out-sites.js';

/**
 * `chamicore-compile --check <site…>`: compiles in memory and compares with out/; writes and deletes
 * nothing. One pass: each site is read and checked once, then rendered and compared at once (under
 * the out/ lock when out/ exists, so a compile is never seen half-way).
 */
export async function check(args: readonly string[], opts: SiteOptions, io: CliIo): Promise<RunReport> {
  const { outDir, outShown } = await outDirOf(opts, io);
  return withOutLock(outDir, outShown, false, io, async () => {
    const sites: SiteReport[] = [];
    const state = { blocked: false };
    const run = await checkSites(args, io, 0, async (site, model) => {
      const files = filesIfValid(state, site, model, opts.strict);
      if (files === undefined) return;
      const out = `${outShown}/${site.stem}`;
      assertPlainFolder(join(outDir, site.stem), out);
      const differences = await fsStep(out, 'read', () => diffSiteTree(outDir, site.stem, files, { patches: true }));
      const stale = differences.differing.length + differences.missing.length + differences.extra.length > 0;
      sites.push({ file: site.file, site: site.stem, status: stale ? 'stale' : 'current', out, differences });
    });
    if (state.blocked || anyBlocking(run, opts.strict)) return refusedReport('check', run, opts, outShown);
    return {
      command: 'check',
      strict: opts.strict,
      outShown,
      sites,
      diagnostics: locatedOf(run),
      extraSites: await orphanFolders(run, outDir),
      removedSites: [],
      keptSites: [],
    };
  });
}
