import { fsErrorCode } from '../load/fs-error.js';
import { UsageError } from '../report/exit-codes.js';
import { lockOutDir } from '../write/lock.js';
import type { CliIo } from './io.js';

/**
 * Runs a file-system step on the output folder; an operating-system error (EACCES, ENOTDIR,
 * ENOSPC, …) becomes a one-line usage error naming the folder. Anything else is a bug and stays one.
 */
export async function fsStep<T>(display: string, verb: string, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    const code = fsErrorCode(e);
    if (code === undefined) throw e;
    throw new UsageError('out-io', `${display}: cannot ${verb}: ${code}${verb === 'write' ? '; the previous contents are unchanged' : ''}`);
  }
}

/**
 * Runs `work` holding the output folder's lock: runs on one out/ serialise on it. A compile
 * (`recover`) may complete or undo what a killed run left half-done; --check deletes nothing and
 * reads a read-only out/ without the lock (nobody can change it).
 */
export async function withOutLock<T>(
  outDir: string,
  outShown: string,
  recover: boolean,
  io: CliIo,
  work: () => Promise<T>,
  dirMode = 0o755,
): Promise<T> {
  const lock = await fsStep(outShown, 'lock', () =>
    lockOutDir(outDir, io.lock, recover, outShown, dirMode).catch((e: unknown) => {
      const code = fsErrorCode(e);
      if (!recover && (code === 'EACCES' || code === 'EROFS' || code === 'EPERM')) return undefined;
      throw e;
    }),
  );
  try {
    return await work();
  } finally {
    await lock?.release();
  }
}
