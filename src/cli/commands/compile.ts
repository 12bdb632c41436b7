import { join } from 'node:path';
import { GENERATED_PREFIX } from '../../emit/header.js';
import { assertPlainFolder, diffSiteTree, keptFiles, recoverOutDir, removeStaleSite, writeSiteTree } from '../../write/out-tree.js';
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
  return withOutLock(
    outDir,
    outShown,
    true,
    io,
    async () => {
      await fsStep(outShown, 'recover', () => recoverOutDir(outDir));
      for (const s of run.sites) await assertPlainFolder(join(outDir, s.stem), `${outShown}/${s.stem}`);
      const orphans = await orphanFolders(r);
      const sites: SiteReport[] = [];
      // One site is written while the next is rendered: its syncs wait on the disk, not on the CPU.
      // A write's failure stops the run before the next write; no two writes overlap.
      let writing: Promise<void> = Promise.resolve();
      try {
        for (const [i, s] of run.sites.entries()) {
          const files = await filesOf(i);
          const display = `${outShown}/${s.stem}`;
          // A revealed tree is always rewritten: comparing would read secrets back for nothing.
          const diff = opts.reveal ? undefined : await fsStep(display, 'read', () => diffSiteTree(outDir, s.stem, files));
          const same = diff !== undefined && diff.differing.length + diff.missing.length + diff.extra.length === 0;
          if (!same) {
            await writing;
            writing = fsStep(display, 'write', () => writeSiteTree(outDir, s.stem, files, { reveal: opts.reveal, display }));
            // Handled here so that a failure while the next site renders is not an unhandled rejection; awaited below.
            writing.catch(() => undefined);
          }
          const kept = diff?.kept ?? (await fsStep(display, 'read', () => keptFiles(outDir, s.stem)));
          sites.push({
            file: s.file,
            site: s.stem,
            status: same ? 'unchanged' : 'written',
            out: display,
            files: files.map((f) => f.path),
            kept,
          });
        }
        await writing;
      } finally {
        // Whatever stopped the run, the write in progress ends before the lock is released.
        await writing.catch(() => undefined);
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
      // Revealed secrets: out/ itself is private too, whatever the umask.
    },
    opts.reveal ? 0o700 : 0o755,
  );
}
