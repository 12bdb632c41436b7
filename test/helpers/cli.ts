/**
 * Running the CLI in temporary folders: `cli()` runs `run(argv, io)` of the built modules in this
 * process (on a worker thread, see cli-host.mjs); `cliProcess()` starts the built CLI (the bundle
 * package.json's bin names) the way a user does, for what only a process shows: its environment
 * (time zone, locale), its exit and its start-up.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
/** What `chamicore-compile` runs once installed: package.json's bin. */
export const BIN = join(
  ROOT,
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['chamicore-compile']!,
);
/** The fixed test site key: revealed outputs are the same on every run. */
export const TEST_KEY = 'cli-test-site-key-0123456789-abcdefghij';
/** What every real site needs to reveal: the key, alps' OIDC client secret, eiger's fromFile secret. */
export const REVEAL_ENV = {
  CHAMICORE_SITE_KEY: TEST_KEY,
  ALPS_KEYCLOAK_CLIENT_SECRET: 'kc-client-secret-from-env',
  ALPS_REGISTRY_TOKEN: 'registry-token-from-env',
};
export const REVEAL_FILES: Record<string, string> = { 'eiger-db-password': 'eiger-db-password-from-file' };

const temps: string[] = [];

/** A new empty temporary folder, removed by `removeTemps`. */
export function temp(prefix = 'chamicore-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export function removeTemps(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
}

let host: { worker: Worker; port: MessagePort; flag: Int32Array } | undefined;

/** Runs chamicore-compile in this process with a clean environment (PATH plus `env`), as src/bin.ts would. */
export function cli(args: readonly string[], options: CliOptions = {}): CliResult {
  if (host === undefined) {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(new URL('./cli-host.mjs', import.meta.url), {
      workerData: { root: ROOT, flag: flag.buffer, port: port2 },
      transferList: [port2],
    });
    worker.unref();
    host = { worker, port: port1, flag };
  }
  Atomics.store(host.flag, 0, 0);
  host.worker.postMessage({ args, cwd: options.cwd ?? ROOT, env: { PATH: process.env['PATH'] ?? '', ...options.env } });
  // The longest run of a test is well under ten minutes; past that, the host is gone.
  if (Atomics.wait(host.flag, 0, 0, 600_000) === 'timed-out') throw new Error(`cli-host did not answer: ${args.join(' ')}`);
  const answer = receiveMessageOnPort(host.port);
  if (answer === undefined) throw new Error('cli-host answered nothing');
  return answer.message as CliResult;
}

/** Runs the built chamicore-compile as a process with a clean environment (PATH plus `env`). */
export function cliProcess(args: readonly string[], options: CliOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...options.env },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary copy of sites/ to work in. */
export function workspace(): string {
  const dir = temp();
  cpSync(join(ROOT, 'sites'), join(dir, 'sites'), { recursive: true });
  return dir;
}

/** A secrets folder outside any git work tree holding the fromFile secrets of the real sites. */
export function secretsDir(): string {
  const dir = join(temp(), 'secrets');
  mkdirSync(dir, { mode: 0o700 });
  for (const [name, value] of Object.entries(REVEAL_FILES)) writeFileSync(join(dir, name), value, { mode: 0o600 });
  return dir;
}

/** The site of hostile strings the conformance tests push through every tool. */
export const HOSTILE_SITE = join(ROOT, 'test/conformance/sites/hostile.yaml');

/** Compiles `sites` (paths relative to the repository), redacted, into a new folder; returns it. */
export function compileInto(sites: readonly string[]): string {
  const out = join(temp(), 'out');
  const r = cli(['--out', out, ...sites]);
  if (r.code !== 0) throw new Error(`compile failed (${String(r.code)}): ${r.stderr}`);
  return out;
}

/** Compiles `sites` (paths relative to the repository) with --reveal and the test key; returns the output folder. */
export function revealInto(sites: readonly string[]): string {
  const out = join(temp(), 'out');
  const r = cli(['--reveal', '--secrets-dir', secretsDir(), '--out', out, ...sites], { env: REVEAL_ENV });
  if (r.code !== 0) throw new Error(`reveal failed (${String(r.code)}): ${r.stderr}`);
  return out;
}

/** Every file below `dir` (none if it is missing), by `/`-separated relative path. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
      if (e.isDirectory()) walk(join(d, e.name), rel);
      else out[rel] = readFileSync(join(d, e.name), 'utf8');
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out;
}

/** The out/ lock owner for tests that call run() in-process: this process, no waiting. */
export const TEST_LOCK = {
  pid: process.pid,
  where: (): string => 'test-host/boot/pid:[1]',
  alive: (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  },
  sleep: (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms)),
  waitMs: 0,
};
