import { Command, CommanderError, Option } from 'commander';
import { join, resolve } from 'node:path';
import { checkSite, emitCheckedSite } from '../compile.js';
import type { SiteModel } from '../model/site-model.js';
import type { OutputFile } from '../emit/output.js';
import { checkSecretsDir, readSecretFiles, readSiteKeyFile } from '../load/read-secrets.js';
import { fsErrorCode } from '../load/fs-error.js';
import { displayPath, readSiteSource, resolveSiteArgs } from '../load/read-sites.js';
import { hasErrors, type Diagnostic } from '../report/diagnostic.js';
import { ExitCode, UsageError } from '../report/exit-codes.js';
import { oneLine, printable } from '../report/printable.js';
import { toCodeQuality } from '../report/codequality.js';
import { countSummary, formatText, locateAll, plural, toJson, type LocatedDiagnostic } from '../report/format.js';
import { toJunit } from '../report/junit.js';
import { secretInputsNeeded, type SecretInputs } from '../secrets/resolve.js';
import { VERSION } from '../version.js';
import { findTrackablePath } from '../io/git.js';
import { GENERATED_PREFIX } from '../emit/header.js';
import { lockOutDir } from '../write/lock.js';
import {
  assertPlainFolder,
  diffSiteTree,
  listSiteFolders,
  recoverOutDir,
  removeStaleSite,
  writeSiteTree,
  type TreeDifference,
} from '../write/out-tree.js';
import { EXIT_CODES_HELP } from './help.js';
import type { CliIo } from './io.js';

const REVEAL_INPUT_CODES: ReadonlySet<string> = new Set([
  'secret-key-missing',
  'secret-key-weak',
  'secret-env-missing',
  'secret-file-missing',
  'secret-file-outside',
  'secret-value-invalid',
]);

interface CompileOptions {
  readonly out: string;
  readonly check: boolean;
  readonly reveal: boolean;
  readonly siteKeyFile: string | undefined;
  readonly secretsDir: string | undefined;
  readonly format: OutputFormat;
}

type OutputFormat = 'text' | 'json' | 'codequality' | 'junit';
const FORMATS: readonly OutputFormat[] = ['text', 'json', 'codequality', 'junit'];

type Mode = 'compile' | 'check' | 'validate';

interface SiteReport {
  file: string;
  site: string;
  status: 'written' | 'unchanged' | 'current' | 'stale' | 'invalid' | 'valid';
  out?: string;
  files?: string[];
  differences?: TreeDifference;
}

/**
 * Runs the CLI: parses `argv` (without node and script), does the work, prints through `io`
 * and returns the exit code. Never exits the process.
 */
export async function run(argv: readonly string[], rawIo: CliIo): Promise<number> {
  // File names, arguments and site text reach the terminal only through printable(): a CR or an
  // ESC in a folder name cannot forge a CI log line.
  const io: CliIo = {
    ...rawIo,
    stdout: (text) => {
      rawIo.stdout(printable(text));
    },
    stderr: (text) => {
      rawIo.stderr(printable(text));
    },
  };
  let exitCode: number = ExitCode.ok;
  const program = new Command('chamicore-compile');
  const formatOption = (choices: readonly OutputFormat[], help: string) =>
    new Option('--format <format>', help).choices(choices).default('text');
  program
    .description(
      'Compile Chamicore site files (sites/<name>.yaml) into out/<name>/: an umbrella Helm chart, Helm values, a compose .env and Kubernetes Secrets.',
    )
    .argument('<site...>', 'a site file (sites/alps.yaml), a site path without extension (sites/alps), or a folder of site files')
    .option('--out <dir>', 'output folder; each site goes to <dir>/<name>/', 'out')
    .option('--check', 'compile in memory and compare with the output folder; list differing, missing and extra files; write nothing')
    .option('--reveal', 'write real secret values (files 0600); refused into a folder git tracks')
    .option('--site-key-file <path>', 'file holding the site key for generated secrets (default: $CHAMICORE_SITE_KEY)')
    .option('--secrets-dir <path>', 'folder holding the fromFile secrets (outside any git work tree)')
    .addOption(formatOption(['text', 'json'], 'how to print results and diagnostics'))
    .version(VERSION, '-V, --version')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(run chamicore-compile --help for usage)')
    .exitOverride()
    // Options after `validate` belong to validate.
    .enablePositionalOptions()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => {
        write(`chamicore-compile: ${text}`);
      },
    })
    .action(async (sites: string[], opts: Record<string, unknown>) => {
      exitCode = await runSites(sites, readOptions(opts), opts['check'] === true ? 'check' : 'compile', io);
    });
  program
    .command('validate')
    .description('validate site files against the schema and the rules; write nothing')
    .argument('<site...>', 'site files, site paths or folders')
    .addOption(
      formatOption(
        FORMATS,
        'how to print results and diagnostics: text, json, codequality (GitLab Code Quality JSON) or junit (JUnit XML), on stdout',
      ),
    )
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => {
        write(`chamicore-compile validate: ${text}`);
      },
    })
    .action(async (sites: string[], opts: Record<string, unknown>) => {
      exitCode = await runSites(sites, readOptions(opts), 'validate', io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help'
        ? ExitCode.ok
        : ExitCode.usage;
    }
    if (e instanceof UsageError) {
      io.stderr(`chamicore-compile: error: ${e.code}: ${oneLine(e.message)}\n`);
      return ExitCode.usage;
    }
    io.stderr(
      `chamicore-compile: internal error: ${describeThrown(e)}\nThis is a bug in chamicore-compile ${VERSION}; please report it with the command you ran.\n`,
    );
    return ExitCode.internal;
  }
}

