import { lstat, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../report/exit-codes.js';
import { fsErrorCode } from './fs-error.js';
import { NotRegularFileError, readBounded } from './read-bounded.js';
import type { SecretFile } from '../secrets/resolve.js';
import { findGitWorkTree } from '../io/git.js';

const MAX_SECRET_FILE_BYTES = 64 * 1024;

/** Strips one trailing newline (LF or CRLF): editors add it, secrets do not contain it. */
function chompOne(s: string): string {
  return s.endsWith('\r\n') ? s.slice(0, -2) : s.endsWith('\n') ? s.slice(0, -1) : s;
}

const MAX_SITE_KEY_FILE_BYTES = 64 * 1024;

/**
 * Reads the site key from a file as bytes (a random binary key keeps all its entropy; the length
 * minimum applies to bytes), without one trailing newline; never echoes its contents. A FIFO or a
 * device (/dev/zero) is refused, not read.
 */
export function readSiteKeyFile(path: string, cwd: string): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = readBounded(resolve(cwd, path), MAX_SITE_KEY_FILE_BYTES);
  } catch (e) {
    const code = fsErrorCode(e);
    if (!(e instanceof NotRegularFileError) && code === undefined) throw e;
    throw new UsageError(
      'site-key-unreadable',
      `--site-key-file ${path}: ${code === undefined ? 'not a regular file' : `cannot read: ${code}`}`,
    );
  }
  if (bytes.length > MAX_SITE_KEY_FILE_BYTES) {
    throw new UsageError('site-key-unreadable', `--site-key-file ${path}: larger than ${String(MAX_SITE_KEY_FILE_BYTES)} bytes`);
  }
  return chompOneByte(bytes);
}

/** One trailing LF or CRLF removed, at the byte level. */
function chompOneByte(b: Buffer): Buffer {
  if (b.length >= 2 && b[b.length - 2] === 0x0d && b[b.length - 1] === 0x0a) return b.subarray(0, -2);
  if (b.length >= 1 && b[b.length - 1] === 0x0a) return b.subarray(0, -1);
  return b;
}

/** Validates --secrets-dir: an existing folder outside any git work tree. Returns its real path. */
export async function checkSecretsDir(path: string, cwd: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(resolve(cwd, path));
    if (!(await lstat(real)).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new UsageError('secrets-dir-missing', `--secrets-dir ${path}: not an existing folder`);
  }
  const tree = await findGitWorkTree(real);
  if (tree !== undefined) {
    throw new UsageError(
      'secrets-dir-in-git',
      `--secrets-dir ${path}: the folder lies inside the git work tree ${tree}; keep secret files outside any repository`,
    );
  }
  return real;
}

/**
 * Reads the named files from the secrets folder. A name that resolves outside the folder (through
 * `..` or a symbolic link) is refused without being read.
 */
export function readSecretFiles(dir: string, names: readonly string[]): Map<string, SecretFile> {
  const out = new Map<string, SecretFile>();
  for (const name of names) {
    // The name is a plain file name (schema) directly in the real folder: opened without following
    // a link, so nothing can redirect the read outside the folder, not even a swap after a check.
    let bytes: Buffer;
    try {
      bytes = readBounded(join(dir, name), MAX_SECRET_FILE_BYTES, { noFollow: true });
    } catch (e) {
      const code = fsErrorCode(e);
      if (code === 'ELOOP') out.set(name, { kind: 'outside' });
      else if (e instanceof NotRegularFileError) out.set(name, { kind: 'invalid', reason: 'is not a regular file' });
      else if (code !== undefined) out.set(name, { kind: 'missing' });
      else throw e;
      continue;
    }
    if (bytes.length > MAX_SECRET_FILE_BYTES) {
      out.set(name, { kind: 'invalid', reason: `is larger than ${MAX_SECRET_FILE_BYTES} bytes` });
      continue;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      out.set(name, { kind: 'invalid', reason: 'is not UTF-8 text' });
      continue;
    }
    out.set(name, { kind: 'ok', value: chompOne(text) });
  }
  return out;
}
