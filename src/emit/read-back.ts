import { parse } from 'yaml';
import { RAW_UNSAFE, resolvedByATag } from './yaml-tags.js';

/**
 * A fast reader of the YAML that toSafeYaml writes, for the read-back of every emitted file.
 *
 * It reads only a strict subset: `#` comment lines before the document; block mappings and block
 * sequences, one entry per line, indented by spaces; `{}` and `[]`; double-quoted scalars with the
 * escapes that YAML 1.1 and 1.2 both define; plain scalars without any character that could end or
 * continue them. Each plain scalar (key or value) is resolved as the YAML library resolves it under
 * YAML 1.2 and YAML 1.1 (by its schemas' tag tests; one that a tag matches is read by the library
 * itself under each version), and must resolve the same under both. Anything else (block or flow
 * collections, anchors, tags, other escapes, a plain scalar the two versions read differently)
 * returns OUTSIDE and the caller reads the text with the full YAML library under both versions.
 * So the reader never accepts text the full readers would read otherwise; test/unit/read-back.test.ts
 * checks that on random documents and on edited ones.
 */
export const OUTSIDE: unique symbol = Symbol('outside the subset');

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

interface Line {
  indent: number;
  text: string;
}

class Outside extends Error {}

function outside(): never {
  throw new Outside();
}

/** Plain scalars resolved so far: the same names and numbers recur in every site of a run. */
const resolved = new Map<string, Value | typeof OUTSIDE>();
const RESOLVED_MAX = 50_000;
const READ_OPTIONS = { merge: false, uniqueKeys: true, maxAliasCount: 0, logLevel: 'silent', strict: true } as const;

/** A plain scalar's value under YAML 1.2 and 1.1, or OUTSIDE when they differ or it is not a scalar. */
function resolvePlain(text: string): Value | typeof OUTSIDE {
  // A plain scalar no tag of either schema matches is a string, as it is spelled.
  if (!resolvedByATag(text)) return text;
  const known = resolved.get(text);
  if (known !== undefined) return known;
  let value: Value | typeof OUTSIDE;
  try {
    const v12: unknown = parse(text, { ...READ_OPTIONS, version: '1.2' });
    const v11: unknown = parse(text, { ...READ_OPTIONS, version: '1.1' });
    const scalar = (v: unknown): v is string | number | boolean | null =>
      v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
    value = scalar(v12) && scalar(v11) && Object.is(v12, v11) ? v12 : OUTSIDE;
  } catch {
    value = OUTSIDE;
  }
  if (resolved.size >= RESOLVED_MAX) resolved.clear();
  resolved.set(text, value);
  return value;
}

