/** The out/ lock's take-over of a dead run's lock, at the instant another run takes it too. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_NAME, lockOutDir, type LockOwner } from '../../src/write/lock.js';
import { removeTemps, temp } from '../helpers/cli.js';

afterAll(removeTemps);

const WHERE = 'test-host/boot/pid:[1]';
const DEAD = 999_999_999;

describe('taking over a dead lock', () => {
  it('re-checks the lock under its guard: a lock another run took meanwhile is never removed', async () => {
    const out = temp();
    const path = join(out, LOCK_NAME);
    writeFileSync(path, `${String(DEAD)} ${WHERE} dead-run-token\n`);
    const live = `${String(process.pid + 1)} ${WHERE} the-other-run\n`;
    // This run sees the dead owner; in that instant another run takes the lock over and holds it.
    const owner: LockOwner = {
      pid: process.pid,
      where: () => WHERE,
      alive: (pid) => {
        if (pid === DEAD) {
          writeFileSync(path, live);
          return false;
        }
        return pid === process.pid + 1;
      },
      sleep: () => Promise.resolve(),
      waitMs: 200,
    };
    await expect(lockOutDir(out, owner, true, 'out')).rejects.toThrow(
      `out: another chamicore-compile run (process ${String(process.pid + 1)}) is using it; try again when it ends`,
    );
    expect(readFileSync(path, 'utf8')).toBe(live);
  });

  it('takes over a lock whose run is gone, and releases only its own', async () => {
    const out = temp();
    const path = join(out, LOCK_NAME);
    writeFileSync(path, `${String(DEAD)} ${WHERE} dead-run-token\n`);
    const owner: LockOwner = { pid: process.pid, where: () => WHERE, alive: () => false, sleep: () => Promise.resolve(), waitMs: 200 };
    const lock = await lockOutDir(out, owner, true, 'out');
    expect(readFileSync(path, 'utf8')).toMatch(new RegExp(`^${String(process.pid)} ${WHERE.replace(/[[\]/]/g, '\\$&')} [0-9a-f]{16}\\n$`));
    // Another run replaced it (after a take-over of its own): release leaves that one alone.
    writeFileSync(path, 'someone else\n');
    await lock!.release();
    expect(readFileSync(path, 'utf8')).toBe('someone else\n');
  });
});
