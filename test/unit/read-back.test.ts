/**
 * The fast read-back reader (src/emit/read-back.ts) must never read text otherwise than the YAML
 * library does under YAML 1.2 and 1.1: when it returns a value, both full readers return that value.
 * It may give up (OUTSIDE): the full readers then run, as before.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OUTSIDE, readEmittedYaml } from '../../src/emit/read-back.js';
import { sameValue, toSafeYaml, verifyYaml, type YamlValue } from '../../src/emit/safe-yaml.js';
import { checkText } from '../helpers/site.js';
import { emit } from '../properties/helpers.js';
import { FC_OPTIONS, freeText } from '../properties/arbitraries.js';

const OPTIONS = { merge: false, uniqueKeys: true, maxAliasCount: 0, logLevel: 'silent', strict: true } as const;

/** The text under each version of the full reader, or 'refused'. */
function full(text: string): unknown[] {
  return (['1.2', '1.1'] as const).map((version) => {
    try {
      return parse(text, { ...OPTIONS, version }) as unknown;
    } catch {
      return 'refused';
    }
  });
}

/** How many texts the fast reader read (not OUTSIDE): a property that only sees OUTSIDE proves nothing. */
let read = 0;

/** The property: a value from the fast reader is what both full readers read. */
function agrees(text: string): boolean {
  const fast = readEmittedYaml(text);
  if (fast === OUTSIDE) return true;
  read++;
  const [v12, v11] = full(text);
  return v12 !== 'refused' && sameValue(fast, v12) && sameValue(fast, v11);
}

const scalar: fc.Arbitrary<YamlValue> = fc.oneof(
  freeText(30),
  fc.constantFrom('a', 'x-y', 'http://h:1/p', 'a:b', 'a#b', '1', '-1', 'true', '...', 'yes', '<<', '=', 'é', '\u0085'),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const key = fc.oneof(freeText(12), fc.constantFrom('a', 'b', 'name', 'on', 'yes', '1', '<<', 'a: b', '- x', '"q"'));
const { value: yamlValue } = fc.letrec<{ value: YamlValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}));
const documentValue = fc.dictionary(key, yamlValue, { minKeys: 1, maxKeys: 5 });
/** Documents of short words, most of which survive an edit in the subset. */
const word = fc.constantFrom('a', 'x y', 'b-c', '1', '1.10', 'no', 'yes', 'true', '~', 'null', 'http://h:1', 'a.b', '0x1');
const { value: simpleValue } = fc.letrec<{ value: YamlValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    word,
    fc.integer({ min: -5, max: 5 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(word, tie('value'), { maxKeys: 3 }),
  ),
}));

/** Edits that keep text close to the subset: characters YAML gives meaning to, and indentation. */
const EDIT_CHARS = [
  ' ',
  '  ',
  '-',
  '- ',
  ':',
  ': ',
  '#',
  ' #',
  '"',
  "'",
  '\\',
  '\\/',
  '\\x4',
  '\n',
  '\t',
  '{',
  '}',
  '[',
  ']',
  '&a ',
  '*a',
  '!!str ',
  '|',
  '>',
  '?',
  ',',
  '...',
  '---',
  'no',
  'yes',
  '~',
  '0x1',
  '1:2',
  '\r',
];

describe('readEmittedYaml', () => {
  it('reads what toSafeYaml writes as the value written, as both full readers do (property)', () => {
    fc.assert(
      fc.property(documentValue, (value) => {
        const text = `# header\n${toSafeYaml(value)}`;
        const fast = readEmittedYaml(text);
        if (fast !== OUTSIDE) expect(sameValue(fast, value)).toBe(true);
        expect(agrees(text)).toBe(true);
      }),
      FC_OPTIONS,
    );
  });

  it('never reads edited text otherwise than both full readers (property)', () => {
    read = 0;
    fc.assert(
      fc.property(
        fc.oneof(documentValue, fc.dictionary(word, simpleValue, { minKeys: 1, maxKeys: 4 })),
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.constantFrom(...EDIT_CHARS)), { maxLength: 2 }),
        (value, unquote, edits) => {
          // Unquoting turns `"no"` into `no`: the scalars YAML 1.1 and 1.2 read differently.
          let text = unquote ? toSafeYaml(value).replace(/"/g, '') : toSafeYaml(value);
          for (const [at, cut, insert] of edits) {
            const i = at % (text.length + 1);
            text = text.slice(0, i) + insert + text.slice(i + cut);
          }
          expect(agrees(text), JSON.stringify(text)).toBe(true);
        },
      ),
      FC_OPTIONS,
    );
    // Some edited texts are still read (a changed value, an unquoted word): those were compared.
    expect(read).toBeGreaterThan((FC_OPTIONS.numRuns ?? 100) / 50);
  });

  it('gives up on what YAML 1.1 and 1.2 read differently, on YAML it does not read, and on ambiguous plain scalars', () => {
    for (const text of [
      'a: no\n',
      'a: 1:30\n',
      'a: 0o17\n',
      'a: 2024-01-01\n',
      'a: "\\/"\n',
      'a: "\\e"\n',
      'a: "\\ud800"\n',
      'a: |\n  x\n',
      'a: [x]\n',
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a: ...\n',
      'a: x #c\n',
      'a: x\n\nb: y\n',
      'a:\n- x\n',
      'a: 1\na: 2\n',
      '<<: x\n',
      'a:  x\n',
      'a: "x" \n',
      'a: x',
      '- x\n  y\n',
      'a:\n',
      '# x\u2028b: c\na: 1\n',
      '# x\u0085\na: 1\n',
      'a: 1\t\n',
    ]) {
      expect(readEmittedYaml(text), JSON.stringify(text)).toBe(OUTSIDE);
      expect(agrees(text)).toBe(true);
    }
  });

  it('reads nested sequences and mappings, quoted keys and the escapes both versions share', () => {
    const text = '# h\n# h2\na:\n  - - 1\n    - x\n  - k: "v\\n\\x41\\u00e9\\N"\n    "q: k": {}\n  - []\nb: null\n"": ~\n';
    expect(readEmittedYaml(text)).toEqual({ a: [[1, 'x'], { k: 'v\nAé\u0085', 'q: k': {} }, []], b: null, '': null });
    expect(agrees(text)).toBe(true);
  });

  it('reads every file compiled from the example sites without giving up, so the full readers do not run', () => {
    for (const name of ['alps', 'eiger', 'dev']) {
      const checked = checkText(readFileSync(`sites/${name}.yaml`, 'utf8'), name);
      for (const file of emit(checked.model!, false).filter((f) => f.path.endsWith('.yaml'))) {
        const fast = readEmittedYaml(file.contents);
        expect(fast, `${name}: ${file.path}`).not.toBe(OUTSIDE);
        expect(sameValue(fast, parse(file.contents, { version: '1.1' }))).toBe(true);
      }
    }
  });

  it('verifyYaml still names the reader that disagrees when the fast reader gives up', () => {
    expect(verifyYaml('a: yes\n', { a: 'yes' })).toBe('YAML 1.1 reader sees a different value');
  });
});