/** Characters a plain scalar of the subset may not start with: YAML indicators, quotes, spaces. */
const PLAIN_START = /^(?:[-?:,[\]{}#&*!|>'"%@`\s]|\.\.\.|<<$)/;
/**
 * A plain scalar of the subset has nothing that ends it early (`: `, ` #`) and nothing that reads
 * differently alone than after `key: ` (a document marker). Unsafe characters are refused for the
 * whole text before reading (UNREAD).
 */
const PLAIN_BAD = /: | #|:$|\s$/;

function plain(text: string): Value {
  if (text === '' || PLAIN_START.test(text) || PLAIN_BAD.test(text)) outside();
  const value = resolvePlain(text);
  return value === OUTSIDE ? outside() : value;
}

/** Raw characters of a double-quoted scalar up to its next quote or escape (the text holds no unsafe one: UNREAD). */
const QUOTED_RAW = /[^"\\]*/y;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  N: '\u0085',
  L: '\u2028',
  P: '\u2029',
};

/** A double-quoted scalar starting at `text[0]`: its value and the rest of the line after it. */
function quoted(text: string): { value: string; rest: string } {
  let i = 1;
  let value = '';
  for (;;) {
    QUOTED_RAW.lastIndex = i;
    const raw = QUOTED_RAW.exec(text)![0];
    value += raw;
    i += raw.length;
    const c = text[i];
    if (c === '"') return { value, rest: text.slice(i + 1) };
    if (c !== '\\') outside();
    const e = text[i + 1] ?? '';
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      value += simple;
      i += 2;
      continue;
    }
    const hex = e === 'x' ? text.slice(i + 2, i + 4) : e === 'u' ? text.slice(i + 2, i + 6) : '';
    if (hex === '' || !/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== (e === 'x' ? 2 : 4)) outside();
    const code = parseInt(hex, 16);
    // Lone surrogates: readers disagree on them.
    if (code >= 0xd800 && code <= 0xdfff) outside();
    value += String.fromCharCode(code);
    i += 2 + hex.length;
  }
}

function scalarValue(text: string): Value {
  if (text === '{}') return {};
  if (text === '[]') return [];
  if (text.startsWith('"')) {
    const { value, rest } = quoted(text);
    return rest === '' ? value : outside();
  }
  return plain(text);
}

class Reader {
  private at = 0;

  constructor(private readonly lines: Line[]) {}

  document(): Value {
    const value = this.node(0);
    if (this.at !== this.lines.length) outside();
    return value;
  }

  private node(indent: number): Value {
    const line = this.lines[this.at];
    if (line?.indent !== indent) outside();
    return line.text.startsWith('- ') ? this.sequence(indent) : this.mapping(indent);
  }

  private sequence(indent: number): Value[] {
    const items: Value[] = [];
    for (let line = this.lines[this.at]; line?.indent === indent && line.text.startsWith('- '); line = this.lines[this.at]) {
      const rest = line.text.slice(2);
      if (rest.startsWith(' ')) outside();
      if (rest.startsWith('- ') || startsEntry(rest)) {
        // `- key: value` or `- - item`: a collection whose first line starts after the dash.
        this.lines[this.at] = { indent: indent + 2, text: rest };
        items.push(this.node(indent + 2));
      } else {
        items.push(scalarValue(rest));
        this.at++;
      }
    }
    return items;
  }

  private mapping(indent: number): Record<string, Value> {
    const map: Record<string, Value> = {};
    for (let line = this.lines[this.at]; line?.indent === indent && !line.text.startsWith('-'); line = this.lines[this.at]) {
      let key: string;
      let rest: string;
      if (line.text.startsWith('"')) {
        ({ value: key, rest } = quoted(line.text));
        if (!rest.startsWith(':')) outside();
        rest = rest.slice(1);
      } else {
        const end = keyEnd(line.text);
        if (end < 0) outside();
        const k = plain(line.text.slice(0, end));
        if (typeof k !== 'string') outside();
        key = k;
        rest = line.text.slice(end + 1);
      }
      if (Object.hasOwn(map, key) || key === '__proto__') outside();
      this.at++;
      if (rest === '') {
        const next = this.lines[this.at];
        if (next === undefined || next.indent <= indent) outside();
        map[key] = this.node(next.indent);
      } else if (rest.startsWith(' ') && !rest.startsWith('  ')) {
        map[key] = scalarValue(rest.slice(1));
      } else {
        outside();
      }
    }
    return map;
  }
}

/** Where a plain key ends: the index of its `:` (followed by a space or the end), or -1. */
function keyEnd(text: string): number {
  const i = text.indexOf(':');
  if (i <= 0) return -1;
  return i === text.length - 1 || text[i + 1] === ' ' ? i : -1;
}

/** Whether a line starts a mapping entry: a plain or double-quoted key, then `:`. */
function startsEntry(text: string): boolean {
  if (!text.startsWith('"')) return keyEnd(text) >= 0;
  try {
    return quoted(text).rest.startsWith(':');
  } catch (e) {
    if (e instanceof Outside) return false;
    throw e;
  }
}

/** What the subset never holds raw: tabs, carriage returns, lone surrogates and what no YAML reader may meet raw. */
const UNREAD = new RegExp(`[\\t\\r\\uD800-\\uDFFF${RAW_UNSAFE}]`);

/** The value of text toSafeYaml wrote (after its `#` header lines), or OUTSIDE. */
export function readEmittedYaml(text: string): Value | typeof OUTSIDE {
  // Control characters, and what YAML 1.1 readers take for line breaks (NEL, LS, PS), even in a comment.
  if (!text.endsWith('\n') || UNREAD.test(text)) return OUTSIDE;
  const lines: Line[] = [];
  let body = false;
  for (const raw of text.slice(0, -1).split('\n')) {
    if (!body && raw.startsWith('#')) continue;
    body = true;
    let indent = 0;
    while (raw[indent] === ' ') indent++;
    const text = raw.slice(indent);
    if (text === '' || text.startsWith('#') || /^\s/.test(text) || raw.includes('\r')) return OUTSIDE;
    lines.push({ indent, text });
  }
  if (lines.length === 0) return OUTSIDE;
  try {
    return new Reader(lines).document();
  } catch (e) {
    if (e instanceof Outside) return OUTSIDE;
    throw e;
  }
}