function readOptions(opts: Record<string, unknown>): CompileOptions {
  return {
    out: typeof opts['out'] === 'string' ? opts['out'] : 'out',
    check: opts['check'] === true,
    reveal: opts['reveal'] === true,
    siteKeyFile: typeof opts['siteKeyFile'] === 'string' ? opts['siteKeyFile'] : undefined,
    secretsDir: typeof opts['secretsDir'] === 'string' ? opts['secretsDir'] : undefined,
    format: FORMATS.find((f) => f === opts['format']) ?? 'text',
  };
}

/** What a run keeps of a checked site: no source bytes, no parsed document. */
interface SiteRun {
  readonly path: string;
  readonly source: { readonly file: string; readonly stem: string };
  readonly model: SiteModel | undefined;
}

async function runSites(args: readonly string[], opts: CompileOptions, mode: Mode, io: CliIo): Promise<number> {
  if (opts.check && opts.reveal)
    throw new UsageError('option-conflict', '--check compares the redacted output; it cannot be combined with --reveal');
  if (!opts.reveal && (opts.siteKeyFile !== undefined || opts.secretsDir !== undefined)) {
    throw new UsageError('option-conflict', '--site-key-file and --secrets-dir are used only with --reveal');
  }
  if (opts.out === '') throw new UsageError('out-empty', '--out is empty; name the output folder');
  const { files, folders } = await resolveSiteArgs(args, io.cwd);
  // One site at a time: read, check, locate, and keep only the model and the located diagnostics,
  // so memory does not grow with the parsed documents of every site.
  const checked: SiteRun[] = [];
  const diagnostics: Diagnostic[][] = [];
  const locatedBySite: LocatedDiagnostic[][] = [];
  for (const f of files) {
    const c = checkSite(await readSiteSource(f, io.cwd));
    checked.push({ path: f, source: { file: c.source.file, stem: c.source.stem }, model: c.model });
    diagnostics.push([...c.diagnostics]);
    locatedBySite.push(locateAll(c.diagnostics, c.parsed));
  }
  const outDir = resolve(io.cwd, opts.out);
  const outShown = displayPath(outDir, io.cwd);

  const emitted: (OutputFile[] | undefined)[] = checked.map(() => undefined);
  if (mode !== 'validate' && checked.every((c) => c.model !== undefined)) {
    let inputs: ((c: SiteRun) => Promise<SecretInputs>) | undefined;
    if (opts.reveal) inputs = await revealInputs(opts, io);
    for (const [i, c] of checked.entries()) {
      const model = c.model!;
      const result = emitCheckedSite(model, c.source.file, opts.reveal, inputs ? await inputs(c) : undefined);
      diagnostics[i]!.push(...result.diagnostics);
      emitted[i] = result.files;
      if (result.diagnostics.length > 0) {
        // Rare (missing reveal inputs): parse the site again to place them.
        const again = checkSite(await readSiteSource(c.path, io.cwd));
        locatedBySite[i] = locateAll(diagnostics[i]!, again.parsed);
      }
    }
    if (opts.reveal) await refuseTrackablePaths(outDir, outShown, checked, emitted, io.env);
  }

  const located: LocatedDiagnostic[] = locatedBySite.flat();
  const failed = located.some((d) => d.severity === 'error');
  const reports: SiteReport[] = checked.map((c, i) => ({
    file: c.source.file,
    site: c.source.stem,
    status: hasErrors(diagnostics[i]!) ? 'invalid' : 'valid',
  }));

  let stale = false;
  const extraSites: string[] = [];
  const removedSites: string[] = [];
  const keptSites: string[] = [];
  const known = new Set(checked.map((c) => c.source.stem));
  // Runs on one output folder serialise on its lock. Holding it, a compile first completes or
  // undoes any swap a killed run left half-done: every leftover is a dead run's. --check deletes
  // nothing; it reads a tree left waiting beside its site folder as that site's.
  const lock =
    !failed && mode !== 'validate'
      ? await fsStep(outShown, 'lock', () =>
          lockOutDir(outDir, io.lock, mode === 'compile', outShown).catch((e: unknown) => {
            // A read-only out/ cannot be locked, nor changed by anyone: --check reads it as it is.
            const code = (e as NodeJS.ErrnoException).code;
            if (mode === 'check' && (code === 'EACCES' || code === 'EROFS' || code === 'EPERM')) return undefined;
            throw e;
          }),
        )
      : undefined;
  try {
    return await afterLock();
  } finally {
    await lock?.release();
  }

  async function afterLock(): Promise<number> {
    if (!failed && mode === 'compile') await fsStep(outShown, 'recover', () => recoverOutDir(outDir));
    for (const c of failed || mode === 'validate' ? [] : checked) {
      await assertPlainFolder(join(outDir, c.source.stem), `${outShown}/${c.source.stem}`);
    }
    // Folders in out/ that no site compiles to: only knowable when a whole folder of sites was given.
    const orphans =
      !failed && folders.length > 0 && mode !== 'validate' ? (await listSiteFolders(outDir)).filter((n) => !known.has(n)) : [];
    if (!failed && mode === 'check') {
      for (const [i, c] of checked.entries()) {
        const diff = await fsStep(`${outShown}/${c.source.stem}`, 'read', () => diffSiteTree(outDir, c.source.stem, emitted[i]!));
        const isStale = diff.differing.length + diff.missing.length + diff.extra.length > 0;
        stale ||= isStale;
        Object.assign(reports[i]!, { status: isStale ? 'stale' : 'current', out: `${outShown}/${c.source.stem}`, differences: diff });
      }
      extraSites.push(...orphans);
      stale ||= extraSites.length > 0;
    } else if (!failed && mode === 'compile') {
      for (const [i, c] of checked.entries()) {
        const files = emitted[i]!;
        const site = c.source.stem;
        const display = `${outShown}/${site}`;
        const diff = opts.reveal ? undefined : await fsStep(display, 'read', () => diffSiteTree(outDir, site, files));
        const same = diff !== undefined && diff.differing.length + diff.missing.length + diff.extra.length === 0;
        if (!same) await fsStep(display, 'write', () => writeSiteTree(outDir, site, files, { reveal: opts.reveal, display }));
        Object.assign(reports[i]!, { status: same ? 'unchanged' : 'written', out: display, files: files.map((f) => f.path) });
      }
      for (const name of orphans) {
        if (await fsStep(`${outShown}/${name}`, 'remove', () => removeStaleSite(outDir, name, GENERATED_PREFIX))) removedSites.push(name);
        else keptSites.push(name);
      }
    }

    if (opts.format === 'codequality') {
      io.stdout(toCodeQuality(located));
    } else if (opts.format === 'junit') {
      io.stdout(
        toJunit(
          reports.map((r) => ({ file: r.file, valid: r.status !== 'invalid' })),
          located,
        ),
      );
    } else if (opts.format === 'json') {
      io.stdout(
        `${JSON.stringify(
          {
            ok: !failed && !stale,
            command: mode,
            sites: reports,
            ...(mode === 'check' ? { extraSites: extraSites.map((s) => `${outShown}/${s}`) } : {}),
            ...(mode === 'compile' ? { removedSites: removedSites.map((s) => `${outShown}/${s}`) } : {}),
            diagnostics: located.map(toJson),
          },
          null,
          2,
        )}\n`,
      );
    } else {
      for (const d of located) io.stderr(formatText(d));
      printSummary(reports, located, extraSites, outShown, mode, io);
      for (const s of removedSites) io.stdout(`${outShown}/${s}: removed (no site file compiles to it)\n`);
      for (const s of keptSites)
        io.stderr(`chamicore-compile: ${outShown}/${s} has no site file but holds files chamicore-compile did not write; left alone\n`);
    }
    if (failed) {
      // Missing reveal inputs (key, variable, file) are unreadable input, not an invalid site.
      const errors = located.filter((d) => d.severity === 'error');
      return errors.every((d) => REVEAL_INPUT_CODES.has(d.code)) ? ExitCode.usage : ExitCode.invalid;
    }
    if (stale) return ExitCode.invalid;
    return ExitCode.ok;
  }
}

