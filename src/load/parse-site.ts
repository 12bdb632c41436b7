import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Document, type Node as YamlNode } from 'yaml';
import { error, type Diagnostic, type PathSegment } from '../report/diagnostic.js';
import { Limits } from './limits.js';

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
  const lineCounter = new LineCounter();
  // Errors found before the YAML parser runs still need line starts to be located.
  const fail = (diagnostics: Diagnostic[], text = ''): ParsedSite => {
    lineCounter.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
    return { file, text, doc: undefined, lineCounter, data: undefined, diagnostics };
  };
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
  let text = new TextDecoder('utf-8').decode(bytes);
  // The decoder strips one BOM; positions are counted after it.
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    return fail([error('input-nul', file, [], 'the file contains a NUL character', { offset: nul })], text);
  }
  const depthError = checkNestingDepth(file, text);
  if (depthError !== undefined) return fail([depthError], text);

  const doc = parseDocument(text, {
    lineCounter,
    // yaml's own check compares every key with every other (quadratic: 58,000 keys took 25 s);
    // walk() finds duplicates with a set per mapping instead.
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
    diagnostics.push(error(code, file, [], yamlMessage(e.code, e.message), { offset: e.pos[0] }));
  }
  if (doc.directives.yaml.version !== '1.2') {
    // A %YAML 1.1 directive would turn `yes` into true and `<<` into a merge: one reading only.
    diagnostics.push(
      error('yaml-syntax', file, [], `%YAML ${doc.directives.yaml.version} directive: site files are YAML 1.2`, { offset: 0 }),
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
  walk(doc, file, diagnostics);
  if (diagnostics.length > 0) return { file, text, doc, lineCounter, data: undefined, diagnostics };
  text = text.replace(/^\uFEFF/, '');
  return { file, text, doc, lineCounter, data: doc.toJS({ maxAliasCount: 0 }), diagnostics };
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

function tooManyNodes(file: string, offset: number): Diagnostic {
  return error(
    'input-too-many-nodes',
    file,
    [],
    `more than ${Limits.maxNodes.toLocaleString('en-US')} lines and flow items; a site file is far smaller`,
    { offset },
  );
}

/**
 * Rejects nesting deeper than the limit, and more nodes than the limit, before the YAML parser sees the text, so a hostile file
 * cannot exhaust the stack. Counts open flow brackets and block indentation levels.
 */
function checkNestingDepth(file: string, text: string): Diagnostic | undefined {
  let nodes = 0;
  let flow = 0;
  let offset = 0;
  const indents: number[] = [];
  // Indentation of the line that opened a block scalar (`key: |`); its content lines are text.
  let blockParent: number | undefined;
  for (const line of text.split('\n')) {
    const content = line.replace(/^[ ]*/, '');
    const indent = line.length - content.length;
    if (blockParent !== undefined) {
      if (content === '' || indent > blockParent) {
        offset += line.length + 1;
        continue;
      }
      blockParent = undefined;
    }
    if (flow === 0 && /(^|[ ])[|>][-+0-9]*[ ]*(#.*)?$/.test(content)) blockParent = indent;
    if (content !== '' && !content.startsWith('#')) nodes += 1;
    if (nodes > Limits.maxNodes) return tooManyNodes(file, offset);
    if (content !== '' && !content.startsWith('#') && flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      // "- - - a" nests one level per dash.
      const dashes = /^(-[ ]+)+/.exec(content);
      const extra = dashes ? dashes[0].split('-').length - 1 : 0;
      if (indents.length + extra > Limits.maxDepth) {
        return error('input-too-deep', file, [], `nesting deeper than ${Limits.maxDepth} levels`, { offset: offset + indent });
      }
    }
    // Count flow brackets outside quotes and comments.
    let quote: string | undefined;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quote !== undefined) {
        if (c === '\\' && quote === '"') i += 1;
        else if (c === quote) quote = undefined;
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (c === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) break;
      else if (c === '[' || c === '{' || c === ',') {
        nodes += 1;
        if (nodes > Limits.maxNodes) return tooManyNodes(file, offset + i);
        if (c === ',') continue;
        flow += 1;
        if (flow + indents.length > Limits.maxDepth) {
          return error('input-too-deep', file, [], `nesting deeper than ${Limits.maxDepth} levels`, { offset: offset + i });
        }
      } else if ((c === ']' || c === '}') && flow > 0) flow -= 1;
    }
    offset += line.length + 1;
  }
  return undefined;
}

/** Walks the document, rejecting aliases, tags, merge keys and strings no output can carry. */
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

function walk(doc: Document.Parsed, file: string, out: Diagnostic[]): void {
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
      out.push(error('yaml-unknown-tag', file, path, `tag ${n.tag}: site files use no YAML tags`));
      continue;
    }
    if (isScalar(n)) {
      checkString(n, file, path, out);
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
