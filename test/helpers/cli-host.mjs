// The CLI in this process: a worker thread that loads dist/cli/run.js once and runs `run(argv, io)`
// for each request, with the io src/bin.ts builds (the caller's cwd and environment, a clock and
// a lock owned by this process, placed as bin.ts places it). test/helpers/cli.ts waits for each
// answer (Atomics.wait), so `cli()` stays synchronous without starting a process per call.
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const flag = new Int32Array(workerData.flag);
const { port } = workerData;
/** run() of the built modules, or why they did not load (each request then answers with it). */
const loaded = await Promise.all([
  import(pathToFileURL(`${workerData.root}/dist/cli/run.js`).href),
  import(pathToFileURL(`${workerData.root}/dist/io/process-place.js`).href),
]).then(
  ([{ run }, { processPlace }]) => ({ run, processPlace }),
  (e) => ({ error: e }),
);

parentPort.on('message', async ({ args, cwd, env }) => {
  let stdout = '';
  let stderr = '';
  let code;
  try {
    if (loaded.error !== undefined) throw loaded.error;
    code = await loaded.run(args, {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      env,
      cwd,
      now: () => Number(process.hrtime.bigint()) / 1e6,
      lock: {
        pid: process.pid,
        where: loaded.processPlace,
        alive: (pid) => {
          try {
            process.kill(pid, 0);
            return true;
          } catch (e) {
            return e.code === 'EPERM';
          }
        },
        sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
        waitMs: 120_000,
      },
    });
  } catch (e) {
    // run() never throws; if it did, the process would have died with this on stderr.
    code = 1;
    stderr += String(e?.stack ?? e);
  }
  port.postMessage({ code, stdout, stderr });
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
