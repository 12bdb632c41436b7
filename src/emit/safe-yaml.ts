import { Document, isScalar, parse, Scalar, visit } from 'yaml';

/** Characters that YAML 1.1 readers treat as line breaks, or that must be escaped. */
const NEEDS_ESCAPE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029\uFEFF]/;
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
  return text
    .replace(/\u0085/g, '\\N')
    .replace(/\u2028/g, '\\L')
    .replace(/\u2029/g, '\\P')
    .replace(/\u007f/g, '\\x7F')
    .replace(/[\u0080-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/\uFEFF/g, '\\uFEFF');
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
 */
export function verifyYaml(text: string, intended: unknown): string | undefined {
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
