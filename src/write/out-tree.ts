import { randomBytes } from 'node:crypto';
import { copyFile, lstat, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GENERATED_PREFIX } from '../emit/header.js';
import type { OutputFile } from '../emit/output.js';
import { compareStrings } from '../report/diagnostic.js';
import { UsageError } from '../report/exit-codes.js';
import { unifiedDiff } from '../report/unified-diff.js';

const STAGING = '.staging-';
const PREVIOUS = '.previous-';
const REMOVING = '.removing-';
type TempKind = typeof STAGING | typeof PREVIOUS | typeof REMOVING;

/**
 * Hidden names beside `out/<site>` used while a tree changes; recognisable so a later run can
 * recover. A staging tree may be incomplete; a previous tree is always complete (it is renamed to
 * a removing name before it is deleted); a removing tree is garbage.
 */
function tempName(site: string, kind: TempKind): string {
  return `.${site}${kind}${randomBytes(6).toString('hex')}`;
}

const TEMP_NAME = /^\.(.+)\.(staging|previous|removing)-[0-9a-f]{12}$/;

/** A folder itself, not a link to one. */
async function isFolder(path: string): Promise<boolean> {
  return lstat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Brings every site folder of `outDir` back to a complete tree after interrupted runs: staging
 * and removing trees are deleted; a previous tree is put back where its site folder is missing
 * (the instant between the two renames of a swap), and deleted otherwise. Leaves no temporary
 * folder behind. Does nothing, and writes nothing, when there is nothing to recover.
 */
export async function recoverOutDir(outDir: string, only?: string): Promise<void> {
  const entries = (await readdir(outDir).catch(() => [] as string[])).sort(compareStrings);
  const temps = entries.flatMap((name) => {
    const m = TEMP_NAME.exec(name);
    return m !== null && (only === undefined || m[1] === only) ? [{ name, site: m[1]!, kind: m[2]! }] : [];
  });
  for (const t of temps.filter((x) => x.kind !== 'previous')) await rm(join(outDir, t.name), { recursive: true, force: true });
  for (const t of temps.filter((x) => x.kind === 'previous')) {
    const path = join(outDir, t.name);
    // Only a folder this run's kind made is a previous tree: a link or a file of that name (committed
    // in a merge request) is removed, never moved into place or read.
    if (!(await isFolder(path))) await rm(path, { force: true });
    else if (!(await exists(join(outDir, t.site)))) await rename(path, join(outDir, t.site));
    else await discard(outDir, t.site, path);
  }
}

/** Deletes a tree: first renamed to a removing name, so a half-deleted tree is never mistaken for a complete one. */
async function discard(outDir: string, site: string, path: string): Promise<void> {
  const removing = join(outDir, tempName(site, REMOVING));
  await rename(path, removing);
  await rm(removing, { recursive: true, force: true });
}

/**
 * Whether `out/<site>` exists as a plain folder (not a link, not a file); throws a usage error
 * for anything else. Every mode checks this before reading or writing a site folder.
 */
export async function assertPlainFolder(target: string, display: string): Promise<boolean> {
  const info = await lstat(target).catch(() => undefined);
  if (info === undefined) return false;
  if (info.isSymbolicLink()) throw new UsageError('out-symlink', `${display}: is a symbolic link; refusing to read or replace it`);
  if (!info.isDirectory()) throw new UsageError('out-not-folder', `${display}: exists and is not a folder`);
  return true;
}

/**
 * Files Helm and compose conventionally put beside what chamicore-compile writes, which a compile
 * leaves alone (they are carried into the new tree) and --check does not count: `helm dependency
 * build` writes `helm/Chart.lock` and `helm/charts/*.tgz`; a developer's own
 * `compose/docker-compose.override.yml`, and `compose/.env` (copied from .env.example). The
 * repository's .gitignore ignores them.
 */
const TOLERATED = [/^helm\/Chart\.lock$/, /^helm\/charts\/[^/]+\.tgz$/, /^compose\/docker-compose\.override\.ya?ml$/, /^compose\/\.env$/];
export const isTolerated = (rel: string): boolean => TOLERATED.some((r) => r.test(rel));

/** Whose a site folder is: ours (with the tolerated files it holds), or why not (naming a path). */
export type TreeOwner = { readonly ours: true; readonly kept: readonly string[] } | { readonly ours: false; readonly why: string };

/**
 * Whether chamicore-compile provably wrote a folder: it holds at least one file of ours, only
 * regular files and folders, and every file but the tolerated ones starts with the generated
 * header. Only such a tree may be replaced or removed; an empty folder (a mount point?) or anyone
 * else's files may not, and the answer names the first file that is not ours.
 */
export async function treeOwner(dir: string, prefix: string): Promise<TreeOwner> {
  let files = 0;
  const kept: string[] = [];
  const walk = async (d: string, rel: string): Promise<string | undefined> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => compareStrings(a.name, b.name))) {
      const path = join(d, e.name);
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        const why = await walk(path, r);
        if (why !== undefined) return why;
      } else if (e.isFile() && isTolerated(r)) {
        kept.push(r);
      } else if (e.isFile()) {
        files += 1;
        const handle = await open(path, 'r');
        try {
          const head = Buffer.alloc(prefix.length);
          const { bytesRead } = await handle.read(head, 0, head.length, 0);
          if (head.subarray(0, bytesRead).toString('utf8') !== prefix) return `holds ${r}, which chamicore-compile did not write`;
        } finally {
          await handle.close();
        }
      } else {
        return `holds ${r}, which is not a regular file or folder`;
      }
    }
    return undefined;
  };
  const why = await walk(dir, '').catch((e: unknown) => `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  if (why !== undefined) return { ours: false, why };
  if (files === 0) return { ours: false, why: 'holds no file chamicore-compile wrote' };
  return { ours: true, kept: kept.sort(compareStrings) };
}

/** Whether chamicore-compile provably wrote a folder (see treeOwner). */
export async function isGeneratedTree(dir: string, prefix: string): Promise<boolean> {
  return (await treeOwner(dir, prefix)).ours;
}

/** The tolerated files (see isTolerated) of a site's tree, sorted. */
export async function keptFiles(outDir: string, site: string): Promise<string[]> {
  return (await listFiles(join(outDir, site))).filter(isTolerated);
}

/**
 * Writes a site's files as one unit: stage them in a hidden folder beside `out/<site>`, then
 * swap it in with renames. Stale files vanish with the old tree; on any failure the previous
 * tree is left (or put back) intact. `reveal` writes secret files 0600 in 0700 folders. The
 * caller recovers `outDir` first (`recoverOutDir`), as every command that touches it does.
 */
export async function writeSiteTree(
  outDir: string,
  site: string,
  files: readonly OutputFile[],
  options: { reveal: boolean; display: string },
): Promise<void> {
  await mkdir(outDir, { recursive: true, mode: options.reveal ? 0o700 : 0o755 });
  const target = join(outDir, site);
  const hadTree = await assertPlainFolder(target, options.display);
  const owner = hadTree ? await treeOwner(target, GENERATED_PREFIX) : ({ ours: true, kept: [] } as const);
  if (!owner.ours) {
    throw new UsageError(
      'out-not-ours',
      `${options.display}: exists and ${owner.why}; move it away or choose another --out (Helm's Chart.lock and charts/*.tgz and a compose override file are left alone)`,
    );
  }
  const staging = join(outDir, tempName(site, STAGING));
  const dirMode = options.reveal ? 0o700 : 0o755;
  try {
    await mkdir(staging, { mode: dirMode });
    const folders = [...new Set(files.map((f) => dirname(join(staging, ...f.path.split('/')))))].sort(compareStrings);
    for (const folder of folders) await mkdir(folder, { recursive: true, mode: dirMode });
    // The files are written and synced together: the file system overlaps their syncs.
    await Promise.all(
      files.map((f) => writeNewFile(join(staging, ...f.path.split('/')), f.contents, options.reveal && f.secret ? 0o600 : 0o644)),
    );
    // Every folder of the staged tree is synced, so the names of the files in it are durable too.
    await Promise.all([...new Set([staging, ...folders.flatMap((f) => ancestorsWithin(staging, f))])].map(syncDir));
    // What Helm or compose put beside the old tree is carried into the new one, left as it was.
    for (const rel of owner.kept) {
      const to = join(staging, ...rel.split('/'));
      await mkdir(dirname(to), { recursive: true, mode: dirMode });
      await copyFile(join(target, ...rel.split('/')), to);
    }
    // Nothing but this run writes here (the out/ lock); prove the staged tree is exactly the site's.
    const staged = await listFiles(staging);
    const meant = [...files.map((f) => f.path), ...owner.kept].sort(compareStrings);
    if (staged.length !== meant.length || staged.some((p, i) => p !== meant[i])) {
      throw new UsageError(
        'out-interfered',
        `${options.display}: the staged files changed while they were written; nothing was swapped in`,
      );
    }
    if (hadTree) {
      const previous = join(outDir, tempName(site, PREVIOUS));
      await rename(target, previous);
      await rename(staging, target);
      await syncDir(outDir);
      await discard(outDir, site, previous);
    } else {
      await rename(staging, target);
    }
    await syncDir(outDir);
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    await recoverOutDir(outDir, site);
    throw e;
  }
}

