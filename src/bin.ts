// The process edge: the only module that reads argv and env or sets the exit code. The build bundles
// it into dist/bundle/cli.cjs, which src/boot/main.ts runs (with V8's flags and code cache).
import { run } from './cli/run.js';
import { processPlace } from './io/process-place.js';

// A reader that stops early (`| head`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

void run(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  stderrIsTerminal: process.stderr.isTTY,
  // process.hrtime: the global performance loads perf_hooks (about 0.8 ms of a start).
  now: () => Number(process.hrtime.bigint()) / 1e6,
  lock: {
    pid: process.pid,
    where: processPlace,
    alive: (pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch (e) {
        return (e as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
    // Another run on the same out/ usually takes seconds; a CI runner may queue several.
    waitMs: 120_000,
  },
}).then((code) => {
  process.exitCode = code;
});
