import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Scalar, type Document, type Node as YamlNode } from 'yaml';
import { error, type Diagnostic, type PathSegment } from '../report/diagnostic.js';
import { Limits } from './limits.js';
import { readPlainYaml, type PlainNode } from './plain-yaml.js';
import { compose, scanTokens, unclosedAt } from './scan-yaml.js';

/** A parsed site file: its text, the YAML document (for positions) and, if sound, its data. */
export interface ParsedSite {
  /** Path shown to the user. */
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed | undefined;
  readonly lineCounter: LineCounter;
  /** The plain data, present only when no error was found. */
  readonly data: unknown;
  readonly diagnostics: readonly Diagnostic[];
  /**
   * For a file the plain reader read: where each node starts, so that a diagnostic is placed
   * without the full parse (which `doc` then runs when first asked for).
   */
  readonly nodes?: ReadonlyMap<string, PlainNode>;
}

/** How the scalar at `path` was written (`1.10` for the number 1.1), if the file parsed and one is there. */
export function scalarSource(parsed: ParsedSite, path: readonly PathSegment[]): string | undefined {
  const node: unknown = parsed.doc?.getIn(path, true);
  return isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
}

/** Index of the first byte that is not part of well-formed UTF-8, or -1. */
export function findInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

const YAML_ERROR_CODES: Record<string, Diagnostic['code']> = {
  DUPLICATE_KEY: 'yaml-duplicate-key',
  MULTIPLE_DOCS: 'yaml-multiple-documents',
  TAG_RESOLVE_FAILED: 'yaml-unknown-tag',
};

/**
 * Parses site file bytes. Pure: rejects invalid UTF-8, NUL, duplicate keys, tags, merge keys,
 * aliases, ill-formed Unicode, excessive nesting and a non-mapping root, each as a diagnostic.
 */
export function parseSite(file: string, bytes: Uint8Array): ParsedSite {
  const fail = (diagnostics: Diagnostic[], text = ''): ParsedSite => failed(file, text, diagnostics);
  if (bytes.length > Limits.maxFileBytes) {
    return fail([
      error('input-too-large', file, [], `the file has ${bytes.length} bytes; a site file may have at most ${Limits.maxFileBytes}`),
    ]);
  }
  const bad = findInvalidUtf8(bytes);
  if (bad >= 0) {
    // Position: decode the valid prefix to count lines.
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, bad));
    const d = error('input-invalid-utf8', file, [], `invalid UTF-8 at byte ${bad}; a site file must be UTF-8 text`, {
      offset: prefix.length,
    });
    return fail([d], prefix);
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  // The decoder strips one BOM; positions are counted after it.
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    return fail([error('input-nul', file, [], 'the file contains a NUL character', { offset: nul })], text);
  }
  // Most site files are plain block YAML: read at once, with the full parse (positions, the
  // document) deferred until a diagnostic needs it.
  const read = readPlainYaml(text, false);
  return read === undefined ? parseSiteText(file, text) : deferred(file, text, read.data);
}

/** Line starts of `text`, as the parser counts them (the plain reader's files have no CR). */
function lineCounterOf(text: string): LineCounter {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
  return lineCounter;
}

/**
 * A file refused before the YAML parser ran to its end: no document, and line starts counted here
 * (a fresh counter: a scan stopped at a limit has counted some lines already).
 */
function failed(file: string, text: string, diagnostics: Diagnostic[]): ParsedSite {
  return { file, text, doc: undefined, lineCounter: lineCounterOf(text), data: undefined, diagnostics };
}

/**
 * A site file the plain reader read: its data now; where its nodes start (the plain reader again),
 * its line starts, and its document (the full parse) only when first asked for.
 */
function deferred(file: string, text: string, data: Record<string, unknown>): ParsedSite {
  let doc: ParsedSite | undefined;
  let lineCounter: LineCounter | undefined;
  let nodes: ReadonlyMap<string, PlainNode> | undefined;
  return {
    file,
    text,
    data,
    diagnostics: [],
    get nodes() {
      return (nodes ??= readPlainYaml(text)?.nodes);
    },
    get doc() {
      return (doc ??= parseSiteText(file, text)).doc;
    },
    get lineCounter() {
      return (lineCounter ??= lineCounterOf(text));
    },
  };
}

