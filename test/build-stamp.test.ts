/**
 * The CLI the tests spawn is built from the current sources: test/global-setup.ts rebuilds dist/
 * when its stamp (a hash of src/ and the build configuration) differs from the sources.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtHash, sourceHash } from '../scripts/dist-stamp.mjs';
import { removeTemps, ROOT, temp } from './helpers/cli.js';

afterAll(removeTemps);

describe('the build stamp', () => {
  it('matches the sources for the dist/ this run tests', () => {
    expect(builtHash()).toBe(sourceHash());
  });

  it('changes with any source file, its path, and the build configuration', () => {
    const root = temp('chamicore-stamp-');
    mkdirSync(join(root, 'src/emit'), { recursive: true });
    for (const f of ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) cpSync(join(ROOT, f), join(root, f));
    writeFileSync(join(root, 'src/emit/a.ts'), 'export const a = 1;\n');
    const first = sourceHash(root);
    writeFileSync(join(root, 'src/emit/a.ts'), 'export const a = 2;\n');
    const edited = sourceHash(root);
    expect(edited).not.toBe(first);
    writeFileSync(join(root, 'src/b.ts'), '');
    const added = sourceHash(root);
    expect(added).not.toBe(edited);
    writeFileSync(join(root, 'tsconfig.build.json'), '{}\n');
    expect(sourceHash(root)).not.toBe(added);
    expect(builtHash(root)).toBeUndefined();
  });
});
