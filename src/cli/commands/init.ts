import { lstat, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkSite } from '../../compile.js';
import { fsErrorCode } from '../../load/fs-error.js';
import { displayPath } from '../../load/read-sites.js';
import { UsageError } from '../../report/exit-codes.js';
import { DNS_LABEL, renderSiteScaffold, type Environment } from '../../scaffold/site.js';
import type { CliIo } from '../io.js';
import { fsStep } from '../out-dir.js';

/**
 * `chamicore-compile init <name>`: writes `<sites>/<name>.yaml`, a site file that validates (also
 * with --strict) and compiles as it is. Never overwrites: an existing `<name>.yaml` or `.yml`, or
 * anything at that path, is refused. The name must be a DNS-1123 label whose derived names
 * (namespace, Secrets, compose project) the compiler accepts.
 */
export async function init(name: string, environment: Environment, sitesDir: string, io: CliIo): Promise<number> {
  if (!DNS_LABEL.test(name)) {
    throw new UsageError('site-name-invalid', `${name}: a site name is a DNS-1123 label (a-z, 0-9 and '-', at most 63 characters)`);
  }
  const text = renderSiteScaffold(name, environment);
  const folder = resolve(io.cwd, sitesDir);
  const path = join(folder, `${name}.yaml`);
  const shown = displayPath(path, io.cwd);
  // The compiler's own verdict on the new file: a name whose derived names are too long fails here.
  const checked = checkSite({ file: shown, label: `${sitesDir}/${name}.yaml`, stem: name, bytes: Buffer.from(text) });
  const problem = checked.diagnostics.find((d) => d.severity === 'error');
  if (problem !== undefined) throw new UsageError('site-name-invalid', `${name}: ${problem.message}`);
  await fsStep(displayPath(folder, io.cwd), 'create', () => mkdir(folder, { recursive: true }));
  const yml = join(folder, `${name}.yml`);
  if (
    await lstat(yml).then(
      () => true,
      () => false,
    )
  ) {
    throw new UsageError('site-exists', `${displayPath(yml, io.cwd)}: a site file of that name exists; init never overwrites one`);
  }
  try {
    // 'wx': created here, or refused if anything (a file, a link, a folder) is at the path.
    await writeFile(path, text, { flag: 'wx', mode: 0o644 });
  } catch (e) {
    if (fsErrorCode(e) === 'EEXIST')
      throw new UsageError('site-exists', `${shown}: a site file of that name exists; init never overwrites one`);
    return fsStep(shown, 'write', () => Promise.reject(e as Error));
  }
  io.stdout(
    `${shown}: wrote a new ${environment} site; next: edit site.domain and the ingress host, then run chamicore-compile ${displayPath(join(folder, name), io.cwd)}\n`,
  );
  return 0;
}