/** The full parse of a site file's text (after the byte checks of parseSite): every YAML check, with positions. */
export function parseSiteText(file: string, text: string): ParsedSite {
  const lineCounter = new LineCounter();
  const scan = scanTokens(file, text, lineCounter);
  if (scan.limit !== undefined) return failed(file, text, [scan.limit]);
  const doc = compose(scan.tokens, text, {
    // yaml's own check compares every key with every other (quadratic: 58,000 keys took 25 s);
    // duplicateKeys() finds them with a set per mapping instead.
    uniqueKeys: false,
    stringKeys: true,
    merge: false,
    resolveKnownTags: false,
    // 'silent' would also drop the MULTIPLE_DOCS error; 'error' collects errors and prints nothing.
    logLevel: 'error',
    prettyErrors: false,
    strict: true,
  });
  const diagnostics: Diagnostic[] = duplicateKeys(doc, file);
  for (const e of [...doc.errors, ...doc.warnings]) {
    const code = YAML_ERROR_CODES[e.code] ?? 'yaml-syntax';
    const opened = unclosedAt(e.code, e.message, e.pos[0], scan) ?? misindented(e.code, e.pos[0], text);
    const tag = e.code === 'TAG_RESOLVE_FAILED' ? /^![^\s[\]{},]*/.exec(text.slice(e.pos[0], e.pos[0] + 200))?.[0] : undefined;
    const message = opened?.message ?? (tag === undefined ? yamlMessage(e.code, e.message) : tagMessage(tag));
    diagnostics.push(error(code, file, [], message, { offset: opened?.offset ?? e.pos[0] }));
  }
  if (doc.directives.yaml.version !== '1.2') {
    // A %YAML 1.1 directive would turn `yes` into true and `<<` into a merge: one reading only.
    diagnostics.push(
      error('yaml-syntax', file, [], `%YAML ${doc.directives.yaml.version} directive: site files are YAML 1.2`, {
        offset: Math.max(0, text.search(/^%YAML/m)),
      }),
    );
  }
  if (diagnostics.length > 0) return { file, text, doc, lineCounter, data: undefined, diagnostics };

  const root = doc.contents;
  if (!isMap(root)) {
    const what = root === null ? 'the file is empty' : 'the top level is not a mapping';
    return {
      file,
      text,
      doc,
      lineCounter,
      data: undefined,
      diagnostics: [error('input-not-mapping', file, [], `${what}; a site file is a YAML mapping with site:, release:, …`)],
    };
  }
  walk(doc, text, file, diagnostics);
  if (diagnostics.length > 0) return { file, text, doc, lineCounter, data: undefined, diagnostics };
  return { file, text: text.replace(/^\uFEFF/, ''), doc, lineCounter, data: doc.toJS({ maxAliasCount: 0 }), diagnostics };
}

const spaces = (n: number): string => `${n} space${n === 1 ? '' : 's'}`;

/** The line holding `offset`: its start, its indentation and its text. */
function lineAt(text: string, offset: number): { start: number; indent: number; text: string } {
  const start = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  const end = text.indexOf('\n', start);
  const line = text.slice(start, end < 0 ? text.length : end);
  return { start, indent: line.length - line.trimStart().length, text: line };
}

/**
 * An indentation mistake, placed on the line that is wrong. The yaml library reports a key indented
 * deeper than its siblings at the line above it (whose value it then reads as a multi-line key), and
 * a key indented less than its siblings at column 1; both become "this key is not in the column of
 * the keys beside it", at the key.
 */
