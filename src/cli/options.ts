import { UsageError } from '../report/exit-codes.js';

/** The output formats, each with its reporter (report.ts); compile and --check print text or json. */
export const FORMATS = ['text', 'json', 'codequality', 'junit'] as const;
export type OutputFormat = (typeof FORMATS)[number];

/** What a run does with the sites it checked. */
export type Command = 'compile' | 'check' | 'validate';

export interface SiteOptions {
  /** --out as given; undefined: `out` at the top of the git work tree (or of the working directory outside one). */
  readonly out: string | undefined;
  readonly check: boolean;
  readonly reveal: boolean;
  readonly siteKeyFile: string | undefined;
  readonly secretsDir: string | undefined;
  readonly format: OutputFormat;
  /** Warnings the site does not allow (allowWarnings) fail the run, as errors do. */
  readonly strict: boolean;
  /** Text format: print only diagnostics and failures, no line per site and no summary. */
  readonly quiet: boolean;
}

/** commander's parsed options, typed; refuses combinations that cannot mean anything. */
export function readOptions(opts: Record<string, unknown>): SiteOptions {
  const options: SiteOptions = {
    out: typeof opts['out'] === 'string' ? opts['out'] : undefined,
    check: opts['check'] === true,
    reveal: opts['reveal'] === true,
    siteKeyFile: typeof opts['siteKeyFile'] === 'string' ? opts['siteKeyFile'] : undefined,
    secretsDir: typeof opts['secretsDir'] === 'string' ? opts['secretsDir'] : undefined,
    format: FORMATS.find((f) => f === opts['format']) ?? 'text',
    strict: opts['strict'] === true,
    quiet: opts['quiet'] === true,
  };
  if (options.check && options.reveal)
    throw new UsageError('option-conflict', '--check compares the redacted output; it cannot be combined with --reveal');
  if (!options.reveal && (options.siteKeyFile !== undefined || options.secretsDir !== undefined)) {
    throw new UsageError('option-conflict', '--site-key-file and --secrets-dir are used only with --reveal');
  }
  if (options.out === '') throw new UsageError('out-empty', '--out is empty; name the output folder');
  return options;
}
