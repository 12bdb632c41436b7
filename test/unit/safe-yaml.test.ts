import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderYamlFile } from '../../src/emit/output.js';
import {
  fastSafeYaml,
  librarySafeYaml,
  sameValue,
  toSafeYaml,
  verifyYaml,
  verifyYamlFully,
  type YamlValue,
} from '../../src/emit/safe-yaml.js';
import { encodeComment } from '../../src/emit/templates.js';
import { checkText } from '../helpers/site.js';
import { FC_OPTIONS, freeText } from '../properties/arbitraries.js';
import { emit } from '../properties/helpers.js';

// Strings that some YAML reader takes for another type, or that break a plain scalar.
const TRICKY = [
  'no',
  'No',
  'NO',
  'n',
  'N',
  'yes',
  'y',
  'Y',
  'on',
  'off',
  'On',
  'OFF',
  'true',
  'False',
  '~',
  'null',
  'Null',
  '',
  '1.10',
  '1.0',
  '0777',
  '010',
  '0o17',
  '0x1F',
  '0b101',
  '1_000',
  '1:30',
  '+12',
  '1e3',
  '.inf',
  '-.inf',
  '.NaN',
  '2024-01-01',
  '2024-01-01T10:00:00Z',
  '12345678901234567890',
  '<<',
  '=',
  'a: b',
  'a #b',
  '#x',
  '-',
  '- a',
  '---',
  '...',
  '@x',
  '`x`',
  '%x',
  '!x',
  '&x',
  '*x',
  '{a}',
  '[a]',
  ':3333',
  '? x',
  '| x',
  '> x',
  '"q"',
  "'q'",
  'back\\slash',
  'line1\nline2',
  'line1\nline2\n',
  ' leading',
  'trailing ',
  'tab\there',
  'crlf\r\n',
  'nel\u0085x',
  'ls\u2028x',
  'ps\u2029x',
  '\ufeffbom',
  'del\u007fx',
  'nonchar\ufffex',
  '\uffff',
  'c1\u0090x',
  'bell\u0007x',
  'é😀',
  'x'.repeat(300),
];

describe('toSafeYaml', () => {
  it('keeps every tricky string a string for YAML 1.1 and 1.2 readers, as value and as key', () => {
    for (const s of TRICKY) {
      const value = { k: s, [s]: 'v', list: [s] };
      const text = toSafeYaml(value);
      expect(verifyYaml(text, value), JSON.stringify(s)).toBeUndefined();
    }
  });

  it('quotes the classic offenders', () => {
    expect(toSafeYaml({ a: 'no', b: '1.10', c: '0777', d: '2024-01-01', e: '~', f: 'on' })).toBe(
      'a: "no"\nb: "1.10"\nc: "0777"\nd: "2024-01-01"\ne: "~"\nf: "on"\n',
    );
  });

  it('quotes whatever starts like a number: go-yaml v2 reads 0X1 and 0B1 as integers', () => {
    expect(toSafeYaml({ a: '0X1', b: '0B1', c: '500m', d: '1.4.2', e: '-1', f: '.5' })).toBe(
      'a: "0X1"\nb: "0B1"\nc: "500m"\nd: "1.4.2"\ne: "-1"\nf: ".5"\n',
    );
  });

  it('escapes the line breaks YAML 1.1 sees and yaml@2 leaves raw', () => {
    const text = toSafeYaml({ a: 'x\u2028y', b: 'x\u0085y', c: 'x\u2029y' });
    expect(text).toBe('a: "x\\Ly"\nb: "x\\Ny"\nc: "x\\Py"\n');
    expect(text).not.toMatch(/[\u0085\u2028\u2029]/);
  });

  it('escapes the noncharacters U+FFFE and U+FFFF, which go-yaml v2 refuses raw (a generated site found it)', () => {
    const text = toSafeYaml({ a: 'x\ufffey', 'k\uffff': '\uffff' });
    expect(text).toBe('a: "x\\uFFFEy"\n"k\\uFFFF": "\\uFFFF"\n');
    expect(verifyYaml(text, { a: 'x\ufffey', 'k\uffff': '\uffff' })).toBeUndefined();
  });

  it('keeps numbers and booleans typed and writes no aliases', () => {
    const shared = { x: 1 };
    const text = toSafeYaml({ replicas: 3, on: true, a: shared, b: shared });
    expect(text).toBe('replicas: 3\n"on": true\na:\n  x: 1\nb:\n  x: 1\n');
  });

  it('writes no line folding however long a string is', () => {
    const long = 'word '.repeat(100).trim();
    expect(toSafeYaml({ a: long }).split('\n').length).toBe(2);
  });

  it('round-trips random strings (property)', () => {
    const alphabet = [
      'a',
      ' ',
      ':',
      '#',
      '-',
      '\n',
      '"',
      "'",
      '\\',
      '0',
      '1',
      '.',
      'y',
      'n',
      'o',
      '\u2028',
      '\u0085',
      '\t',
      '{',
      '[',
      '&',
      '*',
      '!',
      '%',
      '@',
      'é',
    ];
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 2000; i++) {
      const s = Array.from({ length: rand(12) }, () => alphabet[rand(alphabet.length)]).join('');
      const value = { [s === '' ? 'k' : s]: s };
      expect(verifyYaml(toSafeYaml(value), value), JSON.stringify(s)).toBeUndefined();
    }
  });
});