function misindented(code: string, offset: number, text: string): { offset: number; message: string } | undefined {
  const keyOf = (line: string) => /^\s*(?:- )?([^:#\s][^:#]*?):(?:\s|$)/.exec(line)?.[1];
  if (code === 'BAD_INDENT') {
    const line = lineAt(text, offset);
    const key = keyOf(line.text);
    if (key === undefined) return undefined;
    return {
      offset: line.start + line.indent,
      message: `"${key}" is indented by ${spaces(line.indent)}, unlike the keys above it in the same mapping: indent it like them`,
    };
  }
  if (code !== 'MULTILINE_IMPLICIT_KEY' && code !== 'BLOCK_AS_IMPLICIT_KEY') return undefined;
  const above = lineAt(text, offset);
  const aboveKey = keyOf(above.text);
  let next = above.start + above.text.length + 1;
  while (next < text.length) {
    const line = lineAt(text, next);
    const trimmed = line.text.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) {
      const key = keyOf(line.text);
      if (key === undefined || aboveKey === undefined || line.indent <= above.indent) return undefined;
      return {
        offset: line.start + line.indent,
        message: `"${key}" is indented by ${spaces(line.indent)}, deeper than "${aboveKey}" above it (${spaces(above.indent)}), which has a value already: indent it like "${aboveKey}" if it belongs beside it`,
      };
    }
    next = line.start + line.text.length + 1;
  }
  return undefined;
}

function yamlMessage(code: string, message: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'duplicate key: each key may appear once in a mapping';
    case 'MULTIPLE_DOCS':
      return 'more than one YAML document; a site file holds exactly one';
    case 'TAG_RESOLVE_FAILED':
      return 'unknown YAML tag; site files use no tags';
    case 'TAB_AS_INDENT':
      return 'tab used for indentation; indent with spaces';
    default: {
      const first = message.split('\n')[0] ?? message;
      return `YAML syntax error: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
    }
  }
}

/** Every repeated key of every mapping, in linear time (a set per mapping), even when other YAML errors exist. */
function duplicateKeys(doc: Document.Parsed, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (isScalar(pair.key)) {
          const key = String(pair.key.value);
          if (seen.has(key))
            out.push(error('yaml-duplicate-key', file, [], yamlMessage('DUPLICATE_KEY', ''), { offset: pair.key.range?.[0] ?? 0 }));
          seen.add(key);
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return out;
}

/** Walks the document, rejecting aliases, tags, merge keys and strings no output can carry. */
function walk(doc: Document.Parsed, text: string, file: string, out: Diagnostic[]): void {
  const stack: { node: unknown; path: PathSegment[] }[] = [{ node: doc.contents, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (node === null || node === undefined) continue;
    if (isAlias(node)) {
      out.push(error('yaml-alias', file, path, `alias *${node.source}: site files use no anchors or aliases`));
      continue;
    }
    const n = node as YamlNode;
    if (n.tag !== undefined) {
      const tag = tagBefore(text, n.range?.[0] ?? 0);
      out.push(
        tag === undefined
          ? error('yaml-unknown-tag', file, path, `tag ${n.tag}: site files use no YAML tags`)
          : error('yaml-unknown-tag', file, path, tagMessage(tag.source), { offset: tag.offset }),
      );
      continue;
    }
    if (isScalar(n)) {
      checkString(n, file, path, out);
      checkNumber(n, file, path, out);
    } else if (isMap(n)) {
      const seen = new Set<string>();
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const key = pair.key;
        const keyText = isScalar(key) ? String(key.value) : '';
        if (isScalar(key)) {
          // Reported by duplicateKeys(); the first value is the one checked further.
          if (seen.has(keyText)) continue;
          seen.add(keyText);
        }
        if (isScalar(key) && key.value === '<<' && key.type === Scalar.PLAIN) {
          out.push(error('yaml-merge-key', file, [...path, keyText], 'merge key <<: site files use no merge keys', { onKey: true }));
          continue;
        }
        if (isScalar(key)) checkString(key, file, [...path, keyText], out, true);
        stack.push({ node: pair.value, path: [...path, keyText] });
      }
    } else if (isSeq(n)) {
      n.items.forEach((item, i) => stack.push({ node: item, path: [...path, i] }));
    }
  }
}

function checkString(node: Scalar, file: string, path: PathSegment[], out: Diagnostic[], onKey = false): void {
  if (typeof node.value !== 'string') return;
  const s = node.value;
  if (!s.isWellFormed()) {
    out.push(error('input-ill-formed-unicode', file, path, 'the string holds a lone UTF-16 surrogate escape', { onKey }));
  } else if (s.includes('\0')) {
    out.push(error('input-nul', file, path, 'the string holds a NUL character (\\0)', { onKey }));
  }
}

/**
 * A number every output holds exactly as written: `.nan` and `.inf` have no JSON form (Helm could
 * not load values.yaml) and an integer beyond 2^53 would silently become another one.
 */
function checkNumber(node: Scalar, file: string, path: PathSegment[], out: Diagnostic[]): void {
  const v = node.value;
  if (typeof v !== 'number') return;
  const written = typeof node.source === 'string' ? node.source : String(v);
  if (!Number.isFinite(v)) {
    out.push(error('yaml-number-inexact', file, path, `${written} is not a finite number: site files use none`));
  } else if (Number.isInteger(v) && !Number.isSafeInteger(v)) {
    out.push(
      error('yaml-number-inexact', file, path, `${written} is beyond 2^53 and would change (to ${String(v)}): quote it if it is text`),
    );
  }
}

function tagMessage(tag: string): string {
  return `tag ${tag}: site files use no YAML tags`;
}

/**
 * The tag written before the node that starts at `start`: the node's range starts at its content,
 * and a tag (with an anchor beside it) is the last property before it. Reported where the tag is
 * written, as the parser reports a tag it cannot resolve.
 */
function tagBefore(text: string, start: number): { source: string; offset: number } | undefined {
  let end = start;
  for (;;) {
    while (end > 0 && /\s/.test(text[end - 1]!)) end -= 1;
    let begin = end;
    while (begin > 0 && !/[\s[\]{},]/.test(text[begin - 1]!)) begin -= 1;
    const word = text.slice(begin, end);
    if (word.startsWith('!')) return { source: word, offset: begin };
    if (!word.startsWith('&') || begin === 0) return undefined;
    end = begin;
  }
}
