import { lstat, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkSite } from '../../compile.js';
import { fsErrorCode } from '../../load/fs-error.js';
import { displayPath, readSiteBases } from '../../load/read-sites.js';
import { BASE_NAME } from '../../layers/bases.js';
import { UsageError } from '../../report/exit-codes.js';
import { DNS_LABEL, renderSiteScaffold, type Environment } from '../../scaffold/site.js';
import type { CliIo } from '../io.js';

/** A DNS name for --domain: labels of a-z, 0-9 and '-', joined by dots, at most 253 characters. */
const DOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/;
import { fsStep } from '../out-dir.js';

/**
 * `chamicore-compile init <name>`: writes `<sites>/<name>.yaml`, a site file that validates (also
 * with --strict) and compiles as it is. Never overwrites: an existing `<name>.yaml` or `.yml`, or
 * anything at that path, is refused. The name must be a DNS-1123 label whose derived names
 * (namespace, Secrets, compose project) the compiler accepts.
 */
export async function init(
  name: string,
  environment: Environment,
  sitesDir: string,
  io: CliIo,
  bases: readonly string[] = [],
  domain?: string,
): Promise<number> {
  if (!DNS_LABEL.test(name)) {
    throw new UsageError('site-name-invalid', `${name}: a site name is a DNS-1123 label (a-z, 0-9 and '-', at most 63 characters)`);
  }
  for (const b of bases)
    if (!BASE_NAME.test(b))
      throw new UsageError('base-unknown', `--extends ${b}: a base name is a DNS-1123 label (the file bases/<name>.yaml)`);
  if (domain !== undefined && !DOMAIN.test(domain))
    throw new UsageError('site-name-invalid', `--domain ${domain}: a DNS name of labels (a-z, 0-9 and '-') joined by dots`);
  const text = renderSiteScaffold(name, environment, bases, domain);
  const folder = resolve(io.cwd, sitesDir);
  const path = join(folder, `${name}.yaml`);
  const shown = displayPath(path, io.cwd);
  const bytes = Buffer.from(text);
  const read = readSiteBases(path, bytes, io.cwd);
  const missing = read.find((b) => b.bytes === undefined);
  if (missing !== undefined) throw new UsageError('base-unknown', `--extends ${missing.name}: ${missing.problem ?? 'not readable'}`);
  // The compiler's own verdict on the new file, over its bases: a name whose derived names are too long fails here.
  const checked = checkSite({
    file: shown,
    label: `${sitesDir}/${name}.yaml`,
    stem: name,
    bytes,
    ...(read.length > 0 ? { bases: read } : {}),
  });
  const problem = checked.diagnostics.find((d) => d.severity === 'error');
  if (problem !== undefined)
    throw new UsageError(
      problem.file === shown ? 'site-name-invalid' : 'base-unknown',
      `${problem.file === shown ? name : problem.file}: ${problem.message}`,
    );
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
    `${shown}: wrote a new ${environment} site; next: ${domain === undefined ? 'edit site.domain and the ingress host' : 'review it'}, then run chamicore-compile ${displayPath(join(folder, name), io.cwd)}\n`,
  );
  return 0;
}
