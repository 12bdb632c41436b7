/**
 * Property: readPlainYaml (the reader of the plain block style, src/load/plain-yaml.ts) and the full
 * parse agree. Whatever text it accepts, the full parse reads without a diagnostic and as the same
 * data: same keys in the same order, same values (`Object.is`: -0 stays -0), plain prototypes. What
 * it refuses is read by the full parse alone, so only acceptance needs proving. Text comes from
 * generated data written by the yaml library, generated sites, and lines of hostile fragments.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseSite, parseSiteText } from '../../src/load/parse-site.js';
import { readPlainYaml } from '../../src/load/plain-yaml.js';
import { secretLines } from '../../src/report/format.js';
import { locate, locateIn } from '../../src/report/locate.js';
import { ROOT } from '../helpers/cli.js';
import { FC_OPTIONS, NUM_RUNS, PROPERTY_TIMEOUT, siteArbitrary } from './arbitraries.js';

/** Deep equality that the JSON-like data of a site needs: key order, `Object.is`, plain objects and arrays. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b);
  return (
    ka.length === kb.length &&
    ka.every((k, i) => k === kb[i] && same((a as Record<string | symbol, unknown>)[k], (b as Record<string | symbol, unknown>)[k]))
  );
}

/**
 * Checks one text; returns whether the plain reader accepted it. Accepted: the same data, and every
 * diagnostic placed at the same line and column from the plain reader's node starts as from the
 * document (at each node, on its key or not, and below a node where nothing is), and the same lines
 * kept from the code frame as secret.
 */
function agrees(text: string): boolean {
  const fast = readPlainYaml(text);
  // Without positions (how parseSite reads first), the same answer.
  const plain = readPlainYaml(text, false);
  expect(plain === undefined, text).toBe(fast === undefined);
  if (fast === undefined) return false;
  expect(same(plain!.data, fast.data), text).toBe(true);
  const full = parseSiteText('f.yaml', text);
  expect(full.diagnostics, text).toEqual([]);
  expect(same(fast.data, full.data), `${text}\nplain: ${JSON.stringify(fast.data)}\nfull: ${JSON.stringify(full.data)}`).toBe(true);
  const deferred = parseSite('f.yaml', new TextEncoder().encode(text));
  expect(deferred.nodes).toBeDefined();
  for (const key of fast.nodes.keys()) {
    const path = JSON.parse(key) as (string | number)[];
    for (const p of [path, [...path, 'nothing'], [...path, 0], [...path, '0'], [...path, 'nothing', 1]])
      for (const onKey of [false, true])
        expect(locateIn({ path: p, onKey }, deferred), `${text}\n${JSON.stringify(p)} onKey=${String(onKey)}`).toEqual(
          locate({ path: p, onKey }, full.doc, full.lineCounter),
        );
  }
  const lines = text.split('\n').length;
  const fullHidden = secretLines(full);
  for (let line = 1; line <= lines + 1; line++)
    expect(secretLines(deferred, new Set([line])).has(line), `${text}\nline ${String(line)}`).toBe(fullHidden.has(line));
  return true;
}

const KEYS = [
  'a',
  'b',
  'name',
  'cloud-init',
  'x.y',
  'a/b',
  '$v',
  '_k',
  'true',
  'null',
  'Yes',
  'on',
  'y',
  '__proto__',
  'constructor',
  '1',
  'a b',
  'é',
  // YAML refuses an implicit key past 1,024 characters.
  'k'.repeat(1000),
  'k'.repeat(1001),
  'k'.repeat(1024),
  'k'.repeat(1025),
];
const SCALARS: unknown[] = [
  'plain',
  '',
  ' lead',
  'trail ',
  'a: b',
  'a #b',
  'a#b',
  '#x',
  '- x',
  '-x',
  "it's",
  'say "hi"',
  'back\\slash',
  'line\nbreak',
  'tab\there',
  'yes',
  'no',
  'on',
  '~',
  'null',
  'NULL',
  'nUll',
  'true',
  'TRUE',
  'tRue',
  '0o17',
  '0x1F',
  '0X1F',
  '+12',
  '-0',
  '007',
  '1e3',
  '1E400',
  '.5',
  '1.',
  '.inf',
  '-.Inf',
  '.NaN',
  '9007199254740993',
  '2001-12-14',
  '1_000',
  '0b101',
  ':x',
  ',x',
  '[a]',
  '{a: 1}',
  '[]',
  '{}',
  '*a',
  '&a x',
  '!t x',
  '|',
  '>-',
  '%x',
  '@x',
  '`x',
  '?x',
  '? x',
  'Zürich',
  '\u2028',
  '\u0085',
  '\ufeff',
  '😀',
  0,
  -0,
  1,
  -7,
  3.5,
  1e21,
  2 ** 53,
  2 ** 53 + 2,
  0.1,
  true,
  false,
  null,
  [],
  {},
];

