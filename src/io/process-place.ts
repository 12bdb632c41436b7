import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Where a process id means this process: host, boot and PID namespace (Linux; elsewhere the host).
 * A lock of out/ records it, so that a run in another container never judges a PID it cannot see.
 */
export function processPlace(): string {
  const read = (f: () => string): string => {
    try {
      return f().trim();
    } catch {
      return '-';
    }
  };
  const boot = read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'));
  const pidNamespace = read(() => readlinkSync('/proc/self/ns/pid'));
  return `${hostname()}/${boot}/${pidNamespace}`;
}
