import { basename, dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { checkSite, type CheckedSite } from '../../compile.js';
import { diffSite, unrotatedBreakingChanges } from '../../diff/site-diff.js';
import { gitCommitOf, gitListTree, gitReadBlob, gitTopLevel, realPathOf, type GitEntry } from '../../io/git.js';
import { Limits } from '../../load/limits.js';
import { parseSite } from '../../load/parse-site.js';
import type { BaseSource } from '../../load/site-source.js';
import { BASES_FOLDER, extendsNames } from '../../layers/bases.js';
import { displayPath, isSiteFileName, readSiteSource, resolveSiteArgs, SITE_EXTENSIONS, siteStem } from '../../load/read-sites.js';
import { error, hasErrors } from '../../report/diagnostic.js';
import { compareStrings } from '../../util/compare.js';
import { UsageError } from '../../report/exit-codes.js';
import { locateLayered } from '../../layers/locate.js';
import { oneLine } from '../../report/printable.js';
import type { DiffEntry, DiffOutcome } from '../../diff/render.js';
import type { CliIo } from '../io.js';

/** One site of a diff: its semantic diff, or invalid at one ref or both (diagnostics in the report). */

/**
 * `chamicore-compile diff [--base <ref>] [site…]`: compiles each site as it is at the base ref (read
 * through git: the working tree and out/ are not touched) and as it is now, and returns the
 * semantic difference. Without sites: the `sites` folder at the top of the work tree.
 */
export async function diff(args: readonly string[], base: string, io: CliIo): Promise<DiffOutcome> {
  const root = gitTopLevel(io.cwd, io.env);
  if (root === undefined)
    throw new UsageError('not-in-git', `${displayPath(io.cwd, io.cwd)}: not inside a git work tree; diff reads the base through git`);
  const commit = gitCommitOf(root, base, io.env);
  if (commit === undefined) throw new UsageError('git-ref-unknown', `--base ${base}: names no commit in this repository`);
  const targets = args.length > 0 ? args : [displayPath(resolve(root, 'sites'), io.cwd)];
  const pairs = new Map<string, { now?: string; then?: GitEntry }>();
  const add = (stem: string, side: 'now' | 'then', value: string | GitEntry, shown: string) => {
    const pair = pairs.get(stem) ?? {};
    if (pair[side] !== undefined && (side === 'now' ? pair.now !== value : (pair.then as GitEntry).path !== (value as GitEntry).path))
      throw new UsageError('site-name-collision', `${shown}: two site files${side === 'then' ? ` at ${base}` : ''} compile to out/${stem}`);
    pairs.set(stem, side === 'now' ? { ...pair, now: value as string } : { ...pair, then: value as GitEntry });
  };
  for (const arg of targets) {
    const now = await currentFiles(arg, io.cwd);
    const rel = await repoPath(resolve(io.cwd, arg), root, arg);
    const then = filesAt(root, commit, rel, base, arg, io.env);
    if (now.length === 0 && then.length === 0)
      throw new UsageError('site-not-found', `${arg}: no site file now nor at ${base} (tried ${arg}, ${arg}.yaml and ${arg}.yml)`);
    for (const f of now) add(siteStem(f), 'now', f, arg);
    for (const e of then) add(siteStem(e.path), 'then', e, arg);
  }
  const sites: DiffEntry[] = [];
  for (const stem of [...pairs.keys()].sort(compareStrings)) {
    const pair = pairs.get(stem)!;
    const now = pair.now === undefined ? undefined : checkSite(readSiteSource(pair.now, io.cwd));
    const then = pair.then === undefined ? undefined : checkAt(root, commit, pair.then, base, io);
    const file = now?.source.file ?? then!.source.file;
    const broken = [then, now].filter((c): c is CheckedSite => c !== undefined && hasErrors(c.diagnostics));
    if (broken.length > 0) {
      const errors = broken.flatMap((c) =>
        locateLayered(
          c.diagnostics.filter((d) => d.severity === 'error'),
          c.layers,
        ),
      );
      sites.push({ file, site: stem, status: 'invalid', diagnostics: errors });
      continue;
    }
    // A breaking secret whose value changes with no rotation cannot pass review: the change must
    // go through a rotation that the site acknowledges (secret-rotation-unacknowledged).
    const unrotated = then?.model !== undefined && now?.model !== undefined ? unrotatedBreakingChanges(then.model, now.model) : [];
    if (unrotated.length > 0) {
      const errors = unrotated.map((u) =>
        error(
          'secret-changed-unrotated',
          now!.source.file,
          ['secrets', u.name],
          `secret ${u.name} changes value against ${base} without a rotation (${u.what}): that breaks the running site`,
          {
            hint: `${u.step}; then set secrets.${u.name}.rotation one higher and secrets.${u.name}.acknowledgeRotation to it (see docs/operator-guide.md, "Rotating secrets")`,
          },
        ),
      );
      sites.push({ file, site: stem, status: 'invalid', diagnostics: locateLayered(errors, now!.layers) });
      continue;
    }
    sites.push({ file, ...diffSite(stem, then?.model, now?.model) });
  }
  return { base, commit, sites };
}

/** The site files an argument names in the working tree; none when nothing is there (it may exist at the base). */
async function currentFiles(arg: string, cwd: string): Promise<string[]> {
  try {
    return (await resolveSiteArgs([arg], cwd)).files;
  } catch (e) {
    if (e instanceof UsageError && (e.code === 'site-not-found' || e.code === 'sites-folder-empty')) return [];
    throw e;
  }
}

/**
 * `abs` as a `/`-separated path from the top of the work tree, the links of its folders resolved
 * (not a link at the end: git tracks the link itself); refused outside the work tree.
 */
async function repoPath(abs: string, root: string, arg: string): Promise<string> {
  const real = join(await realPathOf(dirname(abs)), basename(abs));
  const rel = relative(root, real);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new UsageError('not-in-git', `${arg}: outside the git work tree ${root}`);
  return rel.split(sep).join('/');
}

/** The site files `rel` names at the commit: a folder's *.yaml and *.yml, a file, or `rel` plus an extension. */
function filesAt(
  root: string,
  commit: string,
  rel: string,
  base: string,
  arg: string,
  env: Readonly<Record<string, string | undefined>>,
): GitEntry[] {
  const refuse = (e: GitEntry): never => {
    throw new UsageError(
      'site-not-file',
      `${base}:${e.path}: not a regular file at ${base} (a ${e.type === 'link' ? 'symbolic link' : e.type})`,
    );
  };
  const exact = rel === '' ? [] : gitListTree(root, commit, [rel], env).filter((e) => e.path === rel);
  if (rel === '' || exact[0]?.type === 'tree') {
    const inside = gitListTree(root, commit, [rel === '' ? '.' : `${rel}/`], env).filter((e) => isSiteFileName(posix.basename(e.path)));
    for (const e of inside) if (e.type !== 'blob' && e.type !== 'tree') refuse(e);
    return inside.filter((e) => e.type === 'blob');
  }
  if (exact[0] !== undefined) {
    if (exact[0].type !== 'blob') refuse(exact[0]);
    if (!isSiteFileName(posix.basename(rel))) throw new UsageError('site-not-yaml', `${arg}: a site file ends in .yaml or .yml`);
    return exact;
  }
  const found = gitListTree(
    root,
    commit,
    SITE_EXTENSIONS.map((x) => rel + x),
    env,
  );
  for (const e of found) if (e.type !== 'blob') refuse(e);
  if (found.length > 1) throw new UsageError('site-ambiguous', `${arg}: both ${arg}.yaml and ${arg}.yml exist at ${base}; keep one`);
  return found;
}

/**
 * Checks the site file as it is at the commit, with the bases it extends as they are at the commit
 * (so a change of a shared base shows in every site that extends it); its diagnostics name
 * `<ref>:<path>`.
 */
function checkAt(root: string, commit: string, entry: GitEntry, base: string, io: CliIo): CheckedSite {
  const bytes = gitReadBlob(root, entry.object, Limits.maxFileBytes, io.env);
  const folder = posix.basename(posix.dirname(entry.path));
  const file = `${base}:${entry.path}`;
  const parsed = Buffer.from(bytes).includes('extends') ? parseSite(file, bytes) : undefined;
  const names = parsed !== undefined && parsed.diagnostics.length === 0 ? [...new Set(extendsNames(parsed.data))] : [];
  const bases = names.map((name): BaseSource => {
    const path = posix.join(posix.dirname(entry.path), BASES_FOLDER, `${name}.yaml`);
    const shown = `${base}:${path}`;
    const found = gitListTree(root, commit, [path], io.env).find((e) => e.path === path);
    if (found === undefined) return { name, file: shown, bytes: undefined, problem: `${shown} does not exist` };
    if (found.type !== 'blob')
      return {
        name,
        file: shown,
        bytes: undefined,
        problem: `${shown} is not a regular file (a ${found.type === 'link' ? 'symbolic link' : found.type})`,
      };
    return { name, file: shown, bytes: gitReadBlob(root, found.object, Limits.maxFileBytes, io.env) };
  });
  return checkSite({
    file,
    label: oneLine(`${folder === '.' || folder === '' ? basename(root) : folder}/${posix.basename(entry.path)}`),
    stem: siteStem(entry.path),
    bytes,
    ...(bases.length > 0 ? { bases } : {}),
  });
}
