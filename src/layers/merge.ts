import type { PathSegment } from '../report/diagnostic.js';

/**
 * Layering of a site over its bases (`extends:`): mappings merge key by key, and a later layer's
 * value replaces an earlier one's everywhere else (scalars, lists, a mapping over a scalar). The
 * layers come lowest first: the bases in the order the site names them, the site file last. Pure.
 */

/** A YAML mapping as data (not a list, not a scalar). */
export const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function mergeTwo(lower: unknown, upper: unknown): unknown {
  if (!isMapping(lower) || !isMapping(upper)) return upper;
  const out: Record<string, unknown> = { ...lower };
  for (const [k, v] of Object.entries(upper)) out[k] = Object.hasOwn(lower, k) ? mergeTwo(lower[k], v) : v;
  return out;
}

/** The merged document of the layers (lowest first). */
export function mergeLayers(layers: readonly unknown[]): unknown {
  return layers.reduce((acc, layer) => mergeTwo(acc, layer));
}

function step(value: unknown, segment: PathSegment): { found: boolean; value: unknown } {
  if (Array.isArray(value) && typeof segment === 'number') return { found: segment < value.length, value: value[segment] };
  if (isMapping(value) && typeof segment === 'string' && Object.hasOwn(value, segment)) return { found: true, value: value[segment] };
  return { found: false, value: undefined };
}

/**
 * The layer (its index, lowest first) that holds the value at `path` of the merged document: the
 * file a diagnostic about that value points into, and where explain says it was set. Walks down
 * the path keeping the layers whose value still shows in the merge: the highest layer that holds
 * a key, and below it only those whose mappings merge with it (a scalar or a list replaces whatever
 * lies under it). Where no layer holds the rest of the path (a missing key), the layer that holds
 * the deepest existing part of it answers; the root belongs to the site file.
 */
export function ownerOf(layers: readonly unknown[], path: readonly PathSegment[]): number {
  let candidates = layers.map((value, index) => ({ index, value }));
  for (const segment of path) {
    const holding = candidates.flatMap((c) => {
      const next = step(c.value, segment);
      return next.found ? [{ index: c.index, value: next.value }] : [];
    });
    if (holding.length === 0) break;
    holding.sort((a, b) => b.index - a.index);
    const shown: typeof holding = [];
    for (const h of holding) {
      if (!isMapping(h.value)) {
        if (shown.length === 0) shown.push(h);
        break;
      }
      shown.push(h);
    }
    candidates = shown;
  }
  return Math.max(...candidates.map((c) => c.index));
}
