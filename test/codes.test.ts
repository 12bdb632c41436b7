/**
 * The diagnostic and usage codes are a published contract: every declared code is emitted by some
 * path in src/ and asserted by some test, and no code is emitted without being declared (the type
 * check enforces that part: builders accept only declared codes).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULE_TABLE_END, RULE_TABLE_START, ruleTable } from '../src/docs/rule-table.js';
import { STAGE_CODES } from '../src/report/diagnostic.js';
import { USAGE_CODES } from '../src/report/exit-codes.js';
import { RULE_CODES, RULES } from '../src/validate/rules/index.js';
import { ROOT } from './helpers/cli.js';

function filesUnder(dir: string, keep: (path: string) => boolean): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.isFile() && keep(path)) out.push({ path: relative(ROOT, path), text: readFileSync(path, 'latin1') });
    }
  };
  walk(join(ROOT, dir));
  return out;
}

const SOURCES = filesUnder('src', (p) => p.endsWith('.ts') && !p.includes('/generated/'));
// Test code, golden expectations and hostile cases (their `# expect:` line); not this file.
const TESTS = filesUnder('test', (p) => !p.endsWith('codes.test.ts') && !p.includes('/node_modules/'));

const escape = (s: string): string => s.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&');
/**
 * A builder call with the code as its first argument (`error('code'`, `warning(\n 'code'`,
 * `new UsageError('code'`, the schema adapter's `mk('code'`), or an entry of the table that maps
 * the YAML library's error codes (`DUPLICATE_KEY: 'yaml-duplicate-key'`).
 */
const emitted = (code: string): RegExp =>
  new RegExp(`\\b(error|warning|UsageError|mk)\\(\\s*'${escape(code)}'|^\\s+[A-Z_]+: '${escape(code)}',$`, 'm');
/** The code as a whole word, not as part of a longer code. */
const mentioned = (code: string): RegExp => new RegExp(`(?<![a-z0-9-])${escape(code)}(?![a-z0-9-])`);

const ALL = [
  ...Object.keys(STAGE_CODES).map((code) => ({ code, kind: 'stage' })),
  ...RULE_CODES.map(({ code }) => ({ code, kind: 'rule' })),
  ...USAGE_CODES.map((code) => ({ code, kind: 'usage' })),
];

describe('diagnostic and usage codes', () => {
  it('are declared once each', () => {
    const codes = ALL.map((c) => c.code);
    expect(codes.filter((c, i) => codes.indexOf(c) !== i)).toEqual([]);
  });

  it.each(ALL.map((c) => [c.code, c.kind] as const))('%s (%s) is emitted by some path in src/', (code) => {
    expect(SOURCES.filter((f) => emitted(code).test(f.text)).map((f) => f.path)).not.toEqual([]);
  });

  it.each(ALL.map((c) => [c.code, c.kind] as const))('%s (%s) is asserted by some test', (code) => {
    expect(TESTS.filter((f) => mentioned(code).test(f.text)).map((f) => f.path)).not.toEqual([]);
  });

  it('a rule emits only from its own file the codes it declares', () => {
    for (const rule of RULES) {
      const owners = Object.keys(rule.codes).map((code) => SOURCES.filter((f) => emitted(code).test(f.text)).map((f) => f.path));
      for (const files of owners) expect(files).toHaveLength(1);
      expect(new Set(owners.flat()).size).toBe(1);
    }
  });
});

describe('the rule table of the operator guide', () => {
  it('is the one the rule registry generates (npm run gen)', () => {
    const guide = readFileSync(join(ROOT, 'docs/operator-guide.md'), 'utf8');
    expect(guide).toContain(`${RULE_TABLE_START}\n${ruleTable()}\n${RULE_TABLE_END}`);
    for (const { code } of RULE_CODES) expect(ruleTable()).toContain(`| \`${code}\` |`);
  });
});
