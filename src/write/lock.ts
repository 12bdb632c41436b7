import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../report/exit-codes.js';

/** The lock every run that writes or reads `out/` holds, so runs on one folder serialise. */
export const LOCK_NAME = '.chamicore-compile.lock';

/** What the lock needs of the process (given by src/bin.ts). */
export interface LockOwner {
  readonly pid: number;
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
 * Takes the lock of `outDir` (creating the folder when `create`): waits while a live run holds
 * it, takes over a lock whose process is gone, and fails with `out-locked` after `waitMs`.
 * Returns undefined, holding nothing, when the folder does not exist and `create` is false.
 */
export async function lockOutDir(outDir: string, owner: LockOwner, create: boolean, display: string): Promise<OutLock | undefined> {
  if (create) await mkdir(outDir, { recursive: true });
  const path = join(outDir, LOCK_NAME);
  const token = `${String(owner.pid)} ${randomBytes(8).toString('hex')}\n`;
  let waited = 0;
  for (;;) {
    try {
      // The lock appears with its content in one step (a hard link of a written file): a run that
      // reads it never sees it empty, which would look like a dead owner's.
      const draft = `${path}.${String(owner.pid)}-${randomBytes(6).toString('hex')}`;
      const handle = await open(draft, 'wx', 0o644);
      try {
        await handle.writeFile(token, 'utf8');
      } finally {
        await handle.close();
      }
      try {
        await link(draft, path);
      } finally {
        await rm(draft, { force: true });
      }
      await removeDeadDrafts(outDir, owner);
      return {
        release: async () => {
          const held = await readFile(path, 'utf8').catch(() => '');
          if (held === token) await rm(path, { force: true });
        },
      };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !create) return undefined;
      if (code !== 'EEXIST') throw e;
    }
    const held = await readFile(path, 'utf8').catch(() => undefined);
    if (held === undefined) continue; // released meanwhile
    const pid = Number(held.split(' ')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || !owner.alive(pid)) {
      await takeOver(path, held, owner);
      continue;
    }
    if (waited >= owner.waitMs) {
      throw new UsageError(
        'out-locked',
        `${display}: another chamicore-compile run (process ${String(pid)}) is using it; try again when it ends`,
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
    if ((await readFile(path, 'utf8').catch(() => undefined)) === stale) await rm(path, { force: true });
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
