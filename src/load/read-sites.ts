import { lstat, readdir } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { BaseSource, SiteSource } from './site-source.js';
import { BASES_FOLDER, extendsNames } from '../layers/bases.js';
import { parseSite } from './parse-site.js';
import { UsageError } from '../report/exit-codes.js';
import { oneLine } from '../report/printable.js';
import { NotRegularFileError, readBounded } from './read-bounded.js';
import { fsErrorCode } from './fs-error.js';
import { Limits } from './limits.js';

/** The extensions of a site file. */
export const SITE_EXTENSIONS = ['.yaml', '.yml'];

/** A name a folder of sites counts as a site file: *.yaml or *.yml, not hidden. */
export const isSiteFileName = (name: string): boolean => SITE_EXTENSIONS.includes(extname(name)) && !name.startsWith('.');

/** A path as shown to the user: relative to the working directory when below it, `/`-separated. */
export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  const shown = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
  return shown.split(sep).join('/');
}

/** What is at a path, without following a symbolic link. */
async function kind(path: string): Promise<'file' | 'dir' | 'link' | 'other' | 'missing'> {
  try {
    const s = await lstat(path);
    return s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'link' : 'other';
  } catch {
    return 'missing';
  }
}

/**
 * A site file or folder is read only as it is in the repository, never through a symbolic link: a
 * link committed in a merge request could point at a token elsewhere, which diagnostics, the JUnit
 * report and the merge-request comment would quote.
 */
function linkRefused(shown: string): UsageError {
  return new UsageError('site-not-file', `${shown}: not a regular file or folder (a symbolic link); site files are read only as they are`);
}

/**
 * Resolves CLI site arguments to site files: `sites/alps`, `sites/alps.yaml`, or a folder of
 * site files (its *.yaml and *.yml files, not recursive). Throws UsageError for anything else.
 */
export async function resolveSiteArgs(args: readonly string[], cwd: string): Promise<{ files: string[]; folders: string[] }> {
  const files: string[] = [];
  const folders: string[] = [];
  for (const arg of args) {
    const abs = resolve(cwd, arg);
    const k = await kind(abs);
    if (k === 'link') throw linkRefused(arg);
    if (k === 'dir') {
      const entries = (await readdir(abs)).filter(isSiteFileName).sort();
      if (entries.length === 0) throw new UsageError('sites-folder-empty', `${arg}: the folder holds no site files (*.yaml)`);
      folders.push(abs);
      for (const n of entries) files.push(join(abs, n));
    } else if (k === 'file') {
      if (!SITE_EXTENSIONS.includes(extname(abs))) throw new UsageError('site-not-yaml', `${arg}: a site file ends in .yaml or .yml`);
      refuseBase(abs, arg);
      files.push(abs);
    } else if (k === 'other') {
      throw new UsageError('site-not-file', `${arg}: not a regular file or folder`);
    } else {
      const found = [];
      for (const ext of SITE_EXTENSIONS) {
        const at = await kind(abs + ext);
        if (at === 'link') throw linkRefused(arg + ext);
        if (at === 'file') found.push(abs + ext);
      }
      if (found.length === 0)
        throw new UsageError('site-not-found', `${arg}: no such site file (tried ${arg}, ${arg}.yaml and ${arg}.yml)`);
      if (found.length > 1) throw new UsageError('site-ambiguous', `${arg}: both ${arg}.yaml and ${arg}.yml exist; keep one`);
      refuseBase(found[0]!, arg);
      files.push(found[0]!);
    }
  }
  const unique = [...new Set(files)];
  const byStem = new Map<string, string>();
  for (const f of unique) {
    const stem = siteStem(f);
    const other = byStem.get(stem);
    if (other !== undefined)
      throw new UsageError(
        'site-name-collision',
        `${displayPath(other, cwd)} and ${displayPath(f, cwd)} would both compile to out/${stem}`,
      );
    byStem.set(stem, f);
  }
  return { files: unique, folders };
}

/** A file in a `bases` folder is shared defaults that sites extend, never a site of its own. */
function refuseBase(abs: string, arg: string): void {
  if (basename(dirname(abs)) === BASES_FOLDER)
    throw new UsageError(
      'site-is-base',
      `${arg}: a base (shared defaults that sites extend), not a site; compile a site that names it in extends, or the sites folder`,
    );
}

export function siteStem(file: string): string {
  return basename(file, extname(file));
}

/** Reads one site file, at most one byte past the size limit (the parser reports the rest). */
export function readSiteSource(abs: string, cwd: string): SiteSource {
  const file = displayPath(abs, cwd);
  try {
    const bytes = readBounded(abs, Limits.maxFileBytes, { noFollow: true });
    const bases = readSiteBases(abs, bytes, cwd);
    // The label goes into every generated header: a control character there would break the comment.
    return {
      file,
      label: oneLine(`${basename(dirname(abs))}/${basename(abs)}`),
      stem: siteStem(abs),
      bytes,
      ...(bases.length > 0 ? { bases } : {}),
    };
  } catch (e) {
    if (e instanceof NotRegularFileError) throw new UsageError('site-not-file', `${file}: not a regular file`);
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw linkRefused(file);
    const code = fsErrorCode(e);
    if (code === undefined) throw e;
    throw new UsageError('site-unreadable', `${file}: cannot read: ${code}`);
  }
}

/**
 * Reads the bases a site file names in `extends:` from `bases/` in its folder, as site files are
 * read: never through a link, regular files only, bounded. A base that cannot be read is passed on
 * with the reason, for a located `base-not-found`. Only a file that mentions `extends` is parsed here.
 */
export function readSiteBases(abs: string, bytes: Uint8Array, cwd: string): BaseSource[] {
  if (!Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('extends')) return [];
  const parsed = parseSite(displayPath(abs, cwd), bytes);
  if (parsed.diagnostics.length > 0) return [];
  return [...new Set(extendsNames(parsed.data))].map((name): BaseSource => {
    const path = join(dirname(abs), BASES_FOLDER, `${name}.yaml`);
    const file = displayPath(path, cwd);
    try {
      return { name, file, bytes: readBounded(path, Limits.maxFileBytes, { noFollow: true }) };
    } catch (e) {
      const code = e instanceof NotRegularFileError ? 'not a regular file' : fsErrorCode(e);
      if (code === undefined) throw e;
      const problem =
        code === 'ENOENT'
          ? `${file} does not exist`
          : code === 'ELOOP'
            ? `${file} is a symbolic link (bases are read only as they are)`
            : code === 'not a regular file'
              ? `${file} is not a regular file`
              : `cannot read ${file}: ${code}`;
      return { name, file, bytes: undefined, problem };
    }
  });
}
