import { describe, expect, it } from 'vitest';
import { suggest } from '../../src/validate/suggest.js';

describe('suggest', () => {
  it('suggests the near miss of a key, and the word an abbreviation extends', () => {
    expect(suggest('replica', ['replicas', 'resources'])).toBe('replicas');
    expect(suggest('prod', ['production', 'staging'])).toBe('production');
    expect(suggest('zzzz', ['replicas'])).toBeUndefined();
  });

  it('compares no word over 128 characters: no key is that long, and the distance is quadratic', () => {
    // One character apart, but far longer than any key: no suggestion (this used to compare them).
    const long = 'a'.repeat(200);
    expect(suggest(`${long}x`, [`${long}y`])).toBeUndefined();
    expect(suggest(`${'a'.repeat(100)}x`, [`${'a'.repeat(100)}y`])).toBe(`${'a'.repeat(100)}y`);
  });

  it('skips candidates whose length alone rules them out, with the same answer', () => {
    const candidates = ['replicas', 'r'.repeat(5000), 'resources', 'x'];
    expect(suggest('replica', candidates)).toBe('replicas');
    expect(suggest('resource', candidates)).toBe('resources');
  });
});
