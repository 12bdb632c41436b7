import type { LockOwner } from '../write/lock.js';

/** Everything the CLI may touch of the process; src/bin.ts passes the real ones. */
export interface CliIo {
  /** This process, for the lock that serialises runs on one out/ folder. */
  readonly lock: LockOwner;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}