describe('verifyYaml', () => {
  it('catches text that a YAML 1.1 reader reads differently', () => {
    expect(verifyYaml('a: no\n', { a: 'no' })).toMatch(/1\.1/);
    expect(verifyYaml('a: 1.10\n', { a: '1.10' })).toMatch(/1\.2/);
    expect(verifyYaml('a: "no"\n', { a: 'no' })).toBeUndefined();
  });

  it('compares values deeply', () => {
    expect(sameValue({ a: [1, { b: 'c' }] }, parse('a: [1, {b: c}]'))).toBe(true);
    expect(sameValue({ a: [1] }, { a: [1, 2] })).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
  });
});

describe('fastSafeYaml', () => {
  const word = fc.oneof(
    freeText(20),
    fc.stringMatching(/^[ -~]{0,12}$/),
    fc.constantFrom(
      ...TRICKY.filter((t) => t.length < 40),
      'a',
      'b-c',
      'x y',
      'http://h:1/p',
      'a:b',
      'a#b',
      'true',
      'Yes',
      'NULL',
      '<<',
      "it's",
      'say "hi"',
      'a: "b"',
      'x "y" ',
      "a: 'b'",
      '"',
    ),
  );
  const { value } = fc.letrec<{ value: YamlValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      word,
      fc.integer(),
      fc.constantFrom(-0, 0.5, 1e21, 2 ** 53),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(word, tie('value'), { maxKeys: 4 }),
    ),
  }));

  it('writes exactly what the YAML library writes, or leaves the document to it (property)', () => {
    let fast = 0;
    fc.assert(
      fc.property(value, (v) => {
        const text = fastSafeYaml(v);
        if (text === undefined) return;
        fast++;
        expect(text).toBe(librarySafeYaml(v));
      }),
      FC_OPTIONS,
    );
    expect(fast).toBeGreaterThan((FC_OPTIONS.numRuns ?? 100) / 4);
  });

  it('writes only text that YAML 1.1 and 1.2 readers read back as the document, under any header: why renderYamlFile does not read it back (property)', () => {
    const headerLine = freeText(30).filter((l) => {
      try {
        encodeComment([l]);
        return true;
      } catch {
        return false;
      }
    });
    let fast = 0;
    fc.assert(
      fc.property(value, fc.array(headerLine, { maxLength: 3 }), (v, header) => {
        if (fastSafeYaml(v) === undefined) return;
        fast++;
        const file = renderYamlFile('x.yaml', header, v);
        // The oracle is the YAML library's full reader under each version, never the fast reader.
        expect(verifyYamlFully(file.contents, v)).toBeUndefined();
      }),
      FC_OPTIONS,
    );
    expect(fast).toBeGreaterThan((FC_OPTIONS.numRuns ?? 100) / 4);
  });

  it('writes any well-formed text itself, non-ASCII and escapes alike, as the library does', () => {
    const v = { town: 'Zürich', clé: 'é\u2028x', nel: 'a\u0085b', emoji: '😀 x' };
    expect(fastSafeYaml(v)).toBe('town: Zürich\nclé: "é\\Lx"\nnel: "a\\Nb"\nemoji: 😀 x\n');
    expect(fastSafeYaml(v)).toBe(librarySafeYaml(v));
  });

  it('leaves what it does not write (a float, a string the library single-quotes) to the library writer, whose text is read back', () => {
    for (const v of [{ a: 0.5 }, { a: 'x: "y"' }]) {
      expect(fastSafeYaml(v)).toBeUndefined();
      const file = renderYamlFile('x.yaml', ['h'], v);
      expect(file.contents).toBe(`# h\n${librarySafeYaml(v)}`);
      expect(verifyYamlFully(file.contents, v)).toBeUndefined();
    }
  });

  it('writes every file of the example sites itself', () => {
    for (const name of ['alps', 'eiger', 'dev']) {
      const checked = checkText(readFileSync(`sites/${name}.yaml`, 'utf8'), name);
      for (const file of emit(checked.model!, false).filter((f) => f.path.endsWith('.yaml'))) {
        const document = parse(file.contents) as YamlValue;
        const body = file.contents.replace(/^(#.*\n)*/, '');
        expect(fastSafeYaml(document), `${name}: ${file.path}`).toBe(body);
      }
    }
  });
});
