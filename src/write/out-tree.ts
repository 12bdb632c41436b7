import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
  type Dirent,
  type Stats,
} from 'node:fs';
import { copyFile, lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GENERATED_PREFIX } from '../emit/header.js';
import { syncFileSystem } from '../io/sync-fs.js';
import type { OutputFile } from '../emit/output.js';
import { compareStrings } from '../util/compare.js';
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
const isFolder = (path: string): boolean => lstatSync(path, { throwIfNoEntry: false })?.isDirectory() === true;

/** Anything of that name, a link included (not followed). */
const exists = (path: string): boolean => lstatSync(path, { throwIfNoEntry: false }) !== undefined;

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
    if (!isFolder(path)) await rm(path, { force: true });
    else if (!exists(join(outDir, t.site))) await rename(path, join(outDir, t.site));
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
export function assertPlainFolder(target: string, display: string): boolean {
  let info: Stats | undefined;
  try {
    info = lstatSync(target);
  } catch {
    return false;
  }
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

/** A site's tree staged beside `out/<site>`, waiting for the run's one durability barrier and its swap. */
interface StagedTree {
  readonly site: string;
  readonly display: string;
  readonly staging: string;
  readonly target: string;
  readonly hadTree: boolean;
  /** The relative paths the staged tree must hold, sorted (a run of 10,000 sites keeps 230,000). */
  readonly meant: readonly string[];
}

/** Every file and folder of a staged tree, for a barrier that syncs them one by one. */
function stagedPaths(t: StagedTree): { files: string[]; folders: string[] } {
  const files = t.meant.map((rel) => join(t.staging, ...rel.split('/')));
  const folders = [...new Set(files.flatMap((f) => ancestorsWithin(t.staging, dirname(f))))];
  return { files, folders };
}

/** How many files the barrier syncs at once: enough to overlap, few enough for any descriptor limit. */
const SYNC_CONCURRENCY = 64;

/**
 * The trees a run writes, staged one site at a time and swapped in together. `stage` writes a
 * site's files into a hidden folder beside `out/<site>` without syncing them, so staging costs
 * what writing to the page cache costs and the run holds no site's files in memory; `commit` is
 * the run's one durability barrier: every staged file and folder is synced (together, overlapping),
 * then each tree is swapped in with two renames, `out/` is synced once, and the previous trees are
 * deleted. After a power cut at any instant a site folder is complete: a tree is renamed into place
 * only once its files and folders are on disk, the old tree waits under a previous name until the
 * renames are (recoverOutDir puts it back if its site folder is missing), and an unsynced staging
 * tree is deleted by the next run. `abandon` deletes what was staged: nothing is swapped in, so
 * out/ keeps what it had. The caller holds the out/ lock and has recovered out/ (recoverOutDir).
 */
export class TreeStager {
  private readonly staged: StagedTree[] = [];
  private readonly dirMode: number;

  constructor(
    private readonly outDir: string,
    private readonly outShown: string,
    private readonly reveal: boolean,
    /** The one-step barrier (tests give one that is unavailable, to take the file-by-file one). */
    private readonly syncAll: (path: string) => Promise<boolean> = syncFileSystem,
  ) {
    this.dirMode = reveal ? 0o700 : 0o755;
  }

  /** How many trees wait for commit. */
  get size(): number {
    return this.staged.length;
  }

  /** Stages a site's files (and what Helm or compose put beside its old tree); syncs nothing. */
  async stage(site: string, files: readonly OutputFile[], display: string): Promise<void> {
    mkdirSync(this.outDir, { recursive: true, mode: this.dirMode });
    const target = join(this.outDir, site);
    const hadTree = assertPlainFolder(target, display);
    const owner = hadTree ? await treeOwner(target, GENERATED_PREFIX) : ({ ours: true, kept: [] } as const);
    if (!owner.ours) {
      throw new UsageError(
        'out-not-ours',
        `${display}: exists and ${owner.why}; move it away or choose another --out (Helm's Chart.lock and charts/*.tgz and a compose override file are left alone)`,
      );
    }
    const staging = join(this.outDir, tempName(site, STAGING));
    try {
      // Synchronous calls: each only hands a few KiB to the page cache (nothing is synced here), and
      // through the thread pool the same writes cost four times as much, most of it in futexes.
      mkdirSync(staging, { mode: this.dirMode });
      const folders = [...new Set(files.map((f) => dirname(join(staging, ...f.path.split('/')))))].sort(compareStrings);
      for (const folder of folders) mkdirSync(folder, { recursive: true, mode: this.dirMode });
      for (const f of files) writeNewFile(join(staging, ...f.path.split('/')), f.contents, this.reveal && f.secret ? 0o600 : 0o644);
      // What Helm or compose put beside the old tree is carried into the new one, left as it was.
      for (const rel of owner.kept) {
        const to = join(staging, ...rel.split('/'));
        await mkdir(dirname(to), { recursive: true, mode: this.dirMode });
        await copyFile(join(target, ...rel.split('/')), to);
      }
      this.staged.push({
        site,
        display,
        staging,
        target,
        hadTree,
        meant: [...files.map((f) => f.path), ...owner.kept].sort(compareStrings),
      });
    } catch (e) {
      await rm(staging, { recursive: true, force: true });
      throw e;
    }
  }

  /**
   * The barrier, then the swaps. A failure while syncing swaps nothing in (every staged tree is
   * deleted); a failure while swapping leaves the sites before it swapped in, that site's previous
   * tree put back, and the rest unstaged. `step` turns an operating-system error into the run's
   * one-line error naming the folder (fsStep).
   */
  async commit(step: <T>(display: string, verb: string, work: () => Promise<T>) => Promise<T>): Promise<void> {
    const trees = this.staged.splice(0);
    try {
      await step(trees.length === 1 ? trees[0]!.display : this.outShown, 'write', async () => {
        // One syncfs of out/'s file system when there is one; otherwise every file and folder.
        if (trees.length === 0 || (await this.syncAll(this.outDir))) return;
        const paths = trees.map(stagedPaths);
        await forEachLimited(
          paths.flatMap((p) => p.files),
          SYNC_CONCURRENCY,
          syncFile,
        );
        // Every folder of each staged tree is synced, so the names of the files in it are durable too.
        await forEachLimited(
          paths.flatMap((p) => p.folders),
          SYNC_CONCURRENCY,
          syncDir,
        );
      });
      const previous: { site: string; path: string }[] = [];
      for (const [i, t] of trees.entries()) {
        await step(t.display, 'write', async () => {
          try {
            // Nothing but this run writes here (the out/ lock); prove the staged tree is exactly the site's.
            const staged = listFiles(t.staging);
            if (staged.length !== t.meant.length || staged.some((p, j) => p !== t.meant[j]))
              throw new UsageError(
                'out-interfered',
                `${t.display}: the staged files changed while they were written; nothing was swapped in`,
              );
            if (t.hadTree) {
              const old = join(this.outDir, tempName(t.site, PREVIOUS));
              renameSync(t.target, old);
              previous.push({ site: t.site, path: old });
            }
            renameSync(t.staging, t.target);
          } catch (e) {
            for (const rest of trees.slice(i)) await rm(rest.staging, { recursive: true, force: true });
            await recoverOutDir(this.outDir, t.site);
            // The sites swapped in before this one stay; their previous trees go once that is durable.
            await syncDir(this.outDir);
            for (const p of previous) if (p.site !== t.site) await discard(this.outDir, p.site, p.path);
            throw e;
          }
        });
      }
      // One sync makes every swap durable before any previous tree is deleted.
      await step(this.outShown, 'write', () => syncDir(this.outDir));
      for (const p of previous) await step(`${this.outShown}/${p.site}`, 'remove', () => discard(this.outDir, p.site, p.path));
    } catch (e) {
      for (const t of trees) await rm(t.staging, { recursive: true, force: true });
      throw e;
    }
  }

  /** The tolerated files a staged tree carried over from the site's old tree (none if it is not staged). */
  keptOf(site: string): string[] {
    const t = this.staged.find((x) => x.site === site);
    return t === undefined ? [] : t.meant.filter(isTolerated);
  }

  /** Deletes every staged tree: out/ keeps what it had. */
  async abandon(): Promise<void> {
    for (const t of this.staged.splice(0)) await rm(t.staging, { recursive: true, force: true });
  }
}

/** Runs `work` on every item, at most `limit` at a time. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Creates a file that must not exist yet, with exactly `mode`; the stager's barrier syncs it. */
function writeNewFile(path: string, contents: string, mode: number): void {
  const fd = openSync(path, 'wx', mode);
  try {
    writeFileSync(fd, contents, 'utf8');
    fchmodSync(fd, mode); // the umask must not widen or narrow the mode
  } finally {
    closeSync(fd);
  }
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
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
function listFiles(dir: string, prefix = ''): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    entries = [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(...listFiles(join(dir, e.name), rel));
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
export function siteTreePath(outDir: string, site: string): string {
  const target = join(outDir, site);
  if (exists(target)) return target;
  let names: string[];
  try {
    names = readdirSync(outDir);
  } catch {
    names = [];
  }
  const named = names.filter((n) => TEMP_NAME.exec(n)?.[1] === site && n.includes(PREVIOUS)).sort(compareStrings);
  // A link or a file of that name is no previous tree: never read through it.
  for (const n of named) if (isFolder(join(outDir, n))) return join(outDir, n);
  return target;
}

/**
 * Compares compiled files with a site's tree byte for byte; reads, never writes. Synchronous: a
 * site's tree is a dozen small files, and through the thread pool the reads cost a run of 1,000
 * sites more than the comparing.
 */
export function diffSiteTree(
  outDir: string,
  site: string,
  files: readonly OutputFile[],
  options: { patches?: boolean } = {},
): TreeDifference {
  const target = siteTreePath(outDir, site);
  const present = new Set(listFiles(target));
  const currents = files.map((f) => {
    if (!present.has(f.path)) return undefined;
    try {
      return readFileSync(join(target, ...f.path.split('/')));
    } catch (e) {
      // --check of an out/ that did not exist when it started runs without the lock: a compile may
      // be creating the tree meanwhile, and a file listed a moment ago may be gone.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  });
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
