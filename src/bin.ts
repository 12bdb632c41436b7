#!/usr/bin/env node
// The process edge: the only module that reads argv and env or sets the exit code.
import { setFlagsFromString } from 'node:v8';
import { run } from './cli/run.js';
import { processPlace } from './io/process-place.js';

// A run of many sites keeps little (under 50 MB at 10,000 sites), but where collecting is cheap V8
// lets the heap grow to four times what it keeps before collecting again; double is enough.
setFlagsFromString('--heap-growing-percent=100');

// A reader that stops early (`| head`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

process.exitCode = await run(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  stderrIsTerminal: process.stderr.isTTY,
  now: () => performance.now(),
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
});
