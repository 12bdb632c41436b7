// A worker thread of SitePool (src/cli/site-pool.ts): reads and checks the sites it is given, one at a time, and answers with plain data. No process state: argv, env and the exit code
// stay with src/bin.ts.
import { parentPort } from 'node:worker_threads';
import { checkSite } from '../compile.js';
import { readSiteSource } from '../load/read-sites.js';
import { UsageError } from '../report/exit-codes.js';
import { summarise, type SiteAnswer, type SiteTask } from './site-pool.js';

const port = parentPort;
if (port === null) throw new Error('site-worker runs only as a worker thread');
port.on('message', ({ id, task }: { id: number; task: SiteTask }) => {
  readSiteSource(task.path, task.cwd)
    .then((source) => summarise(checkSite(source)))
    .then(
      (check) => {
        port.postMessage({ id, check } satisfies SiteAnswer);
      },
      (e: unknown) => {
        port.postMessage({ id, error: errorOf(e) } satisfies SiteAnswer);
      },
    );
});

function errorOf(e: unknown): { code?: UsageError['code']; message: string; stack?: string } {
  if (e instanceof UsageError) return { code: e.code, message: e.message };
  return e instanceof Error ? { message: e.message, stack: e.stack } : { message: String(e) };
}
