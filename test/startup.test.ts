/**
 * Start-up: what each command initialises before it runs. The CLI is one CommonJS bundle
 * (dist/bundle/cli.cjs, scripts/build.mjs) in which esbuild wraps each module a command imports
 * with import() in a function that initialises it on first use; the function is named after the
 * module's path. A run under NODE_V8_COVERAGE says which of those functions ran: which modules that
 * command initialised. A module outside every wrapper runs at every start: none of the heavy ones may.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLE_DIR } from '../scripts/build.mjs';
import { siteSchema } from '../src/generated/site-schema.js';
import { SCHEMA_VERSION } from '../src/version.js';
import { BIN, ROOT } from './helpers/cli.js';

interface Coverage {
  result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[];
}

const work = mkdtempSync(join(tmpdir(), 'chamicore-startup-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** The bundle's sources: esbuild's metafile of cli.cjs. */
const inputs = Object.keys((JSON.parse(readFileSync(join(ROOT, BUNDLE_DIR, 'meta.json'), 'utf8')) as { inputs: object }).inputs);

/** What a run of the CLI initialised: every source that runs at each start, and each wrapped one whose wrapper ran. */
function initialised(args: readonly string[]): { modules: string[]; wrapped: Set<string> } {
  const dir = mkdtempSync(join(work, 'coverage-'));
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { PATH: process.env['PATH'], NODE_V8_COVERAGE: dir }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const functions = readdirSync(dir)
    .flatMap((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as Coverage).result)
    .filter((s) => s.url.endsWith('/cli.cjs'))
    .flatMap((s) => s.functions)
    .filter((f) => inputs.includes(f.functionName));
  const wrapped = new Set(functions.map((f) => f.functionName));
  const ran = new Set(functions.filter((f) => (f.ranges[0]?.count ?? 0) > 0).map((f) => f.functionName));
  return { modules: inputs.filter((m) => !wrapped.has(m) || ran.has(m)).sort(), wrapped };
}

const matching = (modules: readonly string[], pattern: RegExp): string[] => modules.filter((m) => pattern.test(m));
const HEAVY = /node_modules\/(ajv|yaml|nunjucks)\/|^src\/(emit|validate\/validate-schema|generated\/site-(schema|validator)|model|compile)/;

describe('start-up', () => {
  const help = initialised(['--help']);
  const validate = initialised(['validate', join(ROOT, 'sites/alps.yaml')]);
  const compile = initialised([join(ROOT, 'sites/alps.yaml'), '--out', join(work, 'out')]);

  it('package.json runs the entry, which runs the bundle (the coverage saw it)', () => {
    expect(BIN).toBe(join(ROOT, BUNDLE_DIR, 'chamicore-compile.cjs'));
    expect(help.wrapped.size).toBeGreaterThan(100);
  });

  it('every heavy module waits for the command that needs it: it is wrapped, not run at each start', () => {
    expect(matching(inputs, HEAVY).filter((m) => !help.wrapped.has(m))).toEqual([]);
  });

  it('--help initialises commander and no validator, YAML library, template engine, emitter or schema', () => {
    expect(matching(help.modules, /node_modules\/commander\//).length).toBeGreaterThan(0);
    expect(matching(help.modules, HEAVY)).toEqual([]);
  });

  it('validate initialises the checker but no emitter or template engine', () => {
    expect(validate.modules).toContain('src/generated/site-validator.ts');
    expect(matching(validate.modules, /node_modules\/nunjucks\/|^src\/emit\//)).toEqual([]);
  });

  it('no command compiles the schema: the validator is code generated at build time, ajv only lends its runtime helpers', () => {
    for (const run of [help, validate, compile])
      expect(
        matching(run.modules, /node_modules\/(ajv|fast-uri|json-schema-traverse)\//).filter((m) => !m.includes('ajv/dist/runtime/')),
      ).toEqual([]);
  });

  it('compile initialises the emitters and the template engine', () => {
    expect(matching(compile.modules, /node_modules\/nunjucks\//).length).toBeGreaterThan(0);
    expect(compile.modules).toContain('src/emit/values.ts');
  });

  it('--version states the schema version its $id names', () => {
    expect(String(siteSchema['$id'])).toContain(`/schema/${SCHEMA_VERSION}/`);
  });
});
