// Preloaded (`node --import`) into a CLI run by a test: on exit, writes the process's CPU time in
// microseconds (user + system) to file descriptor 3, so a test can bound the work a case causes
// without depending on how busy the machine is.
import { writeSync } from 'node:fs';
import process from 'node:process';

process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  try {
    writeSync(3, `${user + system}\n`);
  } catch {
    // No descriptor 3: run outside the test harness.
  }
});
