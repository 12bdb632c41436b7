import { join } from 'node:path';
import { GENERATED_PREFIX } from '../../emit/header.js';
import { assertPlainFolder, diffSiteTree, recoverOutDir, removeStaleSite, writeSiteTree } from '../../write/out-tree.js';
import { locatedOf } from '../check-sites.js';
import type { CliIo } from '../io.js';
import type { SiteOptions } from '../options.js';
import { fsStep, withOutLock } from '../out-dir.js';
import type { RunReport, SiteReport } from '../report.js';
import { checkAndEmit, orphanFolders } from './out-sites.js';

/** `chamicore-compile <site…>`: writes each site's tree atomically; removes trees of sites that are gone. */
export async function compile(args: readonly string[], opts: SiteOptions, io: CliIo): Promise<RunReport> {
  const r = await checkAndEmit('compile', args, opts, io);
  if (!('filesOf' in r)) return r;
  const { run, filesOf, outDir, outShown } = r;
  return withOutLock(outDir, outShown, true, io, async () => {
    await fsStep(outShown, 'recover', () => recoverOutDir(outDir));
    for (const s of run.sites) await assertPlainFolder(join(outDir, s.stem), `${outShown}/${s.stem}`);
    const orphans = await orphanFolders(r);
    const sites: SiteReport[] = [];
    for (const [i, s] of run.sites.entries()) {
      const files = await filesOf(i);
      const display = `${outShown}/${s.stem}`;
      // A revealed tree is always rewritten: comparing would read secrets back for nothing.
      const diff = opts.reveal ? undefined : await fsStep(display, 'read', () => diffSiteTree(outDir, s.stem, files));
      const same = diff !== undefined && diff.differing.length + diff.missing.length + diff.extra.length === 0;
      if (!same) await fsStep(display, 'write', () => writeSiteTree(outDir, s.stem, files, { reveal: opts.reveal, display }));
      sites.push({ file: s.file, site: s.stem, status: same ? 'unchanged' : 'written', out: display, files: files.map((f) => f.path) });
    }
    const removedSites: string[] = [];
    const keptSites: string[] = [];
    for (const name of orphans) {
      if (await fsStep(`${outShown}/${name}`, 'remove', () => removeStaleSite(outDir, name, GENERATED_PREFIX))) removedSites.push(name);
      else keptSites.push(name);
    }
    return {
      command: 'compile',
      strict: opts.strict,
      outShown,
      sites,
      diagnostics: locatedOf(run),
      extraSites: [],
      removedSites,
      keptSites,
    };
  });
}
