import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** The file is not a regular file (a FIFO, a device such as /dev/zero, a folder, a socket). */
export class NotRegularFileError extends Error {
  override readonly name = 'NotRegularFileError';
}

/**
 * Reads at most `max + 1` bytes of a regular file, so callers can tell "too large" without reading
 * more. Opened non-blocking (a FIFO cannot hang the run) and, with `noFollow`, refusing a symbolic
 * link as the last component; the check that it is a regular file is made on the open descriptor, so
 * the file cannot be swapped between the check and the read. Synchronous: a site file is a few KiB,
 * and through the thread pool the same four calls cost a run of 1,000 sites 0.2 s more (measured:
 * 16 ms against 221 ms for 1,000 files).
 */
export function readBounded(path: string, max: number, options: { noFollow?: boolean } = {}): Buffer {
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow === true ? constants.O_NOFOLLOW : 0);
  const fd = openSync(path, flags);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new NotRegularFileError('not a regular file');
    // Sized from the file (one byte more, to see it grow past its size or past max): a 1.4 KB site
    // file costs a 1.4 KB buffer, not max + 1 zero-filled bytes. A file that grows while it is read
    // is read on in chunks, up to max + 1 bytes in all.
    let buffer = Buffer.allocUnsafe(Math.min(max, info.size) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (buffer.length > max) break;
        const larger = Buffer.allocUnsafe(Math.min(max + 1, buffer.length * 2));
        buffer.copy(larger, 0, 0, length);
        buffer = larger;
      }
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}