/** Creates a file that must not exist yet, with exactly `mode`, and syncs it. */
async function writeNewFile(path: string, contents: string, mode: number): Promise<void> {
  const handle = await open(path, 'wx', mode);
  try {
    await handle.writeFile(contents, 'utf8');
    await handle.chmod(mode); // the umask must not widen or narrow the mode
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** `folder` and its ancestors up to and including `root`. */
function ancestorsWithin(root: string, folder: string): string[] {
  const out: string[] = [];
  for (let f = folder; f.startsWith(root); f = dirname(f)) {
    out.push(f);
    if (f === root) break;
  }
  return out;
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
  /** Files Helm or compose put there (isTolerated): neither compared nor counted as extra. */
  readonly kept: string[];
  /** With `patches`: a unified diff per differing file (from the tree to the compiled file). */
  readonly patches?: { readonly path: string; readonly text: string }[];
}

/**
 * The tree that holds a site's output: `out/<site>`, or, when a run was killed between the two
 * renames of a swap, the complete previous tree waiting beside it (a compile puts it back).
 */
export async function siteTreePath(outDir: string, site: string): Promise<string> {
  const target = join(outDir, site);
  if (await exists(target)) return target;
  const named = (await readdir(outDir).catch(() => [] as string[]))
    .filter((n) => TEMP_NAME.exec(n)?.[1] === site && n.includes(PREVIOUS))
    .sort(compareStrings);
  // A link or a file of that name is no previous tree: never read through it.
  for (const n of named) if (await isFolder(join(outDir, n))) return join(outDir, n);
  return target;
}

/** Compares compiled files with a site's tree byte for byte; reads, never writes. */
export async function diffSiteTree(
  outDir: string,
  site: string,
  files: readonly OutputFile[],
  options: { patches?: boolean } = {},
): Promise<TreeDifference> {
  const target = await siteTreePath(outDir, site);
  const present = new Set(await listFiles(target));
  // The files are read together: the reads overlap instead of waiting on each other.
  const currents = await Promise.all(
    files.map((f) =>
      present.has(f.path)
        ? // --check of an out/ that did not exist when it started runs without the lock: a compile may
          // be creating the tree meanwhile, and a file listed a moment ago may be gone.
          readFile(join(target, ...f.path.split('/'))).catch((e: unknown) => {
            if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
            throw e;
          })
        : Promise.resolve(undefined),
    ),
  );
  const differing: string[] = [];
  const missing: string[] = [];
  files.forEach((f, i) => {
    present.delete(f.path);
    const current = currents[i];
    if (current === undefined) missing.push(f.path);
    else if (!current.equals(Buffer.from(f.contents, 'utf8'))) differing.push(f.path);
  });
  const rest = [...present].sort(compareStrings);
  const diff: TreeDifference = { differing, missing, extra: rest.filter((p) => !isTolerated(p)), kept: rest.filter(isTolerated) };
  if (options.patches !== true) return diff;
  const patches = files.flatMap((f, i) => {
    if (!differing.includes(f.path)) return [];
    // A file that may hold secret values (in a revealed tree) never has its difference shown.
    if (f.secret) return [{ path: f.path, text: `(${f.path} may hold secret values: its difference is not shown)\n` }];
    return [{ path: f.path, text: unifiedDiff(f.path, currents[i]!.toString('utf8'), f.contents) }];
  });
  return { ...diff, patches };
}

/**
 * Removes a site folder that no site file compiles to any more, if every file in it was
 * generated by chamicore-compile (starts with `prefix`). Returns false, touching nothing, if not.
 */
export async function removeStaleSite(outDir: string, site: string, prefix: string): Promise<boolean> {
  const target = join(outDir, site);
  const info = await lstat(target).catch(() => undefined);
  if (info === undefined || !info.isDirectory() || !(await isGeneratedTree(target, prefix))) return false;
  await discard(outDir, site, target);
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
