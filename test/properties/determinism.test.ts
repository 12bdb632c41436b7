/** Properties: compiling is a pure function of the site's content, not of its key order or the run. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkText } from '../helpers/site.js';
import { checkGenerated, FC_OPTIONS, NUM_RUNS, PROPERTY_TIMEOUT, siteArbitrary } from './arbitraries.js';
import { emit } from './helpers.js';

/** Shuffles the key order of every mapping, recursively, with a seed. */
function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, seed));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    // A deterministic permutation: sort by a hash of key and seed.
    const hash = (k: string): number => {
      let h = (2166136261 ^ seed) >>> 0;
      for (let i = 0; i < k.length; i += 1) h = Math.imul(h ^ k.charCodeAt(i), 16777619) >>> 0;
      return h;
    };
    entries.sort(([a], [b]) => hash(a) - hash(b));
    return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, seed)]));
  }
  return value;
}

describe(`determinism (${NUM_RUNS} generated sites)`, { timeout: PROPERTY_TIMEOUT }, () => {
  it('compiling twice gives identical bytes, redacted and revealed', () => {
    fc.assert(
      fc.property(siteArbitrary, (g) => {
        const a = checkGenerated(g).model;
        const b = checkGenerated(g).model;
        expect(emit(b, false)).toEqual(emit(a, false));
        expect(emit(b, true)).toEqual(emit(a, true));
      }),
      FC_OPTIONS,
    );
  });

  it('the key order of the input does not matter', () => {
    fc.assert(
      fc.property(siteArbitrary, fc.integer(), (g, seed) => {
        const reordered = checkText(stringify(shuffleKeys(g.data, seed)), g.name);
        expect(reordered.model, JSON.stringify(reordered.diagnostics)).toBeDefined();
        expect(emit(reordered.model!, true)).toEqual(emit(checkGenerated(g).model, true));
      }),
      FC_OPTIONS,
    );
  });
});
