/** The golden harness can fail: a corrupted or bogus expected file, and a removal, are differences. */
import { spawnSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTemps, ROOT, temp } from './helpers/cli.js';
import { goldenDifferences, runGoldenCase } from './helpers/golden.js';

afterAll(removeTemps);

describe('golden harness', () => {
  it('reports a corrupted expected file, a bogus one and a missing removal', async () => {
    const caseDir = join(temp(), 'case');
    cpSync(join(ROOT, 'test/golden/recompile-removes'), caseDir, { recursive: true });
    const actual = await runGoldenCase(caseDir);
    expect(goldenDifferences(actual, join(caseDir, 'expected'))).toEqual([]);
    expect(actual['removed.txt']).toBe('out/gone/helm/values.yaml\nout/mini/helm/old.yaml\n');
    writeFileSync(join(caseDir, 'expected/stdout.txt'), 'corrupted\n');
    writeFileSync(join(caseDir, 'expected/bogus.txt'), 'x\n');
    writeFileSync(join(caseDir, 'expected/removed.txt'), 'out/gone/helm/values.yaml\n');
    expect(goldenDifferences(actual, join(caseDir, 'expected'))).toEqual([
      'bogus.txt: expected, not produced',
      'removed.txt: differs',
      'stdout.txt: differs',
    ]);
  });

  it('golden:update refuses to run under CI, and leaves expected/ alone', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', 'test/golden/golden.test.ts'], {
      cwd: ROOT,
      env: { ...process.env, UPDATE_GOLDEN: '1', CI: 'true' },
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('golden:update refuses to run under CI');
  });
});
