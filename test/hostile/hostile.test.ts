/**
 * The hostile-input corpus: every file in test/hostile/cases/ (its first `# expect:` line states
 * the exit code, diagnostic code and position), plus the inputs too big or too strange to commit
 * (built here). Each runs through the real CLI with a capped heap and must end with its documented
 * exit code and a one-line `file:line:col: code:` (or `error: code:`) message at the stated position
 * (every failing case states one, except usage errors, which have none), no stack trace, within 5 s
 * of CPU time (measured in the child, so a busy machine does not fail it), and leave out/
 * byte-for-byte unchanged. Cases that compile are checked too: every
 * output parses, and no injected string changed the structure of any output.
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { BIN, removeTemps, REVEAL_ENV, ROOT, temp } from '../helpers/cli.js';
import { runTool } from '../helpers/tools.js';

const CASES = join(ROOT, 'test/hostile/cases');
/** CPU time a case may use; a wall-clock limit only stops a run that hangs. */
const CPU_LIMIT_MS = 5_000;
const HANG_MS = 120_000;
const CPU_REPORT = pathToFileURL(join(ROOT, 'test/helpers/cpu-report.mjs')).href;
const HEAP_MB = 256;

interface Expectation {
  exit: number;
  code: string | undefined;
  at: string | undefined;
  setup: string | undefined;
  args: string[];
}

interface HostileCase {
  name: string;
  bytes: Buffer | undefined;
  /** Builds the site input itself (a folder, many files) when it is not one file. */
  build?: (ws: string) => void;
  expect: Expectation;
}

/** `# expect: exit 1, yaml-alias at 12:3; setup out-symlink; args --reveal` */
function parseExpectation(line: string): Expectation {
  const m = /^# expect: exit (\d+)(?:, ([a-z0-9-]+)(?: at (\d+:\d+))?)?((?:; [a-z]+ [^;]+)*)$/.exec(line.trim());
  if (m === null) throw new Error(`bad expectation line: ${line}`);
  const extras = new Map(
    m[4]!
      .split('; ')
      .filter((x) => x !== '')
      .map((x) => [x.slice(0, x.indexOf(' ')), x.slice(x.indexOf(' ') + 1)] as const),
  );
  return { exit: Number(m[1]), code: m[2], at: m[3], setup: extras.get('setup'), args: extras.get('args')?.split(' ') ?? [] };
}

function fileCases(): HostileCase[] {
  return readdirSync(CASES)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const bytes = readFileSync(join(CASES, f));
      const line = bytes
        .toString('latin1')
        .split('\n')
        .find((l) => l.replace(/^\uFEFF|^\xEF\xBB\xBF/, '').startsWith('# expect:'));
      if (line === undefined) throw new Error(`${f}: no "# expect:" line`);
      return { name: f.slice(0, -'.yaml'.length), bytes, expect: parseExpectation(line.replace(/^\xEF\xBB\xBF/, '')) };
    });
}

const BASE = (name: string): string =>
  `site:\n  name: ${name}\n  environment: staging\n  domain: ${name}.example.org\nrelease:\n  version: "1.4.2"\nservices:\n  kea-sync:\n    enabled: false\n`;
const expectation = (exit: number, code?: string, at?: string): Expectation => ({ exit, code, at, setup: undefined, args: [] });

