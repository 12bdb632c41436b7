import { describe, expect, it } from 'vitest';
import { mergeLayers, ownerOf } from '../../src/layers/merge.js';

describe('layering a site over its bases', () => {
  const base1 = {
    images: { registry: 'r1', pullPolicy: 'Always' },
    services: { smd: { replicas: 2, env: { A: '1' } } },
    targets: ['helm'],
  };
  const base2 = { images: { registry: 'r2' }, services: { smd: { env: { B: '2' } } }, targets: ['compose'] };
  const site = { site: { name: 's' }, services: { smd: { replicas: 3 } } };

  it('merges mappings key by key, later layers winning; anything else replaces whole', () => {
    expect(mergeLayers([base1, base2, site])).toEqual({
      images: { registry: 'r2', pullPolicy: 'Always' },
      services: { smd: { replicas: 3, env: { A: '1', B: '2' } } },
      targets: ['compose'],
      site: { name: 's' },
    });
    // A scalar or a list over a mapping (and the reverse) replaces it.
    expect(mergeLayers([{ a: { b: 1 } }, { a: 'x' }, { a: { c: 2 } }])).toEqual({ a: { c: 2 } });
    expect(mergeLayers([{ a: [1, 2, 3] }, { a: [4] }])).toEqual({ a: [4] });
    // The layers are not changed.
    expect(base1.services.smd.env).toEqual({ A: '1' });
  });

  it('names the layer that holds each value, for diagnostics and explain', () => {
    const layers = [base1, base2, site];
    expect(ownerOf(layers, ['images', 'registry'])).toBe(1);
    expect(ownerOf(layers, ['images', 'pullPolicy'])).toBe(0);
    expect(ownerOf(layers, ['services', 'smd', 'replicas'])).toBe(2);
    expect(ownerOf(layers, ['services', 'smd', 'env', 'A'])).toBe(0);
    expect(ownerOf(layers, ['services', 'smd', 'env', 'B'])).toBe(1);
    expect(ownerOf(layers, ['targets', 0])).toBe(1);
    // A missing key: the layer holding the deepest part of its path; the root is the site file.
    expect(ownerOf(layers, ['images', 'tag'])).toBe(1);
    expect(ownerOf(layers, ['release'])).toBe(2);
    expect(ownerOf(layers, [])).toBe(2);
    // A list replaces a lower list whole: its entries belong to the layer that wrote it.
    expect(ownerOf([{ a: [{ x: 1 }, { x: 2 }] }, { a: [{ y: 1 }] }], ['a', 0, 'x'])).toBe(1);
    // A scalar in between hides the mappings under it.
    expect(ownerOf([{ a: { b: 1 } }, { a: 'x' }, { a: { c: 2 } }], ['a', 'b'])).toBe(2);
  });
});
