import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { OutputFile } from '../emit/output.js';
import { compareStrings } from '../report/diagnostic.js';
import { UsageError } from '../report/exit-codes.js';

const STAGING = '.staging-';
const PREVIOUS = '.previous-';

/** Hidden names beside `out/<site>` used during a swap; recognisable so a later run can recover. */
function tempName(site: string, kind: typeof STAGING | typeof PREVIOUS): string {
  return `.${site}${kind}${randomBytes(6).toString('hex')}`;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Brings `out/<site>` back to a complete tree after an interrupted run: a staged tree that was
 * never swapped in is removed; a previous tree is put back if the site folder is missing, and
 * removed otherwise.
 */
export async function recoverSite(outDir: string, site: string): Promise<void> {
  const entries = await readdir(outDir).catch(() => [] as string[]);
  const target = join(outDir, site);
  for (const name of entries.sort(compareStrings)) {
    if (name.startsWith(`.${site}${STAGING}`)) {
      await rm(join(outDir, name), { recursive: true, force: true });
    }
  }
  for (const name of entries.sort(compareStrings)) {
    if (!name.startsWith(`.${site}${PREVIOUS}`)) continue;
    const path = join(outDir, name);
    if (!(await exists(target))) await rename(path, target);
    else await rm(path, { recursive: true, force: true });
  }
}

async function assertPlainFolder(target: string, display: string): Promise<boolean> {
  try {
    const info = await lstat(target);
    if (info.isSymbolicLink()) throw new UsageError(`${display}: is a symbolic link; refusing to replace it`);
    if (!info.isDirectory()) throw new UsageError(`${display}: exists and is not a folder`);
    return true;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    return false;
  }
}

/**
 * Writes a site's files as one unit: stage them in a hidden folder beside `out/<site>`, then
 * swap it in with renames. Stale files vanish with the old tree; on any failure the previous
 * tree is left (or put back) intact. `reveal` writes secret files 0600 in 0700 folders.
 */
export async function writeSiteTree(
  outDir: string,
  site: string,
  files: readonly OutputFile[],
  options: { reveal: boolean; display: string },
): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await recoverSite(outDir, site);
  const target = join(outDir, site);
  const hadTree = await assertPlainFolder(target, options.display);
  const staging = join(outDir, tempName(site, STAGING));
  const dirMode = options.reveal ? 0o700 : 0o755;
  try {
    await mkdir(staging, { mode: dirMode });
    for (const f of files) {
      const path = join(staging, ...f.path.split('/'));
      await mkdir(dirname(path), { recursive: true, mode: dirMode });
      const mode = options.reveal && f.secret ? 0o600 : 0o644;
      const handle = await open(path, 'wx', mode);
      try {
        await handle.writeFile(f.contents, 'utf8');
        await handle.chmod(mode); // the umask must not widen or narrow the mode
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await syncDir(staging);
    if (hadTree) {
      const previous = join(outDir, tempName(site, PREVIOUS));
      await rename(target, previous);
      await rename(staging, target);
      await syncDir(outDir);
      await rm(previous, { recursive: true, force: true });
    } else {
      await rename(staging, target);
    }
    await syncDir(outDir);
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    await recoverSite(outDir, site);
    throw e;
  }
}

async function syncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Every file below `dir`, as sorted `/`-separated relative paths. */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(...(await listFiles(join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out.sort(compareStrings);
}

export interface TreeDifference {
  readonly differing: string[];
  readonly missing: string[];
  readonly extra: string[];
}

/** Compares compiled files with `out/<site>` byte for byte; reads, never writes. */
export async function diffSiteTree(outDir: string, site: string, files: readonly OutputFile[]): Promise<TreeDifference> {
  const target = join(outDir, site);
  const present = new Set(await listFiles(target));
  const differing: string[] = [];
  const missing: string[] = [];
  for (const f of files) {
    if (!present.has(f.path)) {
      missing.push(f.path);
      continue;
    }
    present.delete(f.path);
    const current = await readFile(join(target, ...f.path.split('/')));
    if (!current.equals(Buffer.from(f.contents, 'utf8'))) differing.push(f.path);
  }
  return { differing, missing, extra: [...present].sort(compareStrings) };
}

/**
 * Removes a site folder that no site file compiles to any more, if every file in it was
 * generated by chamicore-compile (starts with `prefix`). Returns false, touching nothing, if not.
 */
export async function removeStaleSite(outDir: string, site: string, prefix: string): Promise<boolean> {
  const target = join(outDir, site);
  const info = await lstat(target).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) return false;
  for (const f of await listFiles(target)) {
    const head = await readFile(join(target, ...f.split('/')), 'utf8').catch(() => '');
    if (!head.startsWith(prefix)) return false;
  }
  const previous = join(outDir, tempName(site, PREVIOUS));
  await rename(target, previous);
  await rm(previous, { recursive: true, force: true });
  return true;
}

/** Site folders in `out/` (visible folders only). */
export async function listSiteFolders(outDir: string): Promise<string[]> {
  const entries = await readdir(outDir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(compareStrings);
}
