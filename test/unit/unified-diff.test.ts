/** unifiedDiff against GNU patch: every diff it prints, applied to the old text, gives the new one. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/report/unified-diff.js';

const dir = mkdtempSync(join(tmpdir(), 'chamicore-udiff-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Applies a diff with the real `patch` and returns the result. */
function applied(before: string, diff: string): string {
  const file = join(dir, 'f.yaml');
  writeFileSync(file, before);
  const r = spawnSync('patch', ['--quiet', '--force', '--no-backup-if-mismatch', file], { input: diff, encoding: 'utf8' });
  if (r.error !== undefined) throw new Error(`GNU patch is needed for this test: ${r.error.message}`);
  expect(r.status, `${r.stdout}${r.stderr}\n${diff}`).toBe(0);
  return readFileSync(file, 'utf8');
}

describe('unifiedDiff', () => {
  it('prints nothing for equal texts, and the diff -u form otherwise', () => {
    expect(unifiedDiff('a.yaml', 'x\n', 'x\n')).toBe('');
    expect(unifiedDiff('a.yaml', 'a\nb\nc\n', 'a\nB\nc\n')).toBe('--- a/a.yaml\n+++ b/a.yaml\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
    // Changes more than 6 lines apart are separate hunks.
    const before = `${Array.from({ length: 20 }, (_, i) => `l${String(i)}`).join('\n')}\n`;
    const after = before.replace('l1\n', 'L1\n').replace('l18\n', 'L18\n');
    expect(unifiedDiff('f', before, after).match(/^@@/gm)).toHaveLength(2);
  });

  it('applied by GNU patch to the old text, gives the new text (property)', () => {
    const line = fc.constantFrom('a', 'b', 'c', 'key: 1', '  nested: "x"', '');
    const text = fc.array(line, { maxLength: 40 }).map((ls) => (ls.length === 0 ? '' : `${ls.join('\n')}\n`));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const diff = unifiedDiff('f.yaml', before, after);
        if (before === after) return diff === '';
        return applied(before, diff) === after;
      }),
      { numRuns: Number(process.env['FC_NUM_RUNS'] ?? 200), seed: 20261207 },
    );
  });
});
