/**
 * A reader for the plain style most site files are written in: block mappings and sequences
 * indented with spaces, keys of letters, digits and `_-./$`, one-line plain, single- and
 * double-quoted (without escapes) scalars, one-line flow collections of those (`[a, b]`,
 * `{ k: v }`) and comments. It returns the data the yaml library's full parse returns for such
 * text (YAML 1.2, core schema: `doc.toJS()`), or undefined for anything else, and parseSite then
 * runs the full parse. It never decides that a file is wrong: text
 * it accepts is text the full parse reads without a diagnostic (no duplicate key, no tag, anchor,
 * alias or merge key, no inexact number, far from the nesting and node limits). Property tests in
 * test/properties/plain-yaml.test.ts hold both readers equal on generated and hostile text.
 */

import type { PathSegment } from '../report/diagnostic.js';
import { nodeKey, type NodeStart } from '../report/locate.js';
import { isRecord } from '../util/record.js';

/** Nesting and node counts past which the full parse (and its limits) decide. */
const MAX_DEPTH = 16;
const MAX_NODES = 10_000;
/** Longest key read here; YAML's limit for an implicit key is 1,024 characters. */
const MAX_KEY = 1_000;

/** Characters the reader accepts anywhere: printable ASCII, line feeds, and YAML's printable Unicode but for the BOM and the line and paragraph separators (a lone surrogate is none of them). */
const OUTSIDE = /[^\n\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]/u;
/** A key written plain: starts with a letter or `_`, never one the core schema reads as null or a boolean. */
const KEY = /^([A-Za-z_][A-Za-z0-9_$./-]*):(?= |$)/;
const NOT_A_STRING_KEY = /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)$/;

