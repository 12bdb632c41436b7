import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeVariable, renderEnvExample } from '../../src/docs/env-example.js';

describe('docs/compose.env.example', () => {
  it('is current (npm run gen)', () => {
    expect(readFileSync(new URL('../../docs/compose.env.example', import.meta.url), 'utf8')).toBe(renderEnvExample());
  });

  it('comments every variable with where it comes from', () => {
    const text = renderEnvExample();
    const names = [...text.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(100);
    expect(names.filter((n) => describeVariable(n) === undefined)).toEqual([]);
    expect(text).not.toContain('set by chamicore-compile');
    for (const n of ['POSTGRES_PASSWORD', 'CHAMICORE_MCP_TOKEN', 'CHAMICORE_POWER_GLOBAL_CONCURRENCY', 'CHAMICORE_UI_SMD_URL']) {
      expect(names).toContain(n);
    }
  });
});
