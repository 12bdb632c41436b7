/**
 * Golden tests: one folder per case under test/golden/<case>/ with
 *   case.json  {"args": [...], "env": {...}}   the command line, run with the case's input/ as cwd
 *   input/     the files the command reads (copied to a temporary folder)
 *   expected/  exit-code.txt, stdout.txt, stderr.txt, modes.txt, removed.txt (files the run
 *              deleted) and files/ (every file the run created or changed, byte for byte)
 * Compared file by file, so a failure shows a diff. `npm run golden:update` rewrites expected/
 * instead of comparing (and refuses under CI): read the diff before committing.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenDifferences, listFiles, runGoldenCase } from '../helpers/golden.js';

const ROOT = new URL('.', import.meta.url).pathname;
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
// Updating rewrites expected/ from the current code: never where the comparison is the point.
if (UPDATE && process.env['CI'] !== undefined && process.env['CI'] !== '') {
  throw new Error('npm run golden:update refuses to run under CI: it would make every golden case pass whatever the output');
}

const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe('golden', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });

  it.each(cases)('%s', async (name) => {
    const caseDir = join(ROOT, name);
    const actual = await runGoldenCase(caseDir);
    const expectedDir = join(caseDir, 'expected');
    if (UPDATE) {
      // Writing is the whole of an update: comparing what was just written with itself proves nothing.
      rmSync(expectedDir, { recursive: true, force: true });
      for (const [f, contents] of Object.entries(actual)) {
        mkdirSync(join(expectedDir, f, '..'), { recursive: true });
        writeFileSync(join(expectedDir, f), contents);
      }
      return;
    }
    expect(listFiles(expectedDir), 'the set of produced files').toEqual(Object.keys(actual).sort());
    for (const f of listFiles(expectedDir)) expect(actual[f], f).toBe(readFileSync(join(expectedDir, f), 'utf8'));
    expect(goldenDifferences(actual, expectedDir)).toEqual([]);
  });
});