const key = fc.oneof(fc.constantFrom(...KEYS), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_$./-]{0,6}$/));
const scalar = fc.oneof(fc.constantFrom(...SCALARS), fc.string({ maxLength: 8 }), fc.integer(), fc.double({ noNaN: true }));
const data: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(key, tie('node'), { maxKeys: 5 }),
})).map;

/** One line of hostile YAML: indentation, an optional item marker, a key or not, a separator, a value, a comment. */
const hostileLine = fc
  .tuple(
    fc.oneof({ weight: 4, arbitrary: fc.constantFrom(0, 2, 4) }, fc.integer({ min: 0, max: 6 })),
    fc.constantFrom('', '- ', '-', '-  ', '? '),
    fc.oneof(fc.constant(''), key, fc.constantFrom('"q"', "'q'", '&a k', '!t k', '<<', '- k', 'k k')),
    fc.constantFrom(':', ': ', ':  ', '', ' :', ':\t'),
    fc.oneof(
      fc.constant(''),
      fc.constantFrom(...SCALARS.filter((s): s is string => typeof s === 'string')),
      fc.constantFrom('"a"', '"a\\n"', '"a', "'a'", "'it''s'", "'a", '"a" #c', '"a"#c', "'a' x", '[] #c', '[ ]', '{}x'),
    ),
    fc.constantFrom('', ' # c', '#c', '  ', ' #'),
  )
  .map(([indent, item, k, sep, value, comment]) => `${' '.repeat(indent)}${item}${k}${k === '' ? '' : sep}${value}${comment}`);
const hostileText = fc
  .array(
    fc.oneof({ weight: 8, arbitrary: hostileLine }, fc.constantFrom('', '# comment', '---', '...', '%YAML 1.1', '  # indented comment')),
    {
      minLength: 1,
      maxLength: 12,
    },
  )
  .map((lines) => lines.join('\n'));

/** Text the yaml library wrote, with one line changed: a hostile value or line, other indentation, a comment. */
const mutatedText = fc
  .tuple(
    data,
    fc.nat(),
    fc.nat({ max: 3 }),
    hostileLine,
    fc.constantFrom(...SCALARS.filter((v): v is string => typeof v === 'string')),
    fc.integer({ min: -2, max: 2 }),
  )
  .map(([d, at, kind, line, value, shift]) => {
    const lines = stringify({ root: d }, { version: '1.2' }).trimEnd().split('\n');
    const i = at % lines.length;
    const old = lines[i]!;
    const indent = old.length - old.replace(/^ +/, '').length;
    if (kind === 0) lines[i] = old.includes(': ') ? `${old.slice(0, old.indexOf(': ') + 2)}${value}` : `${old} ${value}`;
    else if (kind === 1) lines.splice(i + 1, 0, `${' '.repeat(indent)}${line.replace(/^ +/, '')}`);
    else if (kind === 2) lines[i] = `${' '.repeat(Math.max(0, indent + shift))}${old.slice(indent)}`;
    else lines[i] = `${old} #${value}`;
    return lines.join('\n');
  });