// The core schema's scalars (yaml's dist/schema/core and common), in the order it tries them.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_SPECIAL = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
/** Characters a plain scalar may not start with (c-indicator), except `-` before a non-space, handled apart. */
const INDICATOR_START = /^[?:,[\]{}#&*!|>'"%@`]/;

/** Thrown inside the reader when the text leaves the subset; readPlainYaml returns undefined. */
class OutsideSubset extends Error {}
const outside = (): never => {
  throw new OutsideSubset();
};

interface Line {
  readonly indent: number;
  /** The line without its indentation. */
  readonly text: string;
  /** Offset of `text` in the file. */
  readonly offset: number;
}

/**
 * Where a node starts, as the yaml library's `range[0]` (a block mapping at its first key, a block
 * sequence at its first dash, an empty value after the spaces that follow its colon or dash), and
 * where its key starts; by path (PlainRead.nodes, keyed by nodeKey(path)): what locateIn() reads.
 */
export type PlainNode = NodeStart;

/** What the plain reader read: the data and, when asked for, where each node of it starts. */
export interface PlainRead {
  readonly data: Record<string, unknown>;
  readonly nodes: ReadonlyMap<string, PlainNode>;
}

/**
 * The data of `text`, or undefined when it is outside the subset; with `positions`, also where each
 * node starts (read again for that when a diagnostic needs placing: most files never do).
 */
export function readPlainYaml(text: string, positions = true): PlainRead | undefined {
  if (OUTSIDE.test(text)) return undefined;
  const lines: Line[] = [];
  let offset = 0;
  for (const raw of text.split('\n')) {
    const body = spacesOff(raw);
    const start = offset;
    offset += raw.length + 1;
    // Comments and blank lines carry nothing; a document marker or directive is the full parse's.
    if (body === '' || body.startsWith('#')) continue;
    if (raw.startsWith('---') || raw.startsWith('...') || raw.startsWith('%')) return undefined;
    lines.push({ indent: raw.length - body.length, text: body, offset: start + raw.length - body.length });
  }
  if (lines.length === 0 || lines[0]!.indent !== 0) return undefined;
  try {
    const reader = new Reader(lines, positions);
    const data = reader.block(0, 1, []);
    if (reader.at < lines.length || !isRecord(data)) return undefined;
    return { data, nodes: reader.nodes };
  } catch (e) {
    if (e instanceof OutsideSubset) return undefined;
    throw e;
  }
}

class Reader {
  at = 0;
  readonly nodes = new Map<string, PlainNode>();
  private count = 0;

  constructor(
    private readonly lines: readonly Line[],
    private readonly positions: boolean,
  ) {}

  /** Records a node (its start, its key's) and checks the limits past which the full parse decides. */
  private node(path: readonly PathSegment[], start: number, kind: PlainNode['kind'], key: number | undefined, depth: number): void {
    this.count += 1;
    if (this.count > MAX_NODES || depth > MAX_DEPTH) outside();
    if (this.positions) this.nodes.set(nodeKey(path), key === undefined ? { start, kind } : { start, key, kind });
  }

  /** The path of a child: built only when positions are recorded. */
  private child(path: readonly PathSegment[], segment: PathSegment): readonly PathSegment[] {
    return this.positions ? [...path, segment] : path;
  }

  /** The collection whose first line is the current line, at that line's indentation. */
  block(column: number, depth: number, path: readonly PathSegment[], key?: number): unknown {
    const line = this.lines[this.at]!;
    if (line.indent !== column) outside();
    this.node(path, line.offset, isItem(line.text) ? 'seq' : 'map', key, depth);
    if (isItem(line.text)) return this.sequence(column, depth, path);
    this.at += 1;
    return this.mapping(column, line.text, line.offset, depth, path);
  }

  /**
   * The entries of a mapping at `column` whose first entry is `first` at `firstOffset` (a line
   * already consumed, or the text after a sequence item's `- `); the following entries are the
   * lines at that column.
   */
  private mapping(
    column: number,
    first: string,
    firstOffset: number,
    depth: number,
    path: readonly PathSegment[],
  ): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    let text = first;
    let offset = firstOffset;
    for (;;) {
      const m = KEY.exec(text);
      if (m === null) outside();
      const key = m![1]!;
      if (!plainKey(key, map)) outside();
      map[key] = this.value(column, text.slice(key.length + 1), offset + key.length + 1, depth, this.child(path, key), offset);
      const next = this.lines[this.at];
      if (next === undefined || next.indent < column) return map;
      if (next.indent > column || isItem(next.text)) outside();
      text = next.text;
      offset = next.offset;
      this.at += 1;
    }
  }

  /** The items of a sequence at `column`: the lines there starting with `- `. */
  private sequence(column: number, depth: number, path: readonly PathSegment[]): unknown[] {
    const list: unknown[] = [];
    for (;;) {
      const line = this.lines[this.at];
      // A key in the sequence's column ends it (the sequence was that mapping's value); the caller decides.
      if (line === undefined || line.indent < column || (line.indent === column && !isItem(line.text))) return list;
      if (line.indent > column) outside();
      this.at += 1;
      const rest = line.text.slice(1);
      const body = spacesOff(rest);
      const bodyOffset = line.offset + 1 + rest.length - body.length;
      const itemPath = this.child(path, list.length);
      if (body !== '' && !body.startsWith('#') && KEY.test(body)) {
        // `- key: value`: a mapping whose keys stand in the column of this first key.
        this.node(itemPath, bodyOffset, 'map', undefined, depth + 1);
        list.push(this.mapping(column + 1 + rest.length - body.length, body, bodyOffset, depth + 1, itemPath));
      } else list.push(this.value(column, rest, line.offset + 1, depth, itemPath, undefined));
    }
  }

  /**
   * The value after a key's colon or an item's dash (`rest` at `restOffset`, the current line
   * already consumed): a scalar on the line, or the block on the lines below (more indented, or for
   * a key a sequence in the key's own column), or null.
   */
  private value(
    column: number,
    rest: string,
    restOffset: number,
    depth: number,
    path: readonly PathSegment[],
    key: number | undefined,
  ): unknown {
    if (rest !== '' && !rest.startsWith(' ')) outside();
    const body = spacesOff(rest);
    const start = restOffset + rest.length - body.length;
    const next = this.lines[this.at];
    if (body === '' || body.startsWith('#')) {
      if (next !== undefined && (next.indent > column || (key !== undefined && next.indent === column && isItem(next.text))))
        return this.block(next.indent, depth + 1, path, key);
      this.node(path, start, 'scalar', key, depth);
      return null;
    }
    // A scalar ends its line: a more indented line below would continue it (or be an error).
    if (next !== undefined && next.indent > column) outside();
    return this.scalar(body, start, depth, path, key);
  }

  /** A scalar or flow collection written on one line (`body` at `start`), with an optional comment after it. */
  private scalar(body: string, start: number, depth: number, path: readonly PathSegment[], key: number | undefined): unknown {
    const first = body[0]!;
    if (first === '[' || first === '{') {
      const [value, end] = this.flow(body, 0, start, depth, path, key);
      endOfLine(body.slice(end));
      return value;
    }
    this.node(path, start, 'scalar', key, depth);
    if (first === '"' || first === "'") {
      const [value, end] = quoted(body, 0);
      endOfLine(body.slice(end));
      return value;
    }
    if (INDICATOR_START.test(body) || (first === '-' && (body.length === 1 || body[1] === ' '))) outside();
    const comment = body.indexOf(' #');
    const plain = spacesOffEnd(comment < 0 ? body : body.slice(0, comment));
    // `a: b` inside a plain scalar is a nested mapping (an error on one line); a trailing colon too.
    if (plain.includes(': ') || plain.endsWith(':')) outside();
    return resolvePlain(plain);
  }

  /**
   * A flow collection (`[a, b]`, `{ k: v, k2: [x] }`) starting at `body[at]` (`base` + `at` in the
   * file) and ending on the same line: its value and the index after it. Entries are quoted scalars
   * without escapes, plain scalars without a colon, and flow collections; keys are plain, each
   * followed by `: `. No empty entry, no trailing comma, no `k: v` pair inside a sequence: those are
   * the full parse's.
   */
  private flow(
    body: string,
    at: number,
    base: number,
    depth: number,
    path: readonly PathSegment[],
    ownKey: number | undefined,
  ): [unknown, number] {
    if (depth >= MAX_DEPTH) outside();
    const close = body[at] === '[' ? ']' : '}';
    this.node(path, base + at, close === ']' ? 'seq' : 'map', ownKey, depth);
    const list: unknown[] = [];
    const map: Record<string, unknown> = {};
    let i = skipSpaces(body, at + 1);
    if (body[i] === close) return [close === ']' ? list : map, i + 1];
    for (;;) {
      let key: string | undefined;
      const keyAt = i;
      if (close === '}') {
        FLOW_KEY.lastIndex = i;
        key = FLOW_KEY.exec(body)?.[0];
        if (key === undefined || body[i + key.length] !== ':' || body[i + key.length + 1] !== ' ') outside();
        if (!plainKey(key!, map)) outside();
        i = skipSpaces(body, i + key!.length + 1);
      }
      const entryPath = this.child(path, key ?? list.length);
      const entryKey = key === undefined ? undefined : base + keyAt;
      const c = body[i];
      let value: unknown;
      if (c === '[' || c === '{') [value, i] = this.flow(body, i, base, depth + 1, entryPath, entryKey);
      else {
        this.node(entryPath, base + i, 'scalar', entryKey, depth + 1);
        [value, i] = flowScalar(body, i);
      }
      if (key === undefined) list.push(value);
      else map[key] = value;
      i = skipSpaces(body, i);
      if (body[i] === close) return [close === ']' ? list : map, i + 1];
      if (body[i] !== ',') outside();
      i = skipSpaces(body, i + 1);
      if (body[i] === close || body[i] === ',') outside();
    }
  }
}