/**
 * Runs a file-system step on the output folder; an operating-system error (EACCES, ENOTDIR,
 * ENOSPC, …) becomes a one-line usage error naming the folder, not an internal error.
 */
/**
 * --reveal writes secrets: refuses, before writing anything, if git could track any path the run
 * writes (each site's files, and the hidden staging, previous and removing trees beside it).
 */
async function refuseTrackablePaths(
  outDir: string,
  outShown: string,
  checked: readonly SiteRun[],
  emitted: readonly (OutputFile[] | undefined)[],
  env: CliIo['env'],
): Promise<void> {
  const paths = checked.flatMap((c, i) =>
    (emitted[i] ?? []).flatMap((f) => [
      `${c.source.stem}/${f.path}`,
      ...['staging', 'previous', 'removing'].map((kind) => `.${c.source.stem}.${kind}-000000000000/${f.path}`),
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

async function fsStep<T>(display: string, verb: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    const code = fsErrorCode(e);
    if (code === undefined) throw e;
    throw new UsageError('out-io', `${display}: cannot ${verb}: ${code}${verb === 'write' ? '; the previous contents are unchanged' : ''}`);
  }
}

function printSummary(
  reports: readonly SiteReport[],
  located: readonly LocatedDiagnostic[],
  extraSites: readonly string[],
  outShown: string,
  mode: Mode,
  io: CliIo,
): void {
  const errors = located.filter((d) => d.severity === 'error').length;
  const warnings = located.length - errors;
  if (errors > 0) {
    io.stderr(`chamicore-compile: ${countSummary(errors, warnings)}; nothing was written\n`);
    return;
  }
  for (const r of reports) {
    if (mode === 'validate') io.stdout(`${oneLine(r.file)}: valid\n`);
    else if (mode === 'compile')
      io.stdout(
        `${oneLine(r.file)}: ${r.status === 'unchanged' ? 'unchanged' : 'wrote'} ${oneLine(r.out ?? '')} (${plural(r.files?.length ?? 0, 'file')})\n`,
      );
    else if (r.differences) {
      const d = r.differences;
      for (const p of d.differing) io.stdout(`${oneLine(r.out ?? '')}/${p}: differs\n`);
      for (const p of d.missing) io.stdout(`${oneLine(r.out ?? '')}/${p}: missing\n`);
      for (const p of d.extra) io.stdout(`${oneLine(r.out ?? '')}/${p}: extra\n`);
      if (r.status === 'current') io.stdout(`${oneLine(r.out ?? '')}: current\n`);
    }
  }
  for (const s of extraSites) io.stdout(`${oneLine(outShown)}/${s}: extra (no site file compiles to it)\n`);
  if (warnings > 0) io.stderr(`chamicore-compile: ${plural(warnings, 'warning')}\n`);
  const stale = reports.filter((r) => r.status === 'stale').length + extraSites.length;
  if (mode === 'check' && stale > 0) {
    io.stderr(`chamicore-compile: ${oneLine(outShown)} is not current; run chamicore-compile without --check and commit the result\n`);
  }
}

/** Gathers the site key, environment variables and secret files a reveal reads. */
async function revealInputs(opts: CompileOptions, io: CliIo): Promise<(c: SiteRun) => Promise<SecretInputs>> {
  const fromEnv = io.env['CHAMICORE_SITE_KEY'];
  const siteKey =
    opts.siteKeyFile !== undefined
      ? await readSiteKeyFile(opts.siteKeyFile, io.cwd)
      : fromEnv !== undefined && fromEnv !== ''
        ? Buffer.from(fromEnv, 'utf8')
        : undefined;
  const siteKeySource = opts.siteKeyFile !== undefined ? `--site-key-file ${opts.siteKeyFile}` : 'CHAMICORE_SITE_KEY';
  const secretsDir = opts.secretsDir !== undefined ? await checkSecretsDir(opts.secretsDir, io.cwd) : undefined;
  return async (c) => {
    const needed = secretInputsNeeded(c.model!);
    const env = new Map<string, string>();
    for (const name of needed.env) {
      const v = io.env[name];
      if (v !== undefined) env.set(name, v);
    }
    const files = secretsDir !== undefined ? await readSecretFiles(secretsDir, needed.files) : new Map();
    return { siteKey, siteKeySource, env, files, secretsDir };
  };
}

/** What was thrown, for the internal-error report: an Error's message and stack, or the value and its type. */
function describeThrown(e: unknown): string {
  if (e instanceof Error) return `${oneLine(e.message)}\n${e.stack ?? ''}`;
  const shown =
    typeof e === 'string' ? JSON.stringify(e) : typeof e === 'object' && e !== null ? Object.prototype.toString.call(e) : String(e);
  return `a non-Error value was thrown (${e === null ? 'null' : typeof e}): ${oneLine(shown.slice(0, 200))}`;
}
