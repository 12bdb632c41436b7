import { Command, CommanderError, Option } from 'commander';
import { ExitCode, UsageError } from '../report/exit-codes.js';
import { oneLine, printable } from '../report/printable.js';
import { VERSION, VERSION_TEXT } from '../version.js';
import { ENVIRONMENTS } from '../scaffold/site.js';
import { suggest } from '../validate/suggest.js';
import { EXIT_CODES_HELP, SUBCOMMAND_HELP } from './help.js';
import { colourise, dumb, progressLine, useColour } from './terminal.js';
import type { CliIo } from './io.js';
import { FORMATS, readOptions, type Command as RunCommand, type OutputFormat } from './options.js';
import type { RunReport } from './report.js';

// Each command's code (ajv, the YAML library, the emitters and their templates) is imported when
// that command runs: --help and --version load none of it (test/startup.test.ts).

/**
 * The command line: parses the arguments, runs one command (src/cli/commands/), prints its report
 * in the chosen format (src/cli/report.ts) and turns failures into the documented exit codes.
 */

/**
 * Runs the CLI: parses `argv` (without node and script), does the work, prints through `io`
 * and returns the exit code. Never exits the process.
 */
export async function run(argv: readonly string[], rawIo: CliIo): Promise<number> {
  // File names, arguments and site text reach the terminal only through printable(): a CR or an
  // ESC in a folder name cannot forge a CI log line.
  const colour = useColour(argv, rawIo.env, rawIo.stderrIsTerminal === true);
  // The progress line rewrites itself with \r and an erase sequence: only on a terminal that can.
  const progress =
    rawIo.stderrIsTerminal === true && rawIo.now !== undefined && !dumb(rawIo.env) && !argv.some((a) => a === '--quiet' || a === '-q')
      ? progressLine(rawIo.stderr, rawIo.now)
      : undefined;
  const io: CliIo = {
    ...rawIo,
    stdout: (text) => {
      progress?.end();
      rawIo.stdout(printable(text));
    },
    stderr: (text) => {
      progress?.end();
      rawIo.stderr(colour ? colourise(printable(text)) : printable(text));
    },
    ...(progress !== undefined ? { progress: progress.step } : {}),
  };
  const started = rawIo.now?.();
  let exitCode: number = ExitCode.ok;
  /** The report a command promised (--format), so that a usage error still prints a valid one. */
  let promised: { format: OutputFormat; command: RunCommand; where: string } | undefined;
  const program = new Command('chamicore-compile');
  const formatOption = (choices: readonly OutputFormat[], help: string) =>
    new Option('--format <format>', help).choices(choices).default('text');
  program
    .description(
      'Compile Chamicore site files (sites/<name>.yaml) into out/<name>/: an umbrella Helm chart, Helm values, a compose stack and Kubernetes Secrets.',
    )
    .argument('<site...>', 'a site file (sites/alps.yaml), a site path without extension (sites/alps), or a folder of site files')
    .option('--out <dir>', 'output folder; each site goes to <dir>/<name>/ (default: out/ at the top of the git work tree, else ./out)')
    .option('--check', 'compile in memory and compare with the output folder; list differing, missing and extra files; write nothing')
    .option('--reveal', 'write real secret values (files 0600); refused into a folder git tracks')
    .option('--strict', 'warnings fail the run too, except those the site allows in allowWarnings (CI runs with it)')
    .option('--site-key-file <path>', 'file holding the site key for generated secrets (default: $CHAMICORE_SITE_KEY)')
    .option('--secrets-dir <path>', 'folder holding the fromFile secrets (outside any git work tree)')
    .addOption(formatOption(['text', 'json'], 'how to print results and diagnostics'))
    .option('-q, --quiet', 'print only diagnostics and failures: no line per site, no summary (text format)')
    .option('--no-color', 'no colour on a terminal (NO_COLOR=1 does the same; FORCE_COLOR=1 colours a pipe)')
    .version(VERSION_TEXT, '-V, --version', 'print the compiler version and the site schema version')
    .helpCommand('help [command]', 'show the help of a command (help validate)')
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
      const options = readOptions(opts);
      promised = { format: options.format, command: options.check ? 'check' : 'compile', where: sites[0] ?? '.' };
      try {
        const result = options.check
          ? await (await import('./commands/check.js')).check(sites, options, io)
          : await (await import('./commands/compile.js')).compile(sites, options, io);
        exitCode = await report({ ...result, quiet: options.quiet }, options.format, io, started);
      } catch (e) {
        throw mistypedCommand(e, sites[0]);
      }
    });
  /** A subcommand that prints through io, owns its errors' prefix and ends with the exit codes. */
  const subcommand = (name: string): Command =>
    program
      .command(name)
      .option('--no-color', 'no colour on a terminal (NO_COLOR=1 does the same; FORCE_COLOR=1 colours a pipe)')
      .addHelpText('after', SUBCOMMAND_HELP)
      .exitOverride()
      .configureOutput({
        writeOut: io.stdout,
        writeErr: io.stderr,
        outputError: (text, write) => {
          write(`chamicore-compile ${name}: ${text}`);
        },
      });
  subcommand('validate')
    .description('validate site files against the schema and the rules; write nothing')
    .argument('<site...>', 'site files, site paths or folders')
    .option('--strict', 'warnings fail the run too, except those the site allows in allowWarnings')
    .option('-q, --quiet', 'print only diagnostics and failures: no line per site, no summary (text format)')
    .addOption(
      formatOption(
        FORMATS,
        'how to print results and diagnostics: text, json, codequality (GitLab Code Quality JSON) or junit (JUnit XML), on stdout',
      ),
    )
    .action(async (sites: string[], opts: Record<string, unknown>) => {
      const options = readOptions(opts);
      promised = { format: options.format, command: 'validate', where: sites[0] ?? '.' };
      const { validate } = await import('./commands/validate.js');
      exitCode = await report({ ...(await validate(sites, options, io)), quiet: options.quiet }, options.format, io, started);
    });

  subcommand('diff')
    .description(
      'compile each site as it is at a git ref and as it is now, and print what the change does: values by path, Chart.yaml dependencies, .env variables, Secrets by name and key (never a value), and warnings for changes with consequences',
    )
    .argument('[site...]', 'site files, site paths or folders (default: the sites folder at the top of the work tree)')
    .option('--base <ref>', 'the git ref to compare with (a branch, tag or commit; CI: the merge request target)', 'HEAD')
    .addOption(new Option('--format <format>', 'text, json, or markdown for a merge-request comment').choices(DIFF_FORMATS).default('text'))
    .option('--detailed-exitcode', 'exit 3 when some site changed (0 when none did), as helm diff --detailed-exitcode does with its 2')
    .action(async (sites: string[], opts: Record<string, unknown>) => {
      const { diff } = await import('./commands/diff.js');
      const { diffErrors, hasChanges, renderDiffJson, renderDiffMarkdown, renderDiffText } = await import('../diff/render.js');
      const result = await diff(sites, typeof opts['base'] === 'string' ? opts['base'] : 'HEAD', io);
      const format = DIFF_FORMATS.find((f) => f === opts['format']) ?? 'text';
      if (format === 'text') {
        const text = renderDiffText(result);
        io.stderr(text.stderr);
        io.stdout(text.stdout);
      } else io.stdout(format === 'json' ? renderDiffJson(result) : renderDiffMarkdown(result));
      exitCode =
        diffErrors(result).length > 0
          ? ExitCode.invalid
          : opts['detailedExitcode'] === true && hasChanges(result)
            ? ExitCode.changes
            : ExitCode.ok;
    });

  subcommand('explain')
    .description(
      'explain a key of a site (services.bss.database.maxOpenConns): its meaning, type, default, value and where it was set, and what it becomes in the outputs; or a generated value (values.yaml:chamicore-smd.replicaCount): the keys of the site that produce it',
    )
    .argument('<site>', 'one site file or site path (sites/alps)')
    .argument('<path>', 'a key path (services.smd.replicas, auth.oidc.providers[0].issuerUrl) or <output file>:<path> as diff prints it')
    .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action(async (site: string, path: string, opts: Record<string, unknown>) => {
      const { errorsText, explain } = await import('./commands/explain.js');
      const { renderExplainJson, renderExplainText } = await import('../explain/render.js');
      const r = await explain(site, path, io);
      if (r.explanation === undefined) {
        io.stderr(`${errorsText(r.errors)}chamicore-compile explain: ${r.file} cannot be read as a site; fix it first\n`);
        exitCode = ExitCode.invalid;
        return;
      }
      if (r.errors.length > 0)
        io.stderr(
          `chamicore-compile explain: ${r.file} has ${r.errors.length} error${r.errors.length === 1 ? '' : 's'} (validate shows them); explained as the compiler reads it\n`,
        );
      io.stdout(opts['format'] === 'json' ? renderExplainJson(r.explanation, r.file) : renderExplainText(r.explanation, r.file));
      if (r.errors.length > 0) exitCode = ExitCode.invalid;
    });

  subcommand('init')
    .description('write a new site file <sites-dir>/<name>.yaml that validates and compiles as it is; never overwrites')
    .argument('<name>', 'the site name, a DNS-1123 label (it names the file, the namespace and the Secrets)')
    .addOption(new Option('--environment <environment>', 'what the site is for').choices(ENVIRONMENTS).default('staging'))
    .option('--sites-dir <dir>', 'the folder of the site files', 'sites')
    .option(
      '--domain <domain>',
      'the site domain (site.domain; the ingress host is chamicore.<domain>); default <name>.example.org, a placeholder that production warns about',
    )
    .option('--extends <base...>', 'layer the new site over these bases (<sites-dir>/bases/<base>.yaml, which must exist)')
    .action(async (name: string, opts: Record<string, unknown>) => {
      const environment = ENVIRONMENTS.find((e) => e === opts['environment']) ?? 'staging';
      const { init } = await import('./commands/init.js');
      const bases = Array.isArray(opts['extends']) ? opts['extends'].filter((b): b is string => typeof b === 'string') : [];
      const domain = typeof opts['domain'] === 'string' ? opts['domain'] : undefined;
      exitCode = await init(name, environment, typeof opts['sitesDir'] === 'string' ? opts['sitesDir'] : 'sites', io, bases, domain);
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
      if (promised !== undefined && promised.format !== 'text') {
        const { reportUsageError } = await import('./usage-report.js');
        reportUsageError(promised.format, promised.command, promised.where, e, io);
      }
      return ExitCode.usage;
    }
    io.stderr(
      `chamicore-compile: internal error: ${describeThrown(e)}\nThis is a bug in chamicore-compile ${VERSION}; please report it with the command you ran.\n`,
    );
    return ExitCode.internal;
  }
}

