import { emitCheckedSite } from '../emit-site.js';
import type { OutputFile } from '../emit/output.js';
import { findTrackablePath } from '../io/git.js';
import { checkSecretsDir, readSecretFiles, readSiteKeyFile } from '../load/read-secrets.js';
import { UsageError } from '../report/exit-codes.js';
import { secretInputsNeeded, type SecretInputs } from '../secrets/resolve.js';
import { addDiagnostics, type CheckedRun, type SiteRun } from './check-sites.js';
import type { CliIo } from './io.js';
import type { SiteOptions } from './options.js';

/**
 * Renders every site of a valid run (revealing secrets with --reveal): one list of files per site,
 * or undefined for a site whose reveal inputs are missing (its diagnostics say why).
 */
export async function emitSites(
  run: CheckedRun,
  opts: SiteOptions,
  outDir: string,
  outShown: string,
  io: CliIo,
): Promise<(OutputFile[] | undefined)[]> {
  const inputs = opts.reveal ? await revealInputs(opts, io) : undefined;
  const emitted: (OutputFile[] | undefined)[] = [];
  for (const site of run.sites) {
    const result = emitCheckedSite(site.model!, site.file, opts.reveal, inputs ? inputs(site) : undefined);
    addDiagnostics(site, result.diagnostics, io);
    emitted.push(result.files);
  }
  if (opts.reveal) await refuseTrackablePaths(outDir, outShown, run.sites, emitted, io.env);
  return emitted;
}

/** Gathers the site key, environment variables and secret files a reveal reads. */
async function revealInputs(opts: SiteOptions, io: CliIo): Promise<(site: SiteRun) => SecretInputs> {
  const fromEnv = io.env['CHAMICORE_SITE_KEY'];
  const siteKey =
    opts.siteKeyFile !== undefined
      ? readSiteKeyFile(opts.siteKeyFile, io.cwd)
      : fromEnv !== undefined && fromEnv !== ''
        ? Buffer.from(fromEnv, 'utf8')
        : undefined;
  const siteKeySource = opts.siteKeyFile !== undefined ? `--site-key-file ${opts.siteKeyFile}` : 'CHAMICORE_SITE_KEY';
  const secretsDir = opts.secretsDir !== undefined ? await checkSecretsDir(opts.secretsDir, io.cwd) : undefined;
  return (site) => {
    const needed = secretInputsNeeded(site.model!);
    const env = new Map<string, string>();
    for (const name of needed.env) {
      const v = io.env[name];
      if (v !== undefined) env.set(name, v);
    }
    const files = secretsDir !== undefined ? readSecretFiles(secretsDir, needed.files) : new Map();
    return { siteKey, siteKeySource, env, files, secretsDir };
  };
}

/**
 * --reveal writes secrets: refuses, before writing anything, if git could track any path the run
 * writes (each site's files, and the hidden staging, previous and removing trees beside it).
 */
async function refuseTrackablePaths(
  outDir: string,
  outShown: string,
  sites: readonly SiteRun[],
  emitted: readonly (OutputFile[] | undefined)[],
  env: CliIo['env'],
): Promise<void> {
  const paths = sites.flatMap((s, i) =>
    (emitted[i] ?? []).flatMap((f) => [
      `${s.stem}/${f.path}`,
      ...['staging', 'previous', 'removing'].map((kind) => `.${s.stem}.${kind}-000000000000/${f.path}`),
    ]),
  );
  if (paths.length === 0) return;
  const trackable = await findTrackablePath(outDir, paths, env);
  if (trackable !== undefined) {
    throw new UsageError(
      'reveal-into-git',
      `--reveal: ${outShown} lies in the git work tree ${trackable.tree}, where git could track ${trackable.path}; write revealed secrets outside any repository or in an ignored folder`,
    );
  }
}
