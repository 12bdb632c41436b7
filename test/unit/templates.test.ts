import nunjucks from 'nunjucks';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeComment, encodeEnvValue, ENCODING_FILTERS, renderTemplate, templateEnvironment } from '../../src/emit/templates.js';

const nodes = (nunjucks as unknown as { nodes: Record<string, new (...a: unknown[]) => unknown> }).nodes;
const parser = (nunjucks as unknown as { parser: { parse: (src: string) => unknown } }).parser;

/** Every `{{ }}` output whose outermost expression is not one of our encoding filters. */
function bareOutputs(src: string): string[] {
  const problems: string[] = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (node instanceof nodes['Output']!) {
      for (const child of (node as { children: unknown[] }).children) {
        if (child instanceof nodes['TemplateData']!) continue;
        const c = child as { lineno: number; colno: number; name?: { value?: string } };
        const isFilter = child instanceof nodes['Filter']!;
        if (!isFilter || !(ENCODING_FILTERS as readonly string[]).includes(c.name?.value ?? '')) {
          problems.push(`line ${c.lineno + 1} col ${c.colno + 1}`);
        }
      }
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value !== null && typeof value === 'object') walk(value);
    }
  };
  walk(parser.parse(src));
  return problems;
}

describe('templates', () => {
  const dir = new URL('../../templates/', import.meta.url);
  const names = readdirSync(dir).filter((n) => n.endsWith('.njk'));

  it('exist', () => {
    expect(names.sort()).toEqual(['compose.env.njk', 'env-example.njk', 'yaml-document.njk']);
  });

  it.each(names)('%s sends every interpolation through an encoding filter', (name) => {
    expect(bareOutputs(readFileSync(new URL(name, dir), 'utf8'))).toEqual([]);
  });

  it('the checker catches bare and wrongly wrapped outputs', () => {
    expect(bareOutputs('a: {{ x }}\nb: {{ x | upper }}\nc: {{ x | yaml | safe }}\nd: {{ x | yaml }}\n')).toEqual([
      'line 1 col 7',
      'line 2 col 11', // nunjucks places a filter node at the filter's name
      'line 3 col 18',
    ]);
  });

  it('throws on an undefined value instead of printing nothing', () => {
    expect(() => renderTemplate('yaml-document.njk', { header: ['x'] })).toThrow();
    expect(() => templateEnvironment().renderString('a: {{ missing }}', {})).toThrow(/undefined/);
    expect(templateEnvironment().renderString('{{ v }}', { v: '<"&>' })).toBe('<"&>'); // no HTML escaping
  });
});

describe('encodeEnvValue', () => {
  // compose-go's double-quoted value reading (format-rules.md §3.1): escapes, then `$$` → `$`.
  function decode(encoded: string): string {
    expect(encoded.startsWith('"') && encoded.endsWith('"')).toBe(true);
    const body = encoded.slice(1, -1);
    const map: Record<string, string> = {
      a: '\x07',
      b: '\b',
      c: '',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      $: '$$',
      '"': '"',
      '\\': '\\',
    };
    let out = '';
    for (let i = 0; i < body.length; i++) {
      const c = body[i]!;
      if (c === '\\') {
        const next = body[i + 1]!;
        expect(next in map, `escape \\${next}`).toBe(true);
        out += map[next] ?? '';
        i += 1;
      } else if (c === '"') {
        throw new Error('unescaped quote ends the value early');
      } else out += c;
    }
    // Interpolation: `$$` is a literal `$`; any other `$` followed by a name would expand.
    let result = '';
    for (let i = 0; i < out.length; i++) {
      if (out[i] === '$') {
        if (out[i + 1] === '$') {
          result += '$';
          i += 1;
          continue;
        }
        if (/[A-Za-z_{]/.test(out[i + 1] ?? '')) throw new Error('unescaped interpolation');
      }
      result += out[i] ?? '';
    }
    return result;
  }

  it('reads back exactly for hostile strings', () => {
    for (const s of [
      'p@ss$word',
      '${HOME}',
      '$HOME',
      '$$',
      'a"b',
      "it's",
      'end\\',
      '\\n literal',
      'two\nlines',
      'cr\r\nlf',
      'a # b',
      '#x',
      '`cmd` $(cmd)',
      'é😀\u2028',
      '',
      ' spaced ',
      '\\\\"',
      '${X:-y}',
    ]) {
      expect(decode(encodeEnvValue(s)), JSON.stringify(s)).toBe(s);
    }
  });

  it('writes one line per variable', () => {
    expect(encodeEnvValue('a\nb\rc')).toBe('"a\\nb\\rc"');
    expect(encodeEnvValue('$x')).toBe('"$$x"');
  });

  it('refuses NUL', () => {
    expect(() => encodeEnvValue('a\0b')).toThrow(/NUL/);
  });
});

describe('encodeComment', () => {
  it('prefixes lines and refuses characters that would end a comment', () => {
    expect(encodeComment(['a', '', 'b'])).toBe('# a\n#\n# b');
    expect(() => encodeComment(['a\u2028b'])).toThrow();
    expect(() => encodeComment(['a\rb'])).toThrow();
    expect(() => encodeComment([1])).toThrow();
  });
});
