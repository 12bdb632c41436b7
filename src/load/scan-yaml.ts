import { Composer, Lexer, Parser, YAMLParseError, type CST, type Document, type LineCounter } from 'yaml';
import { error, type Diagnostic } from '../report/diagnostic.js';
import { Limits } from './limits.js';

/**
 * The site file read through the yaml library's own lexer and parser, with the limits checked on
 * its tokens as they come: the nesting depth is the parser's stack of open collections, and the node
 * count is its scalars, collections and entries. Whatever the lexer reads as a quoted string, a
 * comment or a block scalar cannot hide brackets, and the parse stops at the first token past a
 * limit, before any recursive step (composing) runs.
 */
export interface Scan {
  /** The parsed syntax tree, when no limit was passed. */
  readonly tokens: readonly CST.Token[];
  /** The first limit passed, as a diagnostic. */
  readonly limit: Diagnostic | undefined;
  /** Offsets where a quoted scalar starts, in order. */
  readonly quotes: readonly number[];
  /** Flow collections opened and never closed: offset and bracket. */
  readonly unclosed: readonly { offset: number; bracket: '[' | '{' }[];
}

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);
/** Lexemes that start a node or an entry: a plain scalar's marker, a quote, a flow bracket or comma, a block entry or key indicator, a block scalar header. */
const NODE_START = new Set(['\u001f', '"', "'", '[', '{', ',', '-', '?', '|', '>']);

export function scanTokens(file: string, text: string, lineCounter: LineCounter): Scan {
  // Parser.parse() would count the first line itself; next() does not.
  lineCounter.addNewLine(0);
  const parser = new Parser((offset) => lineCounter.addNewLine(offset));
  const tokens: CST.Token[] = [];
  const quotes: number[] = [];
  const flows: { offset: number; bracket: '[' | '{' }[] = [];
  let nodes = 0;
  const stop = (limit: Diagnostic): Scan => ({ tokens: [], limit, quotes, unclosed: [] });
  for (const lexeme of new Lexer().lex(text)) {
    const offset = parser.offset;
    const first = lexeme[0] ?? '';
    if (NODE_START.has(first)) {
      nodes += 1;
      if (nodes > Limits.maxNodes) {
        return stop(
          error(
            'input-too-many-nodes',
            file,
            [],
            `more than ${Limits.maxNodes.toLocaleString('en-US')} YAML nodes (scalars, collections and entries); a site file is far smaller`,
            { offset },
          ),
        );
      }
      if (first === '"' || first === "'") quotes.push(offset);
      else if (first === '[' || first === '{') flows.push({ offset, bracket: first });
    } else if ((first === ']' || first === '}') && flows.length > 0) flows.pop();
    for (const token of parser.next(lexeme)) tokens.push(token);
    // The stack holds the document, the open collections and at most one scalar on top.
    if (parser.stack.length - 1 > Limits.maxDepth) {
      const open = parser.stack.filter((t) => COLLECTIONS.has(t.type));
      if (open.length > Limits.maxDepth) {
        return stop(
          error('input-too-deep', file, [], `nesting deeper than ${Limits.maxDepth} levels of maps and lists`, {
            offset: open[Limits.maxDepth]!.offset,
          }),
        );
      }
    }
  }
  for (const token of parser.end()) tokens.push(token);
  return { tokens, limit: undefined, quotes, unclosed: flows };
}

/** Composes the parsed tree into one document, as `parseDocument` does (a second document is an error). */
export function compose(tokens: readonly CST.Token[], text: string, options: ConstructorParameters<typeof Composer>[0]): Document.Parsed {
  const composer = new Composer(options);
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (doc === undefined) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'more than one document'));
      break;
    }
  }
  // compose(…, forceDoc = true) always yields a document.
  return doc!;
}

/**
 * An error about a string or flow collection that is never closed is found where the parser gives
 * up (often lines later); it is reported where the quote or bracket was opened.
 */
export function unclosedAt(code: string, message: string, pos: number, scan: Scan): { offset: number; message: string } | undefined {
  if (code === 'MISSING_CHAR' && /^Missing closing (["'])quote/.test(message)) {
    const quote = message[16]!;
    const offset = scan.quotes.filter((q) => q < pos).at(-1);
    if (offset !== undefined) return { offset, message: `YAML syntax error: this ${quote}-quoted string is never closed` };
  }
  const flow = /^Flow (map|sequence) in block collection must be sufficiently indented and end with a ([\]}])/.exec(message);
  if (flow !== null) {
    const bracket = flow[1] === 'map' ? '{' : '[';
    const offset = scan.unclosed.filter((u) => u.bracket === bracket && u.offset < pos).at(-1)?.offset;
    if (offset !== undefined) {
      return {
        offset,
        message: `YAML syntax error: this flow ${flow[1]} is never closed with ${flow[2]!} (or a line inside it is not indented past its key)`,
      };
    }
  }
  return undefined;
}
