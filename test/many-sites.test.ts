/**
 * Any number of sites, in bounded memory: a run checks each site once and renders and stages it at
 * once. 600 sites (more than the 500 the compiler used to refuse) compile and check under a
 * heap of 96 MiB, where holding every site's files (about 0.44 MiB each) ran out of memory.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { LOCK_NAME } from '../src/write/lock.js';
import { BIN, cli, removeTemps, ROOT, temp, TEST_LOCK } from './helpers/cli.js';

afterAll(removeTemps);

const N = 600;

function generate(folder: string, n = N): void {
  mkdirSync(folder, { recursive: true });
  const examples = readdirSync(join(ROOT, 'sites'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map(
      (f) =>
        parse(readFileSync(join(ROOT, 'sites', f), 'utf8')) as {
          site: Record<string, unknown>;
          kubernetes?: { namespace?: string; ingress?: { host?: string } };
        },
    );
  for (let i = 0; i < n; i++) {
    const site = structuredClone(examples[i % examples.length]!);
    const name = `site${String(i).padStart(3, '0')}`;
    site.site['name'] = name;
    site.site['domain'] = `${name}.cscs.ch`;
    if (site.kubernetes?.ingress?.host !== undefined) site.kubernetes.ingress.host = `chamicore.${name}.cscs.ch`;
    // Two sites of one run may not share a namespace (site-namespace-shared).
    if (site.kubernetes?.namespace !== undefined) site.kubernetes.namespace = `chamicore-${name}`;
    writeFileSync(join(folder, `${name}.yaml`), stringify(site));
  }
}

const capped = (args: string[], cwd: string) =>
  spawnSync(process.execPath, ['--max-old-space-size=96', BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '' },
  });

it(`compiles and checks ${N} sites in a 96 MiB heap, and reports every invalid one`, () => {
  const dir = temp();
  generate(join(dir, 'sites'));
  const compiled = capped(['sites'], dir);
  expect(compiled.stderr).toMatch(new RegExp(`^chamicore-compile: ${N} sites: ${N} written \\(\\d+\\.\\d\\d s\\)\\n$`));
  expect(compiled.status).toBe(0);
  expect(readdirSync(join(dir, 'out')).filter((n) => !n.startsWith('.'))).toHaveLength(N);
  const checked = capped(['--check', 'sites'], dir);
  expect(checked.status, checked.stderr).toBe(0);
  // Two invalid sites among them: both reported, nothing written.
  for (const n of ['site007', 'site599']) writeFileSync(join(dir, 'sites', `${n}.yaml`), `site: {name: ${n}, environment: prod}\n`);
  const invalid = capped(['--out', 'out2', 'sites'], dir);
  expect(invalid.status).toBe(1);
  expect(invalid.stderr).toMatch(/^sites\/site007\.yaml:1:\d+: /m);
  expect(invalid.stderr).toMatch(/^sites\/site599\.yaml:1:\d+: /m);
  expect(invalid.stderr).toMatch(
    new RegExp(`chamicore-compile: 2 of ${N} sites invalid: .*; nothing was written \\(\\d+\\.\\d\\d s\\)\\n$`),
  );
  expect(readdirSync(dir)).not.toContain('out2');
}, 600_000);

/** Runs compile in-process on `dir`/sites, changing files from the lock hook: after every site was checked, before any is written. */
async function compileChangingBetweenPhases(dir: string, change: () => void): Promise<{ code: number; stderr: string }> {
  const { run } = await import('../src/cli/run.js');
  // A stale lock left by a dead run: asking whether its owner is alive happens then.
  mkdirSync(join(dir, 'out'));
  writeFileSync(join(dir, 'out', LOCK_NAME), '999999999 deadbeef\n');
  let stderr = '';
  const code = await run(['sites'], {
    stdout: () => undefined,
    stderr: (t) => void (stderr += t),
    env: {},
    cwd: dir,
    lock: {
      ...TEST_LOCK,
      alive: () => {
        change();
        return false;
      },
    },
  });
  return { code, stderr };
}

it('writes each site from its one check: a site file changed after its check changes nothing of the run', async () => {
  const dir = temp();
  generate(join(dir, 'sites'), 20);
  const original = readFileSync(join(dir, 'sites', 'site000.yaml'), 'utf8');
  // The lock is taken at the first valid site, after its check: then site000 turns invalid, and the
  // other sites are still to be read.
  const { code, stderr } = await compileChangingBetweenPhases(dir, () => {
    writeFileSync(join(dir, 'sites', 'site000.yaml'), 'site: {name: site000}\n');
  });
  expect([code, stderr]).toEqual([0, 'chamicore-compile: 20 sites: 20 written\n']);
  expect(readdirSync(join(dir, 'out')).filter((n) => !n.startsWith('.'))).toHaveLength(20);
  // site000's tree is the one its valid check gave (the invalid text now in the file compiles to nothing).
  expect(readFileSync(join(dir, 'out/site000/helm/values.yaml'), 'utf8')).toContain('fullnameOverride: chamicore-auth');
  expect(original).not.toBe(readFileSync(join(dir, 'sites', 'site000.yaml'), 'utf8'));
});

it('deletes what it staged, and writes nothing, when a site read later in the run is invalid', async () => {
  const dir = temp();
  generate(join(dir, 'sites'), 20);
  const { code } = await compileChangingBetweenPhases(dir, () => {
    writeFileSync(join(dir, 'sites', 'site019.yaml'), 'site: {name: site019}\n');
  });
  expect(code).toBe(1);
  // Only the stale lock the test left (taken over, then released) was there: out/ holds nothing else.
  expect(readdirSync(join(dir, 'out'))).toEqual([]);
});

it('places an error between sites (a shared namespace) at the value, in every command of a run of many sites', () => {
  const dir = temp();
  generate(join(dir, 'sites'), 40);
  expect(cli(['sites', '--out', 'o'], { cwd: dir }).code).toBe(0);
  const text = readFileSync(join(dir, 'sites/site009.yaml'), 'utf8');
  expect(text).toContain('namespace: chamicore-site009');
  const shared = text.replace('namespace: chamicore-site009', 'namespace: chamicore-site000');
  writeFileSync(join(dir, 'sites/site009.yaml'), shared);
  writeFileSync(join(dir, 'sites/site020.yaml'), 'site: {name: site020, environment: prod}\n');
  const before = shared.slice(0, shared.indexOf('chamicore-site000'));
  const at = `${String(before.split('\n').length)}:${String(before.length - before.lastIndexOf('\n'))}`;
  for (const args of [
    ['validate', 'sites'],
    ['sites', '--out', 'o'],
    ['--check', '--out', 'o', 'sites'],
  ]) {
    const r = cli(args, { cwd: dir });
    expect(r.code, args.join(' ')).toBe(1);
    expect(r.stderr, args.join(' ')).toContain(`sites/site009.yaml:${at}: site-namespace-shared:`);
    expect(r.stderr, args.join(' ')).toContain('sites/site020.yaml:1:36: schema-enum:');
  }
  const json = JSON.parse(cli(['validate', '--format', 'json', 'sites'], { cwd: dir }).stdout) as {
    diagnostics: { file: string; code: string; line: number; column: number }[];
  };
  expect(
    json.diagnostics.filter((d) => d.code === 'site-namespace-shared').map((d) => `${d.file}:${String(d.line)}:${String(d.column)}`),
  ).toEqual([`sites/site009.yaml:${at}`]);
}, 120_000);
