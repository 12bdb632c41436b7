import { spawnSync } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';

/** The root of the git work tree holding `path` (or its nearest existing ancestor), if any. */
export async function findGitWorkTree(path: string): Promise<string | undefined> {
  let dir = path;
  for (;;) {
    const found = await stat(join(dir, '.git')).then(
      () => true,
      () => false,
    );
    if (found) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** `path` with every symbolic link of its existing part resolved (the rest does not exist yet). */
export async function realPathOf(path: string): Promise<string> {
  const rest: string[] = [];
  let dir = path;
  for (;;) {
    try {
      return join(await realpath(dir), ...rest);
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return path;
      rest.unshift(basename(dir));
      dir = parent;
    }
  }
}

/**
 * The first of `paths` (relative to `outDir`) that git could track: inside a work tree, after
 * resolving every link on the way, and either not ignored (every path is asked, so a `!` negation
 * is seen) or already tracked. Without a git binary to ask, anything inside a work tree counts.
 * git runs with what it needs of the caller's environment (gitEnv), nothing else.
 */
export async function findTrackablePath(
  outDir: string,
  paths: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ tree: string; path: string } | undefined> {
  const real = await realPathOf(outDir);
  const tree = await findGitWorkTree(real);
  if (tree === undefined) return undefined;
  const rel = relative(tree, real);
  const candidates = paths.map((p) => (rel === '' ? p : `${rel.split(sep).join('/')}/${p}`));
  const first = { tree, path: join(real, paths[0] ?? '') };
  const tracked = spawnSync('git', ['-C', tree, 'ls-files', '-z', '--', rel === '' ? '.' : rel], { encoding: 'utf8', env: gitEnv(env) });
  if (tracked.error !== undefined || tracked.status !== 0) return first;
  if (tracked.stdout !== '') return { tree, path: join(tree, tracked.stdout.split('\0')[0]!) };
  const r = spawnSync('git', ['-C', tree, 'check-ignore', '--no-index', '-v', '-n', '-z', '--stdin'], {
    input: candidates.map((c) => `${c}\0`).join(''),
    encoding: 'utf8',
    env: gitEnv(env),
    maxBuffer: 64 * 1024 * 1024,
  });
  // Exit 1 only means "nothing ignored"; with -n every path is listed either way.
  if (r.error !== undefined || (r.status !== 0 && r.status !== 1)) return first;
  const fields = r.stdout.split('\0');
  for (let i = 0; i + 3 < fields.length; i += 4) {
    const [source, , pattern, path] = [fields[i]!, fields[i + 1]!, fields[i + 2]!, fields[i + 3]!];
    if (source === '' || pattern.startsWith('!')) return { tree, path: join(tree, path) };
  }
  return undefined;
}

/**
 * What git may see of the caller's environment: where it is (PATH), whose configuration and
 * excludes to read (HOME, XDG_CONFIG_HOME, GIT_CONFIG_*), where to stop looking for a repository
 * (GIT_CEILING_DIRECTORIES) and TMPDIR. Nothing else: `--reveal` holds CHAMICORE_SITE_KEY and the
 * site's fromEnv secrets in its environment, and git runs hooks and helpers (core.fsmonitor) a
 * repository's configuration names, which would receive them.
 */
export function gitEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (
      [
        'PATH',
        'HOME',
        'XDG_CONFIG_HOME',
        'TMPDIR',
        'GIT_CEILING_DIRECTORIES',
        'GIT_CONFIG_GLOBAL',
        'GIT_CONFIG_SYSTEM',
        'GIT_CONFIG_NOSYSTEM',
        'GIT_CONFIG_COUNT',
      ].includes(name) ||
      /^GIT_CONFIG_(KEY|VALUE)_[0-9]+$/.test(name)
    )
      out[name] = value;
  }
  return out;
}

/** Runs git in `root` with what it needs of the caller's environment; stdout as bytes, or undefined when git failed. */
function git(
  root: string,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  maxBuffer = 16 * 1024 * 1024,
): { ok: true; stdout: Buffer } | { ok: false; stderr: string } {
  const r = spawnSync('git', ['-C', root, ...args], { env: gitEnv(env), maxBuffer });
  if (r.error !== undefined) return { ok: false, stderr: r.error.message };
  if (r.status !== 0) return { ok: false, stderr: r.stderr.toString('utf8') };
  return { ok: true, stdout: r.stdout };
}

/** The top of the git work tree `dir` is in (links resolved), or undefined outside one or without git. */
export function gitTopLevel(dir: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const r = git(dir, ['rev-parse', '--show-toplevel'], env);
  return r.ok ? r.stdout.toString('utf8').replace(/\n$/, '') : undefined;
}

/**
 * The commit `ref` names, as 40 (or 64) hex digits; undefined when it names none. `--end-of-options`
 * keeps a ref that starts with `-` (a CI variable an attacker set) from being read as an option.
 */
export function gitCommitOf(root: string, ref: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const r = git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], env);
  const sha = r.ok ? r.stdout.toString('utf8').trim() : '';
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha) ? sha : undefined;
}

/** One entry of a tree at a commit. */
export interface GitEntry {
  /** Path from the top of the work tree, `/`-separated. */
  readonly path: string;
  readonly type: 'blob' | 'tree' | 'link' | 'other';
  readonly object: string;
}

/** The entries `git ls-tree` lists for `paths` at `commit` (a folder given as `dir/` lists its children). */
export function gitListTree(
  root: string,
  commit: string,
  paths: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): GitEntry[] {
  const r = git(root, ['ls-tree', '-z', '--full-tree', commit, '--', ...paths], env);
  if (!r.ok) throw new Error(`git ls-tree failed: ${r.stderr.trim()}`);
  const entries: GitEntry[] = [];
  for (const record of r.stdout.toString('utf8').split('\0')) {
    const m = /^(\d{6}) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(record);
    if (m === null) continue;
    const [, mode, type, object, path] = m as unknown as [string, string, string, string, string];
    entries.push({ path, object, type: mode === '120000' ? 'link' : type === 'blob' ? 'blob' : type === 'tree' ? 'tree' : 'other' });
  }
  return entries;
}

/** A blob's bytes, at most `limit + 1` of them (a larger blob reads as `limit + 1` bytes: "too large" to the parser). */
export function gitReadBlob(root: string, object: string, limit: number, env: Readonly<Record<string, string | undefined>>): Uint8Array {
  const size = git(root, ['cat-file', '-s', object], env);
  if (!size.ok) throw new Error(`git cat-file failed: ${size.stderr.trim()}`);
  if (Number(size.stdout.toString('utf8').trim()) > limit) return new Uint8Array(limit + 1);
  const r = git(root, ['cat-file', 'blob', object], env, limit + 1024);
  if (!r.ok) throw new Error(`git cat-file failed: ${r.stderr.trim()}`);
  return r.stdout;
}
