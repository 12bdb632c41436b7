import { describe, expect, it } from 'vitest';
import { diffValues as diffAll, leavesOf, valueAt, type Change } from '../../src/diff/site-diff.js';

/** The changes as text shows them (the values themselves, for JSON, are tested apart). */
const diffValues = (a: unknown, b: unknown): Omit<Change, 'before' | 'after'>[] =>
  diffAll(a, b).map((c) => ({
    path: c.path,
    kind: c.kind,
    ...(c.old !== undefined ? { old: c.old } : {}),
    ...(c.new !== undefined ? { new: c.new } : {}),
  }));

describe('diffValues', () => {
  it('carries the old and new values themselves, for --format json', () => {
    expect(diffAll({ a: { n: 1, gone: [1, 2] } }, { a: { n: 2, s: { x: 'y' } } })).toEqual([
      { path: 'a.n', kind: 'changed', old: '1', new: '2', before: 1, after: 2 },
      { path: 'a.gone', kind: 'removed', old: '[1,2]', before: [1, 2] },
      { path: 'a.s', kind: 'added', new: '{"x":"y"}', after: { x: 'y' } },
    ]);
  });

  it('keys a list of named entries by name: Chart.yaml dependencies', () => {
    const before = {
      dependencies: [
        { name: 'chamicore-smd', version: '1.4.2' },
        { name: 'postgresql', version: '16.7.4' },
      ],
    };
    const after = {
      dependencies: [
        { name: 'postgresql', version: '16.7.4' },
        { name: 'chamicore-smd', version: '1.4.3' },
      ],
    };
    expect(diffValues(before, after)).toEqual([
      { path: 'dependencies[chamicore-smd].version', kind: 'changed', old: '"1.4.2"', new: '"1.4.3"' },
    ]);
  });

  it('quotes keys that are not plain words, and indexes lists without names by position', () => {
    expect(diffValues({ a: { 'x.io/y': 1, list: [1, 2] } }, { a: { 'x.io/y': 2, list: [1, 3, 4] } })).toEqual([
      { path: 'a["x.io/y"]', kind: 'changed', old: '1', new: '2' },
      { path: 'a.list[1]', kind: 'changed', old: '2', new: '3' },
      { path: 'a.list[2]', kind: 'added', new: '4' },
    ]);
  });

  it('shows a subtree added or removed whole as one change, by size when it is long', () => {
    const env = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`CHAMICORE_VARIABLE_${i}`, 'a value']));
    expect(diffValues({ s: { env, port: { n: 1 } } }, { s: {} })).toEqual([
      { path: 's', kind: 'changed', old: '{…} (11 values)', new: '{}' },
    ]);
    expect(diffValues({ s: { env, port: { n: 1 } } }, { s: { x: 1 } })).toEqual([
      { path: 's.env', kind: 'removed', old: '{…} (10 values)' },
      { path: 's.port', kind: 'removed', old: '{"n":1}' },
      { path: 's.x', kind: 'added', new: '1' },
    ]);
  });

  it('reports a change of type at its path, and nothing for equal documents', () => {
    expect(diffValues({ a: [1] }, { a: { 0: 1 } })).toEqual([{ path: 'a', kind: 'changed', old: '[1]', new: '{"0":1}' }]);
    expect(diffValues({ a: [{ name: 'x' }] }, { a: [{ name: 'x' }] })).toEqual([]);
  });
});

describe('valueAt', () => {
  const doc = {
    a: { 'b.c': [1, { d: 'x' }], ab: true },
    dependencies: [{ name: 'chamicore-smd', version: '1.4.2' }],
    empty: {},
  };

  it('finds every leaf leavesOf names, with the same JSON text', () => {
    const leaves = leavesOf(doc);
    expect(leaves.size).toBeGreaterThan(4);
    for (const [path, text] of leaves) expect(valueAt(doc, path), path).toBe(text);
  });

  it('gives a subtree as JSON, and undefined where nothing is', () => {
    expect(valueAt(doc, 'a.ab')).toBe('true');
    expect(valueAt(doc, 'a')).toBe(JSON.stringify(doc.a));
    expect(valueAt(doc, 'a.a')).toBeUndefined();
    expect(valueAt(doc, 'a.ab.x')).toBeUndefined();
    expect(valueAt(doc, 'dependencies[postgresql].version')).toBeUndefined();
    expect(valueAt(undefined, 'a')).toBeUndefined();
  });
});
