import { spawnSync } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

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

/**
 * Whether git would track files written at `path`: inside a work tree and not ignored. Without
 * a git binary to ask, anything inside a work tree counts as tracked.
 */
export async function wouldGitTrack(path: string): Promise<string | undefined> {
  const tree = await findGitWorkTree(path);
  if (tree === undefined) return undefined;
  const probe = join(relative(tree, path), 'probe');
  const r = spawnSync('git', ['-C', tree, 'check-ignore', '-q', '--no-index', '--', probe], { stdio: 'ignore' });
  return r.status === 0 ? undefined : tree;
}
