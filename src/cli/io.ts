import type { LockOwner } from '../write/lock.js';

/** Everything the CLI may touch of the process; src/bin.ts passes the real ones. */
export interface CliIo {
  /** This process, for the lock that serialises runs on one out/ folder. */
  readonly lock: LockOwner;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Whether stderr is a terminal (colour, progress); absent: not one. */
  readonly stderrIsTerminal?: boolean;
  /** A monotonic clock in milliseconds, for the run's time and the progress line; absent: none shown. */
  readonly now?: () => number;
  /** Set by run(): reports progress through a long run (a no-op unless stderr is a terminal). */
  readonly progress?: (done: number, total: number, label: string) => void;
}
