/**
 * At a terminal: colour on diagnostics and errors (never with NO_COLOR, --no-color or a pipe), a
 * progress line for long multi-site runs, and the one summary line that ends a multi-site run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { removeTemps, TEST_LOCK, workspace } from './helpers/cli.js';

afterAll(removeTemps);

const ESC = '\u001b';

/** Runs the CLI in-process as a terminal would see it; the clock advances `step` ms at each reading. */
async function atTerminal(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; terminal?: boolean; step?: number },
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let clock = 0;
  const code = await run(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: options.env ?? {},
    cwd: options.cwd,
    lock: TEST_LOCK,
    stderrIsTerminal: options.terminal ?? true,
    now: () => (clock += options.step ?? 0),
  });
  return { code, stdout, stderr };
}

/** A workspace whose alps site has a schema error. */
function broken(): string {
  const dir = workspace();
  writeFileSync(
    join(dir, 'sites/alps.yaml'),
    'site: {name: alps, environment: production, domain: a.b}\nrelease: {version: 1.4.2}\nservices: {kea-sync: {enabled: false}, smd: {replicas: 1, bogus: 1}}\n',
  );
  return dir;
}

describe('colour', () => {
  it('colours the head line of each diagnostic and a usage error at a terminal, not the report', async () => {
    const r = await atTerminal(['validate', 'sites/alps'], { cwd: broken() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${ESC}\\[31msites/alps\\.yaml:3:\\d+: schema-unknown-key: .*${ESC}\\[0m$`, 'm'));
    expect(r.stderr).toMatch(new RegExp(`^${ESC}\\[2m +3 \\| services: `, 'm'));
    const usage = await atTerminal(['validate', 'sites/nosuch'], { cwd: broken() });
    expect(usage.stderr).toMatch(new RegExp(`^${ESC}\\[31mchamicore-compile: error: site-not-found: .*${ESC}\\[0m\\n$`));
    // The report itself (stdout) is never coloured.
    expect(r.stdout).not.toContain(ESC);
  });

  it('never with NO_COLOR, --no-color (any command) or when stderr is no terminal', async () => {
    const dir = broken();
    for (const [args, env, terminal] of [
      [['validate', 'sites/alps'], { NO_COLOR: '1' }, true],
      [['validate', '--no-color', 'sites/alps'], {}, true],
      [['--no-color', 'sites/alps'], {}, true],
      [['explain', '--no-color', 'sites/alps', 'site.name'], {}, true],
      [['validate', 'sites/alps'], {}, false],
    ] as const) {
      const r = await atTerminal([...args], { cwd: dir, env: { ...env }, terminal });
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).not.toContain(ESC);
    }
  });

  it('FORCE_COLOR colours a pipe (a CI log) and FORCE_COLOR=0 or TERM=dumb keeps a terminal plain; --no-color wins', async () => {
    const dir = broken();
    const forced = await atTerminal(['validate', 'sites/alps'], { cwd: dir, env: { FORCE_COLOR: '1' }, terminal: false });
    expect(forced.stderr).toMatch(new RegExp(`^${ESC}\\[31msites/alps\\.yaml:3:`, 'm'));
    expect(
      (await atTerminal(['validate', 'sites/alps'], { cwd: dir, env: { FORCE_COLOR: '1', NO_COLOR: '1' }, terminal: false })).stderr,
    ).toContain(ESC);
    for (const [env, args] of [
      [{ FORCE_COLOR: '0' }, ['validate', 'sites/alps']],
      [{ FORCE_COLOR: 'false' }, ['validate', 'sites/alps']],
      [{ TERM: 'dumb' }, ['validate', 'sites/alps']],
      [{ FORCE_COLOR: '1' }, ['validate', '--no-color', 'sites/alps']],
    ] as const) {
      const r = await atTerminal([...args], { cwd: dir, env: { ...env }, terminal: true });
      expect(r.stderr, JSON.stringify(env)).not.toContain(ESC);
    }
  });

  it('adds colour only around text already made printable: an ESC in a file name stays escaped', async () => {
    const dir = workspace();
    const r = await atTerminal(['validate', `sites/x${ESC}[2Jy`], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.replaceAll(`${ESC}[31m`, '').replaceAll(`${ESC}[0m`, '')).not.toContain(ESC);
  });
});

describe('progress and summary', () => {
  it('shows progress on a terminal once a multi-site run takes more than a second, and clears it', async () => {
    const r = await atTerminal(['validate', 'sites'], { cwd: workspace(), step: 600 });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`\r${ESC}[2K[2/3] sites/dev.yaml`);
    expect(r.stderr).toContain(`\r${ESC}[2K[3/3] sites/eiger.yaml`);
    // Cleared before the report; the summary line gives the time.
    expect(r.stderr).toMatch(new RegExp(`\\r${ESC}\\[2Kchamicore-compile: 3 sites: 3 valid \\(\\d+\\.\\d\\d s\\)\\n$`));
    expect(r.stdout).toBe('sites/alps.yaml: valid\nsites/dev.yaml: valid\nsites/eiger.yaml: valid\n');
  });

  it('no progress for a fast run, a single site, a pipe, TERM=dumb or --quiet', async () => {
    for (const [args, step, terminal, env] of [
      [['validate', 'sites'], 1, true, {}],
      [['validate', 'sites/alps'], 2000, true, {}],
      [['validate', 'sites'], 2000, false, {}],
      [['validate', 'sites'], 2000, true, { TERM: 'dumb' }],
      [['validate', '--quiet', 'sites'], 2000, true, {}],
      [['validate', '-q', 'sites'], 2000, true, {}],
    ] as const) {
      const r = await atTerminal([...args], { cwd: workspace(), step, terminal, env: { ...env } });
      expect(r.stderr, args.join(' ')).not.toContain('\r');
    }
  });

  it('--quiet prints only diagnostics and failures', async () => {
    const dir = workspace();
    const ok = await atTerminal(['--quiet', 'sites'], { cwd: dir, terminal: false, step: 10 });
    expect([ok.code, ok.stdout, ok.stderr]).toEqual([0, '', '']);
    expect(await atTerminal(['validate', '-q', 'sites'], { cwd: dir, terminal: false })).toEqual({ code: 0, stdout: '', stderr: '' });
    writeFileSync(
      join(dir, 'sites/dev.yaml'),
      `${(await import('node:fs')).readFileSync(join(dir, 'sites/dev.yaml'), 'utf8')}\n# changed\n`,
    );
    writeFileSync(join(dir, 'out/dev/helm/values.yaml'), 'stale: true\n');
    const check = await atTerminal(['--check', '-q', 'sites'], { cwd: dir, terminal: false });
    expect(check.code).toBe(1);
    expect(check.stdout).toBe('out/dev/helm/values.yaml: differs\n');
    expect(check.stderr).toBe('chamicore-compile: out is not current; run chamicore-compile without --check and commit the result\n');
    const bad = await atTerminal(['--quiet', 'sites'], { cwd: broken(), terminal: false });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^sites\/alps\.yaml:3:\d+: schema-unknown-key: /);
    expect(bad.stderr).toMatch(/\nchamicore-compile: 1 error; nothing was written\n$/);
    expect(bad.stdout).toBe('');
  });

  it('ends a multi-site compile with the sites written, unchanged or invalid, and its time', async () => {
    const dir = workspace();
    const first = await atTerminal(['sites'], { cwd: dir, step: 250 });
    expect(first.stderr).toMatch(/chamicore-compile: 3 sites: 3 written \(\d+\.\d\d s\)\n$/);
    const again = await atTerminal(['sites'], { cwd: dir, step: 250 });
    expect(again.stderr).toMatch(/chamicore-compile: 3 sites: 3 unchanged \(\d+\.\d\d s\)\n$/);
    const failed = await atTerminal(['sites'], { cwd: broken(), terminal: false, step: 10 });
    expect(failed.stderr).toMatch(/\nchamicore-compile: 1 of 3 sites invalid: 1 error; nothing was written \(\d+\.\d\d s\)\n$/);
  });
});
