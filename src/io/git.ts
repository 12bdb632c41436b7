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
 * git runs with the caller's environment (PATH, HOME for the user's excludes file), nothing else.
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
  const tracked = spawnSync('git', ['-C', tree, 'ls-files', '-z', '--', rel === '' ? '.' : rel], { encoding: 'utf8', env });
  if (tracked.error !== undefined || tracked.status !== 0) return first;
  if (tracked.stdout !== '') return { tree, path: join(tree, tracked.stdout.split('\0')[0]!) };
  const r = spawnSync('git', ['-C', tree, 'check-ignore', '--no-index', '-v', '-n', '-z', '--stdin'], {
    input: candidates.map((c) => `${c}\0`).join(''),
    encoding: 'utf8',
    env,
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
