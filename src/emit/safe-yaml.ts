import { Document, isScalar, parse, Scalar, visit } from 'yaml';
import { OUTSIDE, readEmittedYaml } from './read-back.js';
import { RAW_UNSAFE, resolvedByATag } from './yaml-tags.js';

/** A string holding any of these is double-quoted, with them escaped. */
const NEEDS_ESCAPE = new RegExp(`[${RAW_UNSAFE}]`);
/** A leading indicator is legal in some plain scalars, but readers disagree at the edges: quote. */
const LEADING_INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;
/**
 * go-yaml v2 reads more plain scalars as numbers than either yaml@2 schema does (`0X1`, `0B1`):
 * anything that starts like a number is quoted.
 */
const NUMBER_LIKE = /^[-+]?[.0-9]/;
/** Block scalars keep or strip line breaks by subtle rules; one escaped line reads the same everywhere. */
const MULTI_LINE = /[\n\r\t]/;

/**
 * Plain scalars YAML 1.1 loaders resolve to something other than a string that neither yaml@2
 * schema knows: PyYAML reads a lone `=` as the `value` tag, and refuses it.
 */
const YAML11_SPECIAL = /^=$/;

function mustQuote(s: string): boolean {
  return NEEDS_ESCAPE.test(s) || LEADING_INDICATOR.test(s) || MULTI_LINE.test(s) || NUMBER_LIKE.test(s) || YAML11_SPECIAL.test(s);
}

/** A value the YAML emitter accepts: what Helm values and manifests are made of. */
export type YamlValue = string | number | boolean | null | readonly YamlValue[] | { readonly [k: string]: YamlValue };

/**
 * Serialises a value as YAML that YAML 1.1 readers (Helm, kubectl, kubeconform: go-yaml v2) and
 * YAML 1.2 readers read identically (format-rules.md §1.3): strings that either schema would
 * read as another type are quoted, and NEL/LS/PS/C1 characters, which yaml@2 leaves raw, are
 * escaped. Key order is the object's own; callers build objects in a fixed order.
 */
export function toSafeYaml(value: YamlValue): string {
  return fastWritten(value) ?? librarySafeYaml(value);
}

/** fastSafeYaml of each document object, computed once: renderYamlFile asks, then the template's filter writes. */
const fastTexts = new WeakMap<object, string | undefined>();

/** The text fastSafeYaml writes for `value`, or undefined when the library writes it (memoised per document object). */
export function fastWritten(value: YamlValue): string | undefined {
  if (typeof value !== 'object' || value === null) return fastSafeYaml(value);
  if (fastTexts.has(value)) return fastTexts.get(value);
  const text = fastSafeYaml(value);
  fastTexts.set(value, text);
  return text;
}

/** toSafeYaml by the YAML library: builds a document, marks the scalars to quote, prints it. */
export function librarySafeYaml(value: YamlValue): string {
  const doc = new Document(value, { compat: 'yaml-1.1', aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && mustQuote(node.value)) {
        node.type = Scalar.QUOTE_DOUBLE;
      }
    },
    Pair(_, pair) {
      if (isScalar(pair.key) && typeof pair.key.value === 'string' && mustQuote(pair.key.value)) {
        pair.key.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  // One line per scalar: JSON-style escapes, never a double-quoted string folded over lines.
  const text = doc.toString({
    lineWidth: 0,
    minContentWidth: 0,
    indentSeq: true,
    doubleQuotedAsJSON: true,
    doubleQuotedMinMultiLineLength: Number.MAX_SAFE_INTEGER,
  });
  // Those characters now occur only inside double-quoted scalars, where these escapes are valid.
  return escapeRaw(text);
}

/**
 * Escapes what JSON.stringify leaves raw and YAML 1.1 readers refuse or read as line breaks (NEL,
 * LS, PS, DEL, C1, the BOM and the noncharacters U+FFFE and U+FFFF), in text where they can occur
 * only inside double-quoted scalars.
 */
function escapeRaw(text: string): string {
  return text
    .replace(/\u0085/g, '\\N')
    .replace(/\u2028/g, '\\L')
    .replace(/\u2029/g, '\\P')
    .replace(/\u007f/g, '\\x7F')
    .replace(/[\u0080-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/\uFEFF/g, '\\uFEFF')
    .replace(/\uFFFE/g, '\\uFFFE')
    .replace(/\uFFFF/g, '\\uFFFF');
}

/**
 * The YAML library's plain-scalar checks, as its stringifier makes them (yaml/dist/stringify/
 * stringifyString.js, plainString): a plain scalar may not start with an indicator, hold `: ` or
 * ` #`, or end with a space or `:`; and a string any default tag of the core schema or its YAML 1.1
 * compat schema would resolve (`true`, `yes`, `~`, `<<`) is quoted.
 */
const LIBRARY_NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** A lone surrogate (ill-formed UTF-16): left to the library, though no site may hold one (input-ill-formed-unicode). */
const LONE_SURROGATE = /\p{Surrogate}/u;
/** Longer keys are written as explicit keys (`? key`) by the library. */
const MAX_FAST_KEY = 1000;
const rendered = new Map<string, string | null>();

/**
 * A string as the library writes it in block context, key or value, or null when the fast path
 * does not know: a string `mustQuote` marks is double-quoted as JSON; others are plain unless the
 * library's checks quote them.
 */
function renderString(s: string): string | null {
  const known = rendered.get(s);
  if (known !== undefined) return known;
  let out: string | null;
  if (s.length > MAX_FAST_KEY || LONE_SURROGATE.test(s)) out = null;
  // Double-quoted as JSON (doubleQuotedAsJSON), then the escapes librarySafeYaml adds.
  else if (mustQuote(s)) out = escapeRaw(JSON.stringify(s));
  // The library quotes these itself, in double quotes unless the string holds `"` but no `'`.
  else if (resolvedByATag(s) || LIBRARY_NOT_PLAIN.test(s)) out = s.includes('"') && !s.includes("'") ? null : escapeRaw(JSON.stringify(s));
  else out = s;
  if (rendered.size >= 100_000) rendered.clear();
  rendered.set(s, out);
  return out;
}

class NotFast extends Error {}

function scalarText(value: YamlValue): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw new NotFast();
    return String(value);
  }
  if (typeof value === 'string') {
    const text = renderString(value);
    if (text === null) throw new NotFast();
    return text;
  }
  if (Array.isArray(value)) return value.length === 0 ? '[]' : undefined;
  // Anything else that is not plain data (undefined, a function, a Date) is left to the library.
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) throw new NotFast();
  return Object.keys(value).length === 0 ? '{}' : undefined;
}