describe(`readPlainYaml agrees with the full parse (${NUM_RUNS} runs a property)`, { timeout: PROPERTY_TIMEOUT }, () => {
  it('on data the yaml library writes, in its styles', () => {
    let accepted = 0;
    fc.assert(
      fc.property(data, fc.boolean(), fc.integer({ min: 2, max: 4 }), (d, indentSeq, indent) => {
        if (agrees(stringify({ root: d }, { indentSeq, indent, version: '1.2' }))) accepted += 1;
      }),
      FC_OPTIONS,
    );
    // The property holds something: about a third of this text is in the plain style.
    expect(accepted).toBeGreaterThan(NUM_RUNS / 10);
  });

  it('on generated site files', () => {
    // Most generated sites hold strings with escapes (the full parse's); the example sites take the plain reader below.
    fc.assert(
      fc.property(siteArbitrary, fc.boolean(), fc.boolean(), (g, indentSeq, flow) => {
        agrees(stringify(g.data, { indentSeq, version: '1.2', ...(flow ? { collectionStyle: 'flow' } : {}) }));
      }),
      FC_OPTIONS,
    );
  });

  it('on written text with one line made hostile', () => {
    let accepted = 0;
    fc.assert(
      fc.property(mutatedText, (text) => {
        if (agrees(text)) accepted += 1;
      }),
      { ...FC_OPTIONS, numRuns: NUM_RUNS * 5 },
    );
    // About one in six stays in the plain style.
    expect(accepted).toBeGreaterThan(NUM_RUNS / 4);
  });

  it('on lines of hostile fragments', () => {
    // Few of these are YAML at all; the written text made hostile above is where acceptance is proven.
    fc.assert(
      fc.property(hostileText, (text) => {
        agrees(text);
      }),
      { ...FC_OPTIONS, numRuns: NUM_RUNS * 20 },
    );
  });

  it('on every site file of the repository and of the tests; the example sites take the plain reader', () => {
    /** The YAML files below `dir`, but not what a golden case expects as output. */
    const yamlFiles = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? (e.name === 'expected' ? [] : yamlFiles(join(dir, e.name))) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
      );
    const files = ['sites', 'test/conformance/sites', 'test/hostile/cases', 'test/golden'].flatMap((f) => yamlFiles(join(ROOT, f)));
    let accepted = 0;
    for (const file of files) {
      if (agrees(new TextDecoder().decode(readFileSync(file)))) accepted += 1;
      else expect(file.startsWith(join(ROOT, 'sites/')), file).toBe(false);
    }
    expect(files.length).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(files.length / 3);
  });

  it('leaves a key past 1,000 characters to the full parse, which refuses one past 1,024', () => {
    for (const [length, indent] of [
      [1000, ''],
      [1001, ''],
      [1025, ''],
      [1000, 'a:\n  - '],
      [1025, 'a:\n  - '],
      [1025, 'a: { '],
    ] as const) {
      const text = `${indent}${'k'.repeat(length)}: v${indent.endsWith('{ ') ? ' }' : ''}\n`;
      expect(agrees(text), `${String(length)} ${JSON.stringify(indent)}`).toBe(length <= 1000);
    }
    expect(parseSiteText('f.yaml', `${'k'.repeat(1025)}: v\n`).diagnostics.map((d) => d.code)).toEqual(['yaml-syntax']);
  });

  it('reads a file at once and parses it fully only when asked for its document', () => {
    const parsed = parseSite('sites/x.yaml', new TextEncoder().encode('site:\n  name: x\n  replicas: 3 # c\n'));
    expect(parsed.data).toEqual({ site: { name: 'x', replicas: 3 } });
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.nodes?.get('["site","replicas"]')).toEqual({ start: 28, key: 18, kind: 'scalar' });
    expect(locateIn({ path: ['site', 'replicas'] }, parsed)).toEqual({ line: 3, col: 13 });
    expect(parsed.doc?.getIn(['site', 'replicas'])).toBe(3);
    // The parsed secrets value ends at the next top-level key when an indented comment trails it:
    // that line is hidden too, and only the document can say so.
    const trailing = 'secrets:\n  a: 1\n  # c\n\nsite: 2\n';
    const read = parseSite('sites/x.yaml', new TextEncoder().encode(trailing));
    expect(read.nodes).toBeDefined();
    expect(secretLines(read, new Set([5])).has(5)).toBe(true);
    expect(secretLines(parseSiteText('sites/x.yaml', 'secrets:\n  a: 1\n\nsite: 2\n')).has(4)).toBe(false);
  });
});
