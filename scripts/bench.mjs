// Compile-time benchmark: `npm run bench`. Targets live here, never in a timed unit test.
//   cold: one `chamicore-compile --check sites` process, start to exit (what CI and the
//         pre-commit loop pay), median of 7 runs; target under 1000 ms on 2 cores.
//   warm: compiling all example sites in memory, in one process, median per site; target
//         under 50 ms.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const cold = [];
for (let i = 0; i < 7; i++) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(root, 'dist/bin.js'), '--check', 'sites'], { cwd: root, encoding: 'utf8' });
  cold.push(Number(process.hrtime.bigint() - t) / 1e6);
  if (r.status !== 0) throw new Error(`--check failed: ${r.stdout}${r.stderr}`);
}

const { checkSite, emitCheckedSite } = await import(join(root, 'dist/compile.js'));
const sites = ['alps', 'eiger', 'dev'].map((name) => ({
  file: `sites/${name}.yaml`,
  label: `sites/${name}.yaml`,
  stem: name,
  bytes: readFileSync(join(root, 'sites', `${name}.yaml`)),
}));
const warm = [];
for (let i = 0; i < 30; i++) {
  for (const s of sites) {
    const t = process.hrtime.bigint();
    const c = checkSite(s);
    emitCheckedSite(c.model, s.file, false, undefined);
    warm.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
}
const result = { coldCheckAllSitesMs: median(cold), warmCompileOneSiteMs: median(warm.slice(sites.length)) };
console.log(JSON.stringify(result));
const ok = result.coldCheckAllSitesMs < 1000 && result.warmCompileOneSiteMs < 50;
console.log(ok ? 'within targets' : 'OVER TARGET');
process.exitCode = ok ? 0 : 1;
