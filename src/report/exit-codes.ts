/** The published exit-code contract (docs/operator-guide.md, "Diagnostics and exit codes"; `--help`). */
export const ExitCode = {
  ok: 0,
  /** A site is invalid, or `--check` found differences. */
  invalid: 1,
  /** Usage error or unreadable input. */
  usage: 2,
  /** `diff --detailed-exitcode`: the diff was produced and some site changed. */
  changes: 3,
  /** Internal error: a bug in chamicore-compile. */
  internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable codes of the usage and input failures (exit 2) that are not about a line of a site file. */
export const USAGE_CODES = [
  'option-conflict',
  'command-unknown',
  'site-exists',
  'not-in-git',
  'git-ref-unknown',
  'path-unknown',
  'explain-too-large',
  'site-name-invalid',
  'site-not-found',
  'site-ambiguous',
  'site-not-yaml',
  'site-not-file',
  'site-is-base',
  'base-unknown',
  'site-unreadable',
  'site-name-collision',
  'sites-folder-empty',
  'site-key-unreadable',
  'secrets-dir-missing',
  'secrets-dir-in-git',
  'reveal-into-git',
  'out-symlink',
  'out-not-folder',
  'out-not-ours',
  'out-empty',
  'out-locked',
  'out-interfered',
  'out-io',
] as const;
export type UsageCode = (typeof USAGE_CODES)[number];

/**
 * A usage or input failure: printed as one line, `chamicore-compile: error: <code>: <message>`,
 * exit code 2. Never carries a secret.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    readonly code: UsageCode,
    message: string,
  ) {
    super(message);
  }
}