/** Inputs built at test time: too large to commit, or not a plain file. */
function builtCases(): HostileCase[] {
  const deepBlock = (n: number): string => Array.from({ length: n }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n') + ' x\n';
  return [
    // A file with no bytes cannot carry an expectation line.
    { name: 'empty-file', bytes: Buffer.alloc(0), expect: expectation(1, 'input-not-mapping', '1:1') },
    {
      name: 'huge-50mb',
      bytes: Buffer.concat([Buffer.from(BASE('huge-50mb')), Buffer.alloc(50 * 1024 * 1024, '#')]),
      expect: expectation(1, 'input-too-large', '1:1'),
    },
    {
      name: 'just-over-1mib',
      bytes: Buffer.from(`${BASE('just-over-1mib')}# ${'x'.repeat(1024 * 1024)}\n`),
      expect: expectation(1, 'input-too-large', '1:1'),
    },
    {
      name: 'just-under-1mib',
      bytes: Buffer.from(`${BASE('just-under-1mib')}# ${'x'.repeat(1024 * 1024 - BASE('just-under-1mib').length - 3)}\n`),
      expect: expectation(0),
    },
    // 10,000 block levels cannot fit in 1 MiB (indentation grows with depth): 1,000 at one space a level.
    {
      name: 'deep-block-1000',
      bytes: Buffer.from(`${BASE('deep-block-1000')}extra:\n${deepBlock(1_000)}`),
      expect: expectation(1, 'input-too-deep', '42:33'),
    },
    {
      name: 'deep-block-10000',
      bytes: Buffer.from(`${BASE('deep-block-10000')}extra:\n${deepBlock(10_000)}`),
      expect: expectation(1, 'input-too-large', '1:1'),
    },
    {
      name: 'deep-flow-map-10000',
      bytes: Buffer.from(`${BASE('deep-flow-map-10000')}extra: ${'{a: '.repeat(10_000)}x${'}'.repeat(10_000)}\n`),
      expect: expectation(1, 'input-too-deep', '10:132'),
    },
    {
      name: 'deep-flow-10000',
      bytes: Buffer.from(`${BASE('deep-flow-10000')}extra: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`),
      expect: expectation(1, 'input-too-deep', '10:39'),
    },
    {
      name: 'deep-seq-10000',
      bytes: Buffer.from(`${BASE('deep-seq-10000')}extra:\n${'- '.repeat(10_000)}x\n`),
      expect: expectation(1, 'input-too-deep', '11:63'),
    },
    {
      name: 'long-line-1mib-key',
      bytes: Buffer.from(`${BASE('long-line-1mib-key')}${'k'.repeat(900_000)}: v\n`),
      expect: expectation(1, 'yaml-syntax', '10:1'),
    },
    {
      name: 'file-is-a-directory',
      bytes: undefined,
      build: (ws) => mkdirSync(join(ws, 'sites/file-is-a-directory.yaml'), { recursive: true }),
      expect: { ...expectation(2, 'sites-folder-empty'), args: ['sites/file-is-a-directory.yaml'] },
    },
  ];
}

interface Run {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** CPU time of the child (user + system), from test/helpers/cpu-report.mjs. */
  cpuMs: number;
}

function runCli(args: readonly string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--import', CPU_REPORT, BIN, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let cpu = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8').on('data', (d: string) => (cpu += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, cpuMs: cpu === '' ? Infinity : Number(cpu) / 1000 });
    });
  });
}

/** Every entry below `dir`: files by content, symbolic links by target. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d).sort()) {
      const path = join(d, e);
      const key = rel === '' ? e : `${rel}/${e}`;
      const info = lstatSync(path);
      if (info.isSymbolicLink()) out[key] = `-> ${readlinkSync(path)}`;
      else if (info.isDirectory()) walk(path, key);
      else out[key] = readFileSync(path, 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

/** Prepares a workspace: sites/, an out/ that already holds a site tree, and the case's setup. */
function workspace(c: HostileCase): { ws: string; args: string[]; env: Record<string, string> } {
  const ws = temp('chamicore-hostile-');
  mkdirSync(join(ws, 'sites'));
  mkdirSync(join(ws, 'out/previous/helm'), { recursive: true });
  writeFileSync(join(ws, 'out/previous/helm/values.yaml'), '# the tree of an earlier run\n');
  if (c.bytes !== undefined) writeFileSync(join(ws, 'sites', `${c.name}.yaml`), c.bytes);
  c.build?.(ws);
  const env: Record<string, string> = { ...REVEAL_ENV };
  const args = [...c.expect.args];
  const outside = join(temp(), 'outside');
  switch (c.expect.setup) {
    case 'secrets-symlink': {
      // A secrets folder outside any repository, whose entry points at a file outside it.
      const secrets = join(temp(), 'secrets');
      mkdirSync(secrets);
      writeFileSync(outside, 'a secret that lives elsewhere');
      symlinkSync(outside, join(secrets, 'db-password'));
      args.push('--secrets-dir', secrets, '--out', join(temp(), 'deploy'));
      break;
    }
    case 'secrets-in-git': {
      mkdirSync(join(ws, '.git'));
      mkdirSync(join(ws, 'secrets'));
      writeFileSync(join(ws, 'secrets/db-password'), 'p');
      args.push('--secrets-dir', 'secrets', '--out', join(temp(), 'deploy'));
      break;
    }
    case 'out-symlink':
      mkdirSync(outside);
      writeFileSync(join(outside, 'keep.txt'), 'not ours\n');
      symlinkSync(outside, join(ws, 'out', c.name));
      break;
    case 'out-in-git':
      mkdirSync(join(ws, '.git'));
      break;
    case undefined:
      break;
    default:
      throw new Error(`unknown setup ${c.expect.setup}`);
  }
  if (!args.some((a) => a.startsWith('sites'))) args.push(`sites/${c.name}.yaml`);
  return { ws, args, env };
}

afterAll(removeTemps);

const ALL = [...fileCases(), ...builtCases()];