/**
 * A key the full parse reads as this string and nothing else: not null or a boolean, not repeated,
 * not a name objects inherit (`__proto__`), and short (YAML refuses an implicit key past 1,024 characters).
 */
const plainKey = (key: string, map: Record<string, unknown>): boolean =>
  key.length <= MAX_KEY && !NOT_A_STRING_KEY.test(key) && !(key in map) && !(key in Object.prototype);

const isItem = (text: string): boolean => text === '-' || text.startsWith('- ');

/** A quoted scalar at `body[at]` ending on the line (no escapes in double quotes): its value and the index after it. */
function quoted(body: string, at: number): [string, number] {
  const quote = body[at];
  const close = quote === '"' ? body.indexOf('"', at + 1) : closingSingleQuote(body, at);
  if (close < 0) outside();
  const inner = body.slice(at + 1, close);
  if (quote === '"' && inner.includes('\\')) outside();
  return [detached(quote === '"' ? inner : inner.replaceAll("''", "'")), close + 1];
}

const FLOW_KEY = /[A-Za-z_][A-Za-z0-9_$./-]*/y;

/** A scalar entry of a flow collection at `body[at]`: its value and the index after it. */
function flowScalar(body: string, at: number): [unknown, number] {
  const first = body[at];
  if (first === '"' || first === "'") return quoted(body, at);
  let end = at;
  while (end < body.length && !',[]{}'.includes(body[end]!)) end += 1;
  const plain = spacesOffEnd(body.slice(at, end));
  // A colon could make a pair or a key; ` #` starts a comment that would swallow the closing bracket.
  if (plain === '' || plain.includes(':') || plain.includes(' #') || INDICATOR_START.test(plain) || plain.startsWith('- ') || plain === '-')
    outside();
  return [resolvePlain(plain), end];
}

