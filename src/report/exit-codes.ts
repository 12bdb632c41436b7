/** The published exit-code contract (README "Exit codes", `--help`). */
export const ExitCode = {
  ok: 0,
  /** A site is invalid, or `--check` found differences. */
  invalid: 1,
  /** Usage error or unreadable input. */
  usage: 2,
  /** Internal error: a bug in chamicore-compile. */
  internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A usage or input failure: printed as one line, exit code 2. Never carries a secret. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
