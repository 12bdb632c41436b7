import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import type { Diagnostic } from './diagnostic.js';

export interface Position {
  readonly line: number;
  readonly col: number;
}

/**
 * Resolves a diagnostic to a 1-based line and column: the offset if it has one, else the node
 * at its path (the key for unknown keys), else the deepest part of the path that exists.
 */
export function locate(d: Pick<Diagnostic, 'path' | 'offset' | 'onKey'>, doc: Document | undefined, lineCounter: LineCounter): Position {
  if (d.offset !== undefined) return lineCounter.linePos(d.offset);
  if (doc === undefined) return { line: 1, col: 1 };
  let node: unknown = doc.contents;
  let keyNode: unknown = undefined;
  for (let i = 0; i < d.path.length; i++) {
    const seg = d.path[i]!;
    let next: unknown = undefined;
    let nextKey: unknown = undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair) {
        next = pair.value;
        nextKey = pair.key;
      }
    } else if (isSeq(node)) {
      next = node.items[Number(seg)];
    }
    if (next === undefined && nextKey === undefined) break;
    const last = i === d.path.length - 1;
    if (last && d.onKey && nextKey !== undefined) {
      node = undefined;
      keyNode = nextKey;
      break;
    }
    // A key with no value (`a:`) has a null value node; point at the key then.
    if (next === null || next === undefined) {
      node = undefined;
      keyNode = nextKey;
      break;
    }
    node = next;
    keyNode = nextKey;
  }
  const target = (node ?? keyNode) as { range?: [number, number, number] } | undefined;
  // For a map or list value, point at its key: the line the user reads as "that section".
  const useKey = (isMap(node) || isSeq(node)) && keyNode !== undefined;
  const chosen = (useKey ? keyNode : target) as { range?: [number, number, number] } | undefined;
  const offset = chosen?.range?.[0];
  return offset === undefined ? { line: 1, col: 1 } : lineCounter.linePos(offset);
}

/** Where a node of a file the plain reader read starts, and its key (src/load/plain-yaml.ts records them). */
export interface NodeStart {
  readonly start: number;
  readonly key?: number;
  readonly kind: 'map' | 'seq' | 'scalar';
}

/** The key of a node's path in `Locatable.nodes`. */
export const nodeKey = (path: readonly (string | number)[]): string => JSON.stringify(path);

/** What placing a diagnostic needs of a parsed file: its document, or where each of its nodes starts. */
export interface Locatable {
  readonly doc: Document | undefined;
  readonly lineCounter: LineCounter;
  /** Present for a file the plain reader read: then its document is not needed (nor parsed). */
  readonly nodes?: ReadonlyMap<string, NodeStart>;
}

/** locate(), from the node starts when the file has them (the same position: a property test holds them equal). */
export function locateIn(d: Pick<Diagnostic, 'path' | 'offset' | 'onKey'>, source: Locatable): Position {
  const nodes = source.nodes;
  if (nodes === undefined || d.offset !== undefined) return locate(d, source.doc, source.lineCounter);
  let path: (string | number)[] = [];
  let node: NodeStart | undefined = nodes.get(nodeKey([]));
  let key: number | undefined;
  for (let i = 0; i < d.path.length && node !== undefined; i++) {
    const seg = d.path[i]!;
    const childPath = [...path, node.kind === 'seq' ? Number(seg) : String(seg)];
    const child = node.kind === 'scalar' ? undefined : nodes.get(nodeKey(childPath));
    if (child === undefined) break;
    if (i === d.path.length - 1 && d.onKey === true && child.key !== undefined) {
      node = undefined;
      key = child.key;
      break;
    }
    node = child;
    key = child.key;
    path = childPath;
  }
  // As locate(): a map or list value is shown at its key.
  const offset = node !== undefined && node.kind !== 'scalar' && key !== undefined ? key : (node?.start ?? key);
  return offset === undefined ? { line: 1, col: 1 } : source.lineCounter.linePos(offset);
}
