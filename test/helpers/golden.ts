/** The golden-case harness: run a case, and compare its output with expected/ file by file. */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { run } from '../../src/cli/run.js';
import { TEST_LOCK } from './cli.js';

export function listFiles(dir: string): string[] {
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

/**
 * Runs one case in a temporary copy of its input/: exit code, stdout, stderr, the modes of the
 * files it created or changed, the files it removed, and every created or changed file.
 */
export async function runGoldenCase(caseDir: string): Promise<Record<string, string>> {
  const spec = JSON.parse(readFileSync(join(caseDir, 'case.json'), 'utf8')) as { args: string[]; env?: Record<string, string> };
  const work = mkdtempSync(join(tmpdir(), 'golden-'));
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
    const after = new Set(listFiles(work));
    const produced = [...after].filter((f) => before.get(f) !== readFileSync(join(work, f), 'utf8'));
    // A file the run deleted shows up as a removal, not as nothing.
    const removed = [...before.keys()].filter((f) => !after.has(f)).sort();
    const actual: Record<string, string> = {
      'exit-code.txt': `${String(code)}\n`,
      'stdout.txt': stdout,
      'stderr.txt': stderr,
      'modes.txt': produced.map((f) => `${(statSync(join(work, f)).mode & 0o777).toString(8)} ${f}\n`).join(''),
      ...(removed.length > 0 ? { 'removed.txt': removed.map((f) => `${f}\n`).join('') } : {}),
    };
    for (const f of produced) actual[`files/${f}`] = readFileSync(join(work, f), 'utf8');
    return actual;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Every difference between a run's output and expected/: missing, extra and differing files. */
export function goldenDifferences(actual: Readonly<Record<string, string>>, expectedDir: string): string[] {
  const expected = listFiles(expectedDir);
  const out: string[] = [];
  for (const f of Object.keys(actual).sort()) if (!expected.includes(f)) out.push(`${f}: produced, not expected`);
  for (const f of expected) {
    if (!(f in actual)) out.push(`${f}: expected, not produced`);
    else if (actual[f] !== readFileSync(join(expectedDir, f), 'utf8')) out.push(`${f}: differs`);
  }
  return out;
}