// YAML's white space is the space and the tab (refused here); String.prototype.trim would also take
// U+00A0 and the other Unicode spaces, which are text in YAML.
const spacesOff = (text: string): string => text.replace(/^ +/, '');
const spacesOffEnd = (text: string): string => text.replace(/ +$/, '');

const skipSpaces = (body: string, at: number): number => {
  let i = at;
  while (body[i] === ' ') i += 1;
  return i;
};

/**
 * A copy of a string cut from the file's text. V8 keeps a substring of 13 characters or more as a
 * view of the whole text, so one value a run keeps (a namespace for the checks across sites) would
 * keep every site's file in memory (25 MB over 10,000 sites). Concatenating and cutting again makes
 * V8 copy it.
 */
const detached = (value: string): string => (value.length < 13 ? value : `${value} `.slice(0, -1));

/** Index of the quote closing a single-quoted scalar (`''` is a quote inside it), or -1. */
function closingSingleQuote(body: string, open: number): number {
  for (let i = open + 1; i < body.length; i++) {
    if (body[i] !== "'") continue;
    if (body[i + 1] === "'") i += 1;
    else return i;
  }
  return -1;
}

/** What may follow a quoted scalar on its line: spaces, then a comment. */
function endOfLine(after: string): void {
  const rest = spacesOff(after);
  if (rest !== '' && !(rest.startsWith('#') && rest.length < after.length)) outside();
}

/** A plain scalar as the core schema reads it; numbers only when every output holds them exactly. */
function resolvePlain(plain: string): unknown {
  if (NULL.test(plain)) return null;
  if (BOOL.test(plain)) return plain[0] === 't' || plain[0] === 'T';
  let n: number | undefined;
  if (INT_OCT.test(plain)) n = parseInt(plain.slice(2), 8);
  else if (INT.test(plain)) n = parseInt(plain, 10);
  else if (INT_HEX.test(plain)) n = parseInt(plain.slice(2), 16);
  else if (FLOAT_SPECIAL.test(plain)) outside();
  else if (FLOAT_EXP.test(plain) || FLOAT.test(plain)) n = parseFloat(plain);
  if (n === undefined) return detached(plain);
  // The full parse refuses what is not finite or an integer past 2^53 (yaml-number-inexact).
  if (!Number.isFinite(n) || (Number.isInteger(n) && !Number.isSafeInteger(n))) outside();
  return n;
}
