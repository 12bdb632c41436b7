/**
 * Any number of sites, in bounded memory: a run checks every site, then renders and writes one site
 * at a time. 600 sites (more than the 500 the compiler used to refuse) compile and check under a
 * heap of 96 MiB, where holding every site's files (about 0.44 MiB each) ran out of memory.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { KEPT_MODELS } from '../src/cli/commands/out-sites.js';
import { LOCK_NAME } from '../src/write/lock.js';
import { BIN, removeTemps, ROOT, temp, TEST_LOCK } from './helpers/cli.js';

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

it(`stops with site-changed when a site beyond the first ${KEPT_MODELS} turns invalid between its check and its write; earlier sites are complete`, async () => {
  const dir = temp();
  generate(join(dir, 'sites'), KEPT_MODELS + 2);
  const last = `site${String(KEPT_MODELS + 1).padStart(3, '0')}`;
  const { code, stderr } = await compileChangingBetweenPhases(dir, () => {
    writeFileSync(join(dir, 'sites', `${last}.yaml`), `site: {name: ${last}}\n`);
  });
  expect(code).toBe(2);
  expect(stderr).toBe(
    `chamicore-compile: error: site-changed: sites/${last}.yaml: the file changed during the run and is no longer valid; run again\n`,
  );
  expect(readdirSync(join(dir, 'out')).filter((n) => !n.startsWith('.')).length).toBe(KEPT_MODELS + 1);
});

it(`renders the first ${KEPT_MODELS} sites from the models their check built, without reading them again`, async () => {
  const dir = temp();
  mkdirSync(join(dir, 'sites'));
  for (const n of ['alps', 'eiger']) writeFileSync(join(dir, 'sites', `${n}.yaml`), readFileSync(join(ROOT, 'sites', `${n}.yaml`)));
  const { code, stderr } = await compileChangingBetweenPhases(dir, () => {
    rmSync(join(dir, 'sites'), { recursive: true });
  });
  expect([code, stderr]).toEqual([0, 'chamicore-compile: 2 sites: 2 written\n']);
  expect(readdirSync(join(dir, 'out')).filter((n) => !n.startsWith('.'))).toEqual(['alps', 'eiger']);
});
