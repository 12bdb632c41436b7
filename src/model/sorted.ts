import { compareStrings } from '../util/compare.js';

/**
 * A deep copy with every map's keys in code-unit order, so the key order of a site file never
 * reaches an output. Keys are set as own properties (`__proto__` included): a site's key never
 * reaches a prototype. Lists keep their order.
 */
export function sortedValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortedValue) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compareStrings)) {
    Object.defineProperty(out, key, {
      value: sortedValue((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out as T;
}