describe('the corpus', () => {
  it('has at least 60 cases, each with a stated outcome', () => {
    expect(ALL.length).toBeGreaterThanOrEqual(60);
    expect(ALL.filter((c) => c.expect.exit !== 0 && c.expect.code === undefined).map((c) => c.name)).toEqual([]);
  });

  it('states a position for every failing case that is not a usage error (exit 2 without one)', () => {
    expect(ALL.filter((c) => c.expect.exit === 1 && c.expect.at === undefined).map((c) => c.name)).toEqual([]);
  });
});

describe.concurrent('hostile input', () => {
  it.each(ALL.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const { ws, args, env } = workspace(c);
      const before = snapshot(join(ws, 'out'));
      const r = await runCli(args, ws, env);
      expect(r.signal, r.stderr).toBeNull();
      expect(r.cpuMs).toBeLessThan(CPU_LIMIT_MS);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stderr).not.toMatch(/internal error|heap out of memory|RangeError|TypeError/);
      expect(r.code, r.stderr).toBe(c.expect.exit);
      if (c.expect.exit === 0) {
        checkOutputsParse(join(ws, 'out', c.name));
        return;
      }
      expect(snapshot(join(ws, 'out'))).toEqual(before);
      // Every message line is `file:line:col: code: …` (or a one-line usage error), and the expected
      // code is among them, as an error, at the expected position.
      const heads = r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith(' '));
      const usage = heads.find((l) => l.startsWith('chamicore-compile: error: '));
      if (usage !== undefined) {
        expect(c.expect.at, 'a usage error has no position').toBeUndefined();
        expect(usage).toMatch(new RegExp(`^chamicore-compile: error: ${c.expect.code!}: \\S`));
        expect(heads).toEqual([usage]);
        return;
      }
      const file = `sites/${c.name}\\.yaml`;
      for (const h of heads.slice(0, -1)) expect(h).toMatch(new RegExp(`^${file}:\\d+:\\d+: [a-z0-9-]+: \\S`));
      expect(heads.at(-1)).toMatch(/^chamicore-compile: \d+ errors?(, \d+ warnings?)?; nothing was written$/);
      const position = c.expect.at!;
      expect(
        heads.some((h) => new RegExp(`^${file}:${position}: ${c.expect.code!}: (?!warning: )\\S`).test(h)),
        r.stderr,
      ).toBe(true);
    },
    HANG_MS + 10_000,
  );
});

/** Every YAML output reads, under YAML 1.1 and 1.2, without an error. */
function checkOutputsParse(dir: string): void {
  const files = snapshot(dir);
  expect(Object.keys(files).length).toBeGreaterThan(0);
  for (const [path, text] of Object.entries(files)) {
    if (!path.endsWith('.yaml')) continue;
    for (const version of ['1.1', '1.2'] as const) {
      const docs = parseAllDocuments(text, { version });
      expect(docs.flatMap((d) => d.errors)).toEqual([]);
    }
  }
}

/** Free-form strings that try to change the structure of an output. */
const INJECTIONS: readonly string[] = [
  'a\nkey: injected',
  'a\n---\nkind: Secret\nmetadata: {name: x}',
  '"double" \'single\' `back`',
  '$HOME ${HOME} ${X:-d} $(id) $$ $',
  '# a comment',
  'value # trailing comment',
  '{{ .Values.secret }} {% raw %} {{- x -}}',
  '---',
  '...',
  'yes',
  'off',
  'null',
  '~',
  '0777',
  '1.10',
  '0x1F',
  '- item',
  ': colon',
  '[a, b] {c: d}',
  '&anchor *alias !!str !tag',
  '|\n  block',
  '>-\n folded',
  '%YAML 1.1',
  'a\r\nINJECTED=1',
  'a\u2028b\u2029c\u0085d',
  'back\\slash\\',
  '  padded  ',
  'A=B=C',
  'é 漢字 😀 \u200b',
  'tab\there',
];

interface InjectionSite {
  site: { name: string; environment: string; domain: string; description: string };
  release: { version: string };
  services: { 'kea-sync': { enabled: boolean }; smd: { env: Record<string, string> } };
  auth: { oidc: { providers: [{ name: string; issuerUrl: string; audience: string; clientId: string; clientSecret: string }] } };
  secrets: Record<string, { value: string }>;
  targets: string[];
}

/** The fields a site author types freely, and how to put a string there. */
const FIELDS: Record<string, (site: InjectionSite, value: string) => void> = {
  description: (s, v) => {
    s.site.description = v;
  },
  env: (s, v) => {
    s.services.smd.env = { INJECTED: v };
  },
  audience: (s, v) => {
    s.auth.oidc.providers[0].audience = v;
  },
  clientId: (s, v) => {
    s.auth.oidc.providers[0].clientId = v;
  },
  secret: (s, v) => {
    s.secrets['oidc-secret'] = { value: v };
  },
};