/** The subcommands, for "did you mean" when a first argument that names no site is close to one. */
const COMMANDS = ['validate', 'diff', 'explain', 'init', 'help'];

const DIFF_FORMATS = ['text', 'markdown', 'json'] as const;

/** A site argument that is no file but one typo away from a command (`valdate`) was meant as the command. */
function mistypedCommand(e: unknown, first: string | undefined): unknown {
  if (!(e instanceof UsageError) || e.code !== 'site-not-found' || first === undefined || !e.message.startsWith(`${first}:`)) return e;
  const near = suggest(first, COMMANDS);
  return near === undefined
    ? e
    : new UsageError('command-unknown', `${first}: no such command or site file (did you mean the command "${near}"?)`);
}

/** Prints a command's report in the chosen format; returns the run's exit code. */
async function report(r: RunReport, format: OutputFormat, io: CliIo, started: number | undefined): Promise<number> {
  const { exitCodeOf, REPORTERS } = await import('./report.js');
  REPORTERS[format]({ ...r, ...(started !== undefined && io.now !== undefined ? { elapsedMs: io.now() - started } : {}) }, io);
  return exitCodeOf(r);
}

/** What was thrown, for the internal-error report: an Error's message and stack, or the value and its type. */
function describeThrown(e: unknown): string {
  if (e instanceof Error) return `${oneLine(e.message)}\n${e.stack ?? ''}`;
  const shown =
    typeof e === 'string' ? JSON.stringify(e) : typeof e === 'object' && e !== null ? Object.prototype.toString.call(e) : String(e);
  return `a non-Error value was thrown (${e === null ? 'null' : typeof e}): ${oneLine(shown.slice(0, 200))}`;
}
