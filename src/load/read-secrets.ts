import { lstat, open, readFile, realpath } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { UsageError } from '../report/exit-codes.js';
import type { SecretFile } from '../secrets/resolve.js';
import { findGitWorkTree } from '../write/git.js';

const MAX_SECRET_FILE_BYTES = 64 * 1024;

/** Strips one trailing newline (LF or CRLF): editors add it, secrets do not contain it. */
function chompOne(s: string): string {
  return s.endsWith('\r\n') ? s.slice(0, -2) : s.endsWith('\n') ? s.slice(0, -1) : s;
}

/** Reads the site key from a file; never echoes its contents. */
export async function readSiteKeyFile(path: string, cwd: string): Promise<Uint8Array> {
  try {
    const text = await readFile(resolve(cwd, path));
    return Buffer.from(chompOne(text.toString('utf8')), 'utf8');
  } catch (e) {
    throw new UsageError('site-key-unreadable', `--site-key-file ${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
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
export async function readSecretFiles(dir: string, names: readonly string[]): Promise<Map<string, SecretFile>> {
  const out = new Map<string, SecretFile>();
  for (const name of names) {
    const candidate = join(dir, name);
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      out.set(name, { kind: 'missing' });
      continue;
    }
    if (!real.startsWith(dir + sep)) {
      out.set(name, { kind: 'outside' });
      continue;
    }
    const handle = await open(real, 'r').catch(() => undefined);
    if (handle === undefined) {
      out.set(name, { kind: 'missing' });
      continue;
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) {
        out.set(name, { kind: 'missing' });
        continue;
      }
      if (info.size > MAX_SECRET_FILE_BYTES) {
        out.set(name, { kind: 'invalid', reason: `is larger than ${MAX_SECRET_FILE_BYTES} bytes` });
        continue;
      }
      const bytes = await handle.readFile();
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        out.set(name, { kind: 'invalid', reason: 'is not UTF-8 text' });
        continue;
      }
      out.set(name, { kind: 'ok', value: chompOne(text) });
    } finally {
      await handle.close();
    }
  }
  return out;
}