function injectionBase(name: string): InjectionSite {
  return {
    site: { name, environment: 'development', domain: `${name}.localhost`, description: 'plain' },
    release: { version: '1.4.2' },
    services: { 'kea-sync': { enabled: false }, smd: { env: { INJECTED: 'plain' } } },
    auth: {
      oidc: {
        providers: [
          { name: 'kc', issuerUrl: 'https://auth.example.org/realms/x', audience: 'plain', clientId: 'plain', clientSecret: 'oidc-secret' },
        ],
      },
    },
    secrets: { 'oidc-secret': { value: 'plain-secret-value' } },
    targets: ['helm', 'compose'],
  };
}

/** The shape of a value: keys and list lengths kept, every scalar replaced by its type. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .map(([k, v]) => [k, shape(v)])
        .sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)),
    );
  }
  return value === null ? 'null' : typeof value;
}

/**
 * For every output file: its YAML documents' shapes under 1.1 and 1.2, an env file's variable names
 * (read by compose's parser), nats.conf's shape (read by nats-server's parser).
 */
function structure(
  dir: string,
  site: string,
  dotenv: Record<string, Record<string, string>>,
  natsConf: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, text] of Object.entries(snapshot(dir))) {
    // Secret manifests are named after the site.
    const key = path.replace(`/${site}-`, '/<site>-');
    if (path.endsWith('.env')) {
      out[key] = Object.keys(dotenv[join(dir, path)]!).sort();
      continue;
    }
    if (path.endsWith('.conf')) {
      out[key] = shape(natsConf[join(dir, path)]);
      continue;
    }
    out[key] = (['1.1', '1.2'] as const).map((version) => {
      const docs = parseAllDocuments(text, { version });
      expect(
        docs.flatMap((d) => d.errors),
        `${path} (YAML ${version})`,
      ).toEqual([]);
      return docs.map((d) => shape(d.toJS()));
    });
  }
  return out;
}

describe('injection strings in every free-form field keep every output structure', () => {
  const cases = Object.keys(FIELDS).flatMap((field) => INJECTIONS.map((text, i) => [field, i, text] as const));
  const nameOf = (field: string, i: number): string => `inject-${field.toLowerCase()}-${i}`;
  let out = '';
  let dotenv: Record<string, Record<string, string>> = {};
  let natsConf: Record<string, unknown> = {};
  let baseline: Record<string, unknown> = {};

  beforeAll(async () => {
    // Every variant and the baseline compile in one run (revealed, so secrets hold the injected text).
    const ws = temp('chamicore-inject-');
    mkdirSync(join(ws, 'sites'));
    const write = (site: InjectionSite): void => {
      writeFileSync(join(ws, 'sites', `${site.site.name}.yaml`), stringify(site));
    };
    write(injectionBase('inject-baseline'));
    for (const [field, i, text] of cases) {
      const site = injectionBase(nameOf(field, i));
      FIELDS[field]!(site, text);
      write(site);
    }
    out = join(temp(), 'out');
    const r = await runCli(['--reveal', '--out', out, 'sites'], ws, REVEAL_ENV);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.code, r.stderr).toBe(0);
    const envDirs = readdirSync(out).map((site) => join(out, site, 'compose/env'));
    const read = runTool('readers', ['dotenv', ...envDirs]);
    expect(read.code, read.stderr).toBe(0);
    dotenv = JSON.parse(read.stdout) as Record<string, Record<string, string>>;
    const confs = readdirSync(out)
      .map((site) => join(out, site, 'compose/nats.conf'))
      .filter((f) => existsSync(f));
    if (confs.length > 0) {
      const nats = runTool('readers', ['natsconf', ...confs]);
      expect(nats.code, nats.stderr).toBe(0);
      natsConf = JSON.parse(nats.stdout) as Record<string, unknown>;
    }
    baseline = structure(join(out, 'inject-baseline'), 'inject-baseline', dotenv, natsConf);
  });

  it.each(cases)('%s #%i: %j', (field, i, text) => {
    const dir = join(out, nameOf(field, i));
    expect(structure(dir, nameOf(field, i), dotenv, natsConf)).toEqual(baseline);
    if (field === 'env') {
      const values = parseAllDocuments(readFileSync(join(dir, 'helm/values.yaml'), 'utf8'), { version: '1.1' })[0]!.toJS() as {
        'chamicore-smd': { env: Record<string, string> };
      };
      expect(values['chamicore-smd'].env.INJECTED).toBe(text);
      expect(dotenv[join(dir, 'compose/env/smd.env')]!['INJECTED']).toBe(text);
    }
  });
});
