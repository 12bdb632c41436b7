import { join } from 'node:path';
import { assertPlainFolder, diffSiteTree } from '../../write/out-tree.js';
import { locatedOf } from '../check-sites.js';
import type { CliIo } from '../io.js';
import type { SiteOptions } from '../options.js';
import { fsStep, withOutLock } from '../out-dir.js';
import type { RunReport, SiteReport } from '../report.js';
import { checkAndEmit, orphanFolders } from './out-sites.js';

/** `chamicore-compile --check <site…>`: compiles in memory and compares with out/; writes and deletes nothing. */
export async function check(args: readonly string[], opts: SiteOptions, io: CliIo): Promise<RunReport> {
  const r = await checkAndEmit('check', args, opts, io);
  if (!('filesOf' in r)) return r;
  const { run, filesOf, outDir, outShown } = r;
  return withOutLock(outDir, outShown, false, io, async () => {
    for (const s of run.sites) await assertPlainFolder(join(outDir, s.stem), `${outShown}/${s.stem}`);
    const extraSites = await orphanFolders(r);
    const sites: SiteReport[] = [];
    for (const [i, s] of run.sites.entries()) {
      const out = `${outShown}/${s.stem}`;
      const files = await filesOf(i);
      const differences = await fsStep(out, 'read', () => diffSiteTree(outDir, s.stem, files, { patches: true }));
      const stale = differences.differing.length + differences.missing.length + differences.extra.length > 0;
      sites.push({ file: s.file, site: s.stem, status: stale ? 'stale' : 'current', out, differences });
    }
    return {
      command: 'check',
      strict: opts.strict,
      outShown,
      sites,
      diagnostics: locatedOf(run),
      extraSites,
      removedSites: [],
      keptSites: [],
    };
  });
}