/** Block collection lines: `lead` goes before the first line (`- ` of an enclosing item), `indent` before the others. */
function writeBlock(value: YamlValue, indent: string, lead: string, out: string[]): void {
  let first = true;
  const prefix = (): string => {
    const p = first ? lead : indent;
    first = false;
    return p;
  };
  if (Array.isArray(value)) {
    for (const item of value as readonly YamlValue[]) {
      const text = scalarText(item);
      if (text !== undefined) out.push(`${prefix()}- ${text}`);
      else writeBlock(item, `${indent}  `, `${prefix()}- `, out);
    }
    return;
  }
  for (const [key, item] of Object.entries(value as { readonly [k: string]: YamlValue })) {
    const k = renderString(key);
    if (k === null) throw new NotFast();
    const text = scalarText(item);
    if (text !== undefined) out.push(`${prefix()}${k}: ${text}`);
    else {
      out.push(`${prefix()}${k}:`);
      writeBlock(item, `${indent}  `, `${indent}  `, out);
    }
  }
}

/**
 * toSafeYaml without the library, for the documents it can write exactly as the library does
 * (mappings and sequences of integers, booleans, null and strings of any well-formed text);
 * undefined for any other (a float, a string the library would single-quote, a key longer than
 * 1,000 characters), which the library writes and renderYamlFile reads back. test/unit/safe-yaml.test.ts holds it byte-equal to librarySafeYaml.
 */
export function fastSafeYaml(value: YamlValue): string | undefined {
  try {
    const text = scalarText(value);
    if (text !== undefined) return typeof value === 'string' || text === '{}' || text === '[]' ? undefined : `${text}\n`;
    const out: string[] = [];
    writeBlock(value, '', '', out);
    return `${out.join('\n')}\n`;
  } catch (e) {
    if (e instanceof NotFast) return undefined;
    throw e;
  }
}

/** Deep equality over YAML values (plain data only). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameValue((a as never)[k], (b as never)[k]));
  }
  return false;
}

/**
 * Reads emitted YAML back under YAML 1.2 and YAML 1.1 rules and compares it with what was
 * meant. A difference is a bug in the emitter: the caller must not write the file.
 *
 * The fast reader (read-back.ts) reads what toSafeYaml writes, resolving every plain scalar under
 * both versions; text outside its subset, or that it reads as another value, is read again in full
 * by the YAML library under each version, which also names the difference.
 */
export function verifyYaml(text: string, intended: unknown): string | undefined {
  const fast = readEmittedYaml(text);
  if (fast !== OUTSIDE && sameValue(fast, intended)) return undefined;
  return verifyYamlFully(text, intended);
}

/** The read-back by the YAML library: the whole text under YAML 1.2, then under YAML 1.1. */
export function verifyYamlFully(text: string, intended: unknown): string | undefined {
  for (const version of ['1.2', '1.1'] as const) {
    let read: unknown;
    try {
      read = parse(text, { version, merge: false, uniqueKeys: true, maxAliasCount: 0, logLevel: 'silent', strict: true });
    } catch (e) {
      return `YAML ${version} reader failed: ${(e as Error).message.split('\n')[0] ?? ''}`;
    }
    if (!sameValue(read, intended)) return `YAML ${version} reader sees a different value`;
  }
  return undefined;
}
