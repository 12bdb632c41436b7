import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** The file is not a regular file (a FIFO, a device such as /dev/zero, a folder, a socket). */
export class NotRegularFileError extends Error {
  override readonly name = 'NotRegularFileError';
}

/**
 * Reads at most `max + 1` bytes of a regular file, so callers can tell "too large" without reading
 * more. Opened non-blocking (a FIFO cannot hang the run) and, with `noFollow`, refusing a symbolic
 * link as the last component; the check that it is a regular file is made on the open handle, so
 * the file cannot be swapped between the check and the read.
 */
export async function readBounded(path: string, max: number, options: { noFollow?: boolean } = {}): Promise<Buffer> {
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow === true ? constants.O_NOFOLLOW : 0);
  const handle = await open(path, flags);
  try {
    if (!(await handle.stat()).isFile()) throw new NotRegularFileError('not a regular file');
    const buffer = Buffer.alloc(max + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}
