import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, lstat, mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../report/exit-codes.js';

/** The lock every run that writes or reads `out/` holds, so runs on one folder serialise. */
export const LOCK_NAME = '.chamicore-compile.lock';

/** What the lock needs of the process (given by src/bin.ts). */
export interface LockOwner {
  readonly pid: number;
  /**
   * Where `pid` means this process: the host, its boot and the PID namespace, without white space
   * (`host/boot-id/pid:[4026531836]`). A lock from elsewhere (another container, another host on a
   * shared file system) names a process this run cannot see, so it is never taken over.
   */
  readonly where: () => string;
  /** Whether a process with this id is running (a lock of a dead one is stale). */
  readonly alive: (pid: number) => boolean;
  /** Waits, for polling the lock. */
  readonly sleep: (ms: number) => Promise<void>;
  /** How long to wait for another run before giving up. */
  readonly waitMs: number;
}

export interface OutLock {
  readonly release: () => Promise<void>;
}

/**
 * Takes the lock of `outDir` (creating the folder, and its missing parents, with `dirMode` when `create`): waits while a live run holds
 * it, takes over a lock whose process is gone, and fails with `out-locked` after `waitMs`.
 * Returns undefined, holding nothing, when the folder does not exist and `create` is false.
 */
export async function lockOutDir(
  outDir: string,
  owner: LockOwner,
  create: boolean,
  display: string,
  dirMode = 0o755,
): Promise<OutLock | undefined> {
  // Created with its mode whatever the umask (0700 for revealed secrets); an existing folder keeps its own.
  if (create) await mkdir(outDir, { recursive: true, mode: dirMode });
  const path = join(outDir, LOCK_NAME);
  const here = owner.where().replace(/\s/g, '_');
  const token = `${String(owner.pid)} ${here} ${randomBytes(8).toString('hex')}\n`;
  const lockShown = `${display}/${LOCK_NAME}`;
  let waited = 0;
  for (;;) {
    try {
      // The lock appears with its content in one step (a hard link of a written file): a run that
      // reads it never sees it empty, which would look like a dead owner's.
      const draft = `${path}.${String(owner.pid)}-${randomBytes(6).toString('hex')}`;
      const handle = await open(draft, 'wx', 0o644);
      try {
        await handle.writeFile(token, 'utf8');
      } catch (e) {
        // A full disk (ENOSPC) leaves no draft behind.
        await handle.close().catch(() => undefined);
        await rm(draft, { force: true });
        throw e;
      }
      await handle.close();
      try {
        await link(draft, path);
      } finally {
        await rm(draft, { force: true });
      }
      await removeDeadDrafts(outDir, owner);
      return {
        release: async () => {
          const held = await readLock(path).catch(() => undefined);
          if (held?.text === token) await rm(path, { force: true });
        },
      };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !create) return undefined;
      if (code !== 'EEXIST') throw e;
    }
    const lock = await readLock(path);
    if (lock.kind === 'absent') continue; // released meanwhile
    if (lock.kind === 'foreign') {
      // A directory, a link, a FIFO or a large file: no run of ours wrote it, and waiting cannot help.
      throw new UsageError('out-locked', `${lockShown} is ${lock.what}, not a lock chamicore-compile writes: remove it`);
    }
    const fields = lock.text.trim().split(' ');
    const [pidText = '', where] = fields;
    const pid = Number(pidText);
    // A lock of the older form (pid and token) names no place: it is this host's.
    const elsewhere = fields.length >= 3 && where !== here;
    if (!elsewhere && (!Number.isInteger(pid) || pid <= 0 || !owner.alive(pid))) {
      await takeOver(path, lock.text, owner);
      continue;
    }
    if (waited >= owner.waitMs) {
      throw new UsageError(
        'out-locked',
        elsewhere
          ? `${display}: process ${String(pid)} of another host or container (${where ?? '?'}) holds ${LOCK_NAME}, and this run cannot tell whether it still runs; remove ${lockShown} once no run uses the folder`
          : `${display}: another chamicore-compile run (process ${String(pid)}) is using it; try again when it ends`,
      );
    }
    await owner.sleep(50);
    waited += 50;
  }
}

/**
 * Removes a dead run's lock, if it is still the one seen: under a short second lock, so two runs
 * that both saw it dead cannot remove a live lock the other has just taken.
 */
async function takeOver(path: string, stale: string, owner: LockOwner): Promise<void> {
  const guard = `${path}.takeover`;
  let handle;
  try {
    handle = await open(guard, 'wx', 0o644);
  } catch {
    // Another run is taking over; a guard left by a run killed right there is removed after 10 s.
    const age = await stat(guard).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > 10_000) await rm(guard, { force: true });
    await owner.sleep(50);
    return;
  }
  try {
    if ((await readLock(path).catch(() => undefined))?.text === stale) await rm(path, { force: true });
  } finally {
    await handle.close();
    await rm(guard, { force: true });
  }
}

/** Drafts of the lock left by runs killed while taking it (their process is gone). */
async function removeDeadDrafts(outDir: string, owner: LockOwner): Promise<void> {
  for (const name of await readdir(outDir).catch(() => [] as string[])) {
    const m = /^\.chamicore-compile\.lock\.(\d+)-[0-9a-f]{12}$/.exec(name);
    if (m !== null && !owner.alive(Number(m[1]))) await rm(join(outDir, name), { force: true });
  }
}

/** The most a lock file holds: a pid, a place and a token. */
const LOCK_MAX_BYTES = 512;

type LockRead = { kind: 'absent'; text?: undefined } | { kind: 'foreign'; what: string; text?: undefined } | { kind: 'held'; text: string };

/**
 * Reads the lock without following a link or blocking on a FIFO, and only when it is a small
 * regular file: anything else is reported, never read (a 3 GB file, a FIFO, a directory or a
 * dangling link committed in a merge request made every run hang).
 */
async function readLock(path: string): Promise<LockRead> {
  let info;
  try {
    info = await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw e;
  }
  if (!info.isFile()) return { kind: 'foreign', what: kindOf(info) };
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'absent' };
    if (code === 'ELOOP') return { kind: 'foreign', what: 'a symbolic link' };
    throw e;
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) return { kind: 'foreign', what: kindOf(opened) };
    if (opened.size > LOCK_MAX_BYTES) return { kind: 'foreign', what: `a file of ${String(opened.size)} bytes` };
    const buffer = Buffer.alloc(LOCK_MAX_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > LOCK_MAX_BYTES) return { kind: 'foreign', what: 'a file larger than a lock' };
    return { kind: 'held', text: buffer.subarray(0, bytesRead).toString('utf8') };
  } finally {
    await handle.close();
  }
}

function kindOf(info: { isDirectory(): boolean; isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  return 'a device';
}
