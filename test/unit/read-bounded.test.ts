/** readBounded: at most max + 1 bytes, in a buffer sized from the file, regular files only. */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { NotRegularFileError, readBounded } from '../../src/load/read-bounded.js';
import { removeTemps, temp } from '../helpers/cli.js';

afterAll(removeTemps);

describe('readBounded', () => {
  it('reads a file whole up to max bytes, and max + 1 of a larger one', () => {
    const dir = temp();
    for (const [size, read] of [
      [0, 0],
      [1, 1],
      [999, 999],
      [1000, 1000],
      [1001, 1001],
      [5000, 1001],
    ] as const) {
      const bytes = Buffer.from(Array.from({ length: size }, (_, i) => i % 251));
      writeFileSync(join(dir, 'f'), bytes);
      const got = readBounded(join(dir, 'f'), 1000);
      expect(got.length, String(size)).toBe(read);
      expect(got.equals(bytes.subarray(0, read))).toBe(true);
    }
  });

  it('sizes its buffer from the file, not from max', () => {
    const dir = temp();
    writeFileSync(join(dir, 'small'), 'site:\n  name: small\n');
    const spy = vi.spyOn(Buffer, 'allocUnsafe');
    const alloc = vi.spyOn(Buffer, 'alloc');
    try {
      expect(readBounded(join(dir, 'small'), 1024 * 1024).toString()).toBe('site:\n  name: small\n');
      expect(spy.mock.calls.map((c) => c[0])).toEqual([21]);
      expect(alloc).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
      alloc.mockRestore();
    }
  });

  it('reads on past the size fstat gave, up to max + 1 bytes (a file that grew; /proc files say 0)', () => {
    const text = readFileSync('/proc/version');
    expect(statSync('/proc/version').size).toBe(0);
    expect(readBounded('/proc/version', 100_000).equals(text)).toBe(true);
    expect(readBounded('/proc/version', 20).equals(text.subarray(0, 21))).toBe(true);
  });

  it('refuses what is not a regular file: a folder, a FIFO (without hanging)', () => {
    const dir = temp();
    expect(() => readBounded(dir, 10)).toThrow(NotRegularFileError);
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    expect(() => readBounded(join(dir, 'fifo'), 10)).toThrow(NotRegularFileError);
  });
});
