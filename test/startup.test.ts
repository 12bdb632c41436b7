/**
 * Start-up: what each command loads before it runs. The built files' static imports (type imports
 * are gone there) are what Node loads at start; a command's heavy code is imported when it runs.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { siteSchema } from '../src/generated/site-schema.js';
import { SCHEMA_VERSION } from '../src/version.js';
import { ROOT } from './helpers/cli.js';

/** Every module the static imports of `entry` (under dist/) load: dist files by path, packages by specifier. */
function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    const key = relative(ROOT, file);
    if (seen.has(key)) return;
    seen.add(key);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s(?:[^;'"]*?\sfrom\s)?['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) visit(join(dirname(file), spec));
      else seen.add(spec);
    }
  };
  visit(join(ROOT, entry));
  return seen;
}

const heavy = (closure: Set<string>, pattern: RegExp): string[] => [...closure].filter((m) => pattern.test(m)).sort();

describe('start-up', () => {
  it('the CLI entry (--help, --version) loads no validator, YAML library, template engine, emitter or schema', () => {
    const closure = staticClosure('dist/bin.js');
    expect(closure.has('commander')).toBe(true);
    expect(
      heavy(closure, /^(ajv|yaml|nunjucks)(\/|$)|^dist\/(emit|validate\/validate-schema|generated\/site-schema|model|compile)/),
    ).toEqual([]);
  });

  it('validate loads the checker but no emitter or template engine', () => {
    const closure = staticClosure('dist/cli/commands/validate.js');
    expect(closure.has('dist/generated/site-validator.js')).toBe(true);
    expect(heavy(closure, /^nunjucks$|^dist\/emit\//)).toEqual([]);
  });

  it('no command compiles the schema: the validator is code generated at build time, ajv only lends its runtime helpers', () => {
    for (const entry of ['dist/bin.js', 'dist/cli/commands/validate.js', 'dist/cli/commands/compile.js', 'dist/cli/commands/explain.js']) {
      expect(heavy(staticClosure(entry), /^ajv/).filter((m) => !m.startsWith('ajv/dist/runtime/'))).toEqual([]);
    }
  });

  it('compile loads the emitters', () => {
    expect(staticClosure('dist/cli/commands/compile.js').has('nunjucks')).toBe(true);
  });

  it('--version states the schema version its $id names', () => {
    expect(String(siteSchema['$id'])).toContain(`/schema/${SCHEMA_VERSION}/`);
  });
});
