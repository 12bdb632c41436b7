import { lstatSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { error, type Diagnostic } from '../report/diagnostic.js';
import { fsErrorCode } from './fs-error.js';

const AT = ['compose', 'dev', 'source'] as const;

/**
 * compose.dev.source is bind-mounted into the development containers, so it must name a folder
 * beside this repository: resolved as compose resolves it (from out/<site>/compose/ of the
 * repository that holds sites/<site>.yaml), it must lie inside the repository's parent, and no
 * folder on the way there from that parent may be a symbolic link (a link would mount whatever it
 * points to, /etc or a home directory). A folder that does not exist yet is fine: CI compiles the
 * development site without the checkout. Reads the file system (synchronously: a few lstat calls,
 * which through the thread pool left validate of 1,000 sites idle for 190 ms); returns located errors.
 */
export function checkDevSource(sitePath: string, file: string, stem: string, source: string): Diagnostic[] {
  const repository = dirname(dirname(sitePath));
  const parent = dirname(repository);
  const target = resolve(join(repository, 'out', stem, 'compose'), source);
  const inside = relative(parent, target);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside))
    return [
      error(
        'compose-dev-source-outside',
        file,
        AT,
        `compose.dev.source resolves to ${target}, outside ${parent}, the folder that holds this repository`,
        {
          hint: 'check out the Chamicore sources beside this repository and name that folder (../../../../chamicore from out/<site>/compose/)',
        },
      ),
    ];
  let path = parent;
  for (const part of inside.split(sep)) {
    path = join(path, part);
    let info;
    try {
      info = lstatSync(path);
    } catch (e) {
      if (fsErrorCode(e) === undefined) throw e;
      return []; // not there yet (or unreadable): nothing is mounted through a link
    }
    if (info.isSymbolicLink())
      return [
        error(
          'compose-dev-source-link',
          file,
          AT,
          `compose.dev.source goes through the symbolic link ${path}: compose would mount wherever it points`,
          { hint: 'name the real folder of the checkout, without links on the way' },
        ),
      ];
    if (!info.isDirectory()) return [];
  }
  return [];
}
