/**
 * Golden tests: one folder per case under test/golden/<case>/ with
 *   case.json  {"args": [...], "env": {...}}   the command line, run with the case's input/ as cwd
 *   input/     the files the command reads (copied to a temporary folder)
 *   expected/  exit-code.txt, stdout.txt, stderr.txt, modes.txt and files/ (every file the run
 *              created or changed, byte for byte)
 * Compared file by file, so a failure shows a diff. Update with `npm run golden:update` and read
 * the diff before committing.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { TEST_LOCK } from '../helpers/cli.js';

const ROOT = new URL('.', import.meta.url).pathname;
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
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
    const spec = JSON.parse(readFileSync(join(caseDir, 'case.json'), 'utf8')) as { args: string[]; env?: Record<string, string> };
    const work = mkdtempSync(join(tmpdir(), `golden-${name}-`));
    try {
      cpSync(join(caseDir, 'input'), work, { recursive: true });
      const before = new Map(listFiles(work).map((f) => [f, readFileSync(join(work, f), 'utf8')]));
      let stdout = '';
      let stderr = '';
      const code = await run(spec.args, {
        stdout: (t) => void (stdout += t),
        stderr: (t) => void (stderr += t),
        env: spec.env ?? {},
        cwd: work,
        lock: TEST_LOCK,
      });
      const produced = listFiles(work).filter((f) => before.get(f) !== readFileSync(join(work, f), 'utf8'));
      const actual: Record<string, string> = {
        'exit-code.txt': `${code}\n`,
        'stdout.txt': stdout,
        'stderr.txt': stderr,
        'modes.txt': produced.map((f) => `${(statSync(join(work, f)).mode & 0o777).toString(8)} ${f}\n`).join(''),
      };
      for (const f of produced) actual[`files/${f}`] = readFileSync(join(work, f), 'utf8');

      const expectedDir = join(caseDir, 'expected');
      if (UPDATE) {
        rmSync(expectedDir, { recursive: true, force: true });
        for (const [f, contents] of Object.entries(actual)) {
          mkdirSync(join(expectedDir, f, '..'), { recursive: true });
          writeFileSync(join(expectedDir, f), contents);
        }
      }
      expect(listFiles(expectedDir), 'the set of produced files').toEqual(Object.keys(actual).sort());
      for (const f of listFiles(expectedDir)) {
        expect(actual[f], f).toBe(readFileSync(join(expectedDir, f), 'utf8'));
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
