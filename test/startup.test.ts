/**
 * Start-up: what each command loads before it runs. The CLI is the bundle package.json's bin names
 * (scripts/build.mjs); esbuild's metafile says which sources each output file holds and what it
 * imports. An output's static imports are what Node loads with it; a command's code is a chunk the
 * CLI imports when that command runs.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE_DIR } from '../scripts/build.mjs';
import { siteSchema } from '../src/generated/site-schema.js';
import { SCHEMA_VERSION } from '../src/version.js';
import { BIN, ROOT } from './helpers/cli.js';

interface Metafile {
  outputs: Record<
    string,
    { entryPoint?: string; inputs: Record<string, unknown>; imports: { path: string; kind: string; external?: boolean }[] }
  >;
}
const meta = JSON.parse(readFileSync(join(ROOT, BUNDLE_DIR, 'meta.json'), 'utf8')) as Metafile;

/** The output that starts at a source file: the CLI, or a command's chunk. */
function outputOf(entryPoint: string): string {
  const found = Object.entries(meta.outputs).find(([, o]) => o.entryPoint === entryPoint);
  if (found === undefined) throw new Error(`no bundle output starts at ${entryPoint}`);
  return found[0];
}

/** Every source file (and external module) loaded with `output`: its inputs and those of its static imports. */
function staticClosure(output: string): Set<string> {
  const sources = new Set<string>();
  const seen = new Set<string>();
  const visit = (o: string): void => {
    if (seen.has(o)) return;
    seen.add(o);
    const out = meta.outputs[o]!;
    for (const input of Object.keys(out.inputs)) sources.add(input);
    for (const i of out.imports) {
      if (i.kind !== 'import-statement') continue;
      if (i.external === true) sources.add(i.path);
      else visit(i.path);
    }
  };
  visit(output);
  return sources;
}

const heavy = (closure: Set<string>, pattern: RegExp): string[] => [...closure].filter((m) => pattern.test(m)).sort();
const COMMANDS = ['validate', 'compile', 'check', 'diff', 'explain', 'init'];

describe('start-up', () => {
  it('the bundle is what package.json runs', () => {
    expect(relative(ROOT, BIN)).toBe(outputOf('src/bin.ts'));
  });

  it('the CLI entry (--help, --version) loads no validator, YAML library, template engine, emitter or schema', () => {
    const closure = staticClosure(outputOf('src/bin.ts'));
    expect(heavy(closure, /node_modules\/commander\//).length).toBeGreaterThan(0);
    expect(
      heavy(
        closure,
        /node_modules\/(ajv|yaml|nunjucks)\/|^src\/(emit|validate\/validate-schema|generated\/site-(schema|validator)|model|compile)/,
      ),
    ).toEqual([]);
  });

  it('validate loads the checker but no emitter or template engine', () => {
    const closure = staticClosure(outputOf('src/cli/commands/validate.ts'));
    expect(closure.has('src/generated/site-validator.ts')).toBe(true);
    expect(heavy(closure, /node_modules\/nunjucks\/|^src\/emit\//)).toEqual([]);
  });

  it('no command compiles the schema: the validator is code generated at build time, ajv only lends its runtime helpers', () => {
    for (const command of COMMANDS) {
      const closure = staticClosure(outputOf(`src/cli/commands/${command}.ts`));
      expect(heavy(closure, /node_modules\/(ajv|fast-uri|json-schema-traverse)\//).filter((m) => !m.includes('ajv/dist/runtime/'))).toEqual(
        [],
      );
    }
  });

  it('compile loads the emitters', () => {
    expect(heavy(staticClosure(outputOf('src/cli/commands/compile.ts')), /node_modules\/nunjucks\//).length).toBeGreaterThan(0);
  });

  it('--version states the schema version its $id names', () => {
    expect(String(siteSchema['$id'])).toContain(`/schema/${SCHEMA_VERSION}/`);
  });
});
