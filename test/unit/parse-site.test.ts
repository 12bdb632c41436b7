import { describe, expect, it } from 'vitest';
import { findInvalidUtf8, parseSite } from '../../src/load/parse-site.js';
import { Limits } from '../../src/load/limits.js';
import { checkText, where } from '../helpers/site.js';

const parse = (text: string | Uint8Array) => parseSite('sites/x.yaml', typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
const codesOf = (text: string | Uint8Array) => parse(text).diagnostics.map((d) => d.code);

describe('parseSite', () => {
  it('parses a mapping into plain data with string keys', () => {
    const p = parse('a: 1\nyes: no\n1: x\n');
    expect(p.diagnostics).toEqual([]);
    expect(p.data).toEqual({ a: 1, yes: 'no', '1': 'x' });
  });

  it('rejects duplicate keys at the second key', () => {
    expect(where(checkText('site: 1\nrelease: 2\nsite: 3\n'))).toEqual(['yaml-duplicate-key@3:1']);
  });

  it('rejects unknown tags, and known ones too', () => {
    expect(where(checkText('a: !foo bar\n'))).toEqual(['yaml-unknown-tag@1:4']);
    expect(codesOf('a: !!binary aGVsbG8=\n')).toEqual(['yaml-unknown-tag']);
    expect(codesOf('a: !!str 1\n')).toEqual(['yaml-unknown-tag']);
  });

  it('rejects merge keys at the key', () => {
    expect(where(checkText('base: {x: 1}\nderived:\n  <<: {x: 1}\n  y: 2\n'))).toEqual(['yaml-merge-key@3:3']);
  });

  it('rejects aliases, so an alias bomb never expands', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)}]`,
      );
    const p = parse(`${bomb.join('\n')}\n`);
    expect(p.data).toBeUndefined();
    expect(p.diagnostics.length).toBeGreaterThan(0);
    expect(new Set(p.diagnostics.map((d) => d.code))).toEqual(new Set(['yaml-alias']));
    expect(where(checkText('a: &x 1\nb: *x\n'))).toEqual(['yaml-alias@2:4']);
  });

  it('rejects invalid UTF-8 with the position of the bad byte', () => {
    const bytes = Buffer.concat([Buffer.from('a: 1\nb: "'), Buffer.from([0xc3, 0x28]), Buffer.from('"\n')]);
    const p = parse(bytes);
    expect(p.diagnostics.map((d) => d.code)).toEqual(['input-invalid-utf8']);
    expect(where({ ...checkText(''), parsed: p, diagnostics: p.diagnostics })).toEqual(['input-invalid-utf8@2:5']);
    expect(where(checkText(''))).toEqual(['input-not-mapping@1:1']);
  });

  it('finds invalid UTF-8 sequences exactly', () => {
    expect(findInvalidUtf8(Buffer.from('héllo ✓ 😀', 'utf8'))).toBe(-1);
    expect(findInvalidUtf8(Buffer.from([0x61, 0xff]))).toBe(1);
    expect(findInvalidUtf8(Buffer.from([0xc0, 0x80]))).toBe(0); // overlong
    expect(findInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // UTF-8 encoded surrogate
    expect(findInvalidUtf8(Buffer.from([0xe2, 0x82]))).toBe(0); // truncated
    expect(findInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // > U+10FFFF
  });

  it('rejects NUL, raw or escaped', () => {
    expect(codesOf('a: "x\0y"\n')).toEqual(['input-nul']);
    expect(where(checkText('a: 1\nb: x\0y\n'))).toEqual(['input-nul@2:5']);
    expect(where(checkText('a: 1\nb: "x\\0y"\n'))).toEqual(['input-nul@2:4']);
  });

  it('rejects escaped lone surrogates', () => {
    expect(codesOf('a: "\\ud800"\n')).toEqual(['input-ill-formed-unicode']);
  });

  it('rejects several documents, an empty file and a non-mapping root', () => {
    expect(codesOf('a: 1\n---\nb: 2\n')).toEqual(['yaml-multiple-documents']);
    expect(codesOf('')).toEqual(['input-not-mapping']);
    expect(codesOf('# only a comment\n')).toEqual(['input-not-mapping']);
    expect(codesOf('- a\n- b\n')).toEqual(['input-not-mapping']);
    expect(codesOf('just a string\n')).toEqual(['input-not-mapping']);
  });

  it('reports syntax errors with their position', () => {
    expect(where(checkText('a: [1, 2\nb: 3\n'))[0]).toMatch(/^yaml-syntax@/);
    expect(where(checkText('a:\n\tb: 1\n'))).toEqual(['yaml-syntax@2:1']);
  });

  it('refuses a YAML 1.1 directive, which would change how scalars read', () => {
    expect(codesOf('%YAML 1.1\n---\na: yes\n')).toEqual(['yaml-syntax']);
    expect(codesOf('%YAML 1.2\n---\na: yes\n')).toEqual([]);
  });

  it('accepts a byte-order mark', () => {
    const p = parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a: 1\n')]));
    expect(p.diagnostics).toEqual([]);
    expect(p.data).toEqual({ a: 1 });
  });

  it('enforces the size limit before parsing', () => {
    const big = Buffer.alloc(Limits.maxFileBytes + 1, 0x61);
    expect(codesOf(big)).toEqual(['input-too-large']);
  });

  it('nests 32 levels of maps and lists, as documented, and refuses the 33rd (the limit itself, not only its name)', () => {
    const nested = (levels: number, flow: boolean): string =>
      flow
        ? `a: ${'['.repeat(levels - 1)}1${']'.repeat(levels - 1)}\n`
        : Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    for (const flow of [false, true]) {
      expect(codesOf(nested(32, flow)), `32 ${flow ? 'flow' : 'block'}`).toEqual([]);
      expect(codesOf(nested(33, flow)), `33 ${flow ? 'flow' : 'block'}`).toEqual(['input-too-deep']);
    }
    expect(Limits.maxDepth).toBe(32);
  });

  it('enforces the nesting limit in block and flow style', () => {
    const block = Array.from({ length: Limits.maxDepth + 2 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    expect(codesOf(block)).toEqual(['input-too-deep']);
    expect(codesOf(`a: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`)).toEqual(['input-too-deep']);
    expect(where(checkText(`a: 1\nb: ${'['.repeat(40)}\n`))).toEqual(['input-too-deep@2:35']);
    expect(codesOf(`# ${'['.repeat(100)}\na: "${'{'.repeat(100)}"\nb: '${'['.repeat(100)}' # ${'['.repeat(100)}\n`)).toEqual([]);
    const blockText = Array.from({ length: 40 }, (_, i) => `${' '.repeat(2 + i)}x`).join('\n');
    expect(codesOf(`a: |\n${blockText}\nb: >-\n${blockText}\n`)).toEqual([]);
    const ok = Array.from({ length: 10 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    expect(codesOf(ok)).toEqual([]);
  });
});
