#!/usr/bin/env node
// The performance benchmark (`npm run bench`): measurements and targets live here, never in a timed
// unit test. It generates N distinct valid sites from the examples in a temporary folder and runs
// each case several times, interleaved with its baseline, through the built CLI (the bundle package.json's bin names).
//   node bench/bench.mjs [--sites 1000] [--runs 5] [--large]     (--large adds 10,000 sites)
// With Kapitan installed (`npm run bench:kapitan`, into .tools/kapitan), it also times Kapitan producing
// the same files. Prints a table and writes bench/results.json.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin['chamicore-compile']);
const AJV = join(root, 'node_modules/ajv-cli/dist/index.js');
const KAPITAN = join(root, '.tools/kapitan/bin/kapitan');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const N = arg('--sites', 1000);
const RUNS = arg('--runs', 5);
const LARGE = process.argv.includes('--large');

const work = mkdtempSync(join(tmpdir(), 'chamicore-bench-'));
const usageFile = join(work, 'usage.json');
// Loaded into measured processes: reports the process's own CPU time and peak RSS at exit.
const preload = join(work, 'usage.mjs');
writeFileSync(
  preload,
  `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => { const u = process.resourceUsage(); writeFileSync(${JSON.stringify(usageFile)}, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKiB: u.maxRSS })); });\n`,
);

/** N distinct valid sites from the examples: own name, domain, ingress host and description. */
function generateSites(n, folder) {
  mkdirSync(folder, { recursive: true });
  const examples = readdirSync(join(root, 'sites'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => parse(readFileSync(join(root, 'sites', f), 'utf8')));
  const width = String(n - 1).length;
  for (let i = 0; i < n; i++) {
    const site = structuredClone(examples[i % examples.length]);
    const name = `site${String(i).padStart(width, '0')}`;
    site.site.name = name;
    site.site.domain = `${name}.example.org`;
    site.site.description = `benchmark site ${i}`;
    if (site.kubernetes?.namespace !== undefined) site.kubernetes.namespace = `chamicore-${name}`;
    if (site.kubernetes?.ingress?.host !== undefined) site.kubernetes.ingress.host = `chamicore.${name}.example.org`;
    writeFileSync(join(folder, `${name}.yaml`), stringify(site));
  }
}

/** Runs a command once (node, unless `command` names another program): wall time, and with `usage` the process's CPU time and peak RSS. */
function once(argv, { cwd = root, usage = false, expect = [0], command = process.execPath } = {}) {
  rmSync(usageFile, { force: true });
  const env = { ...process.env, NODE_OPTIONS: usage ? `--import=${preload}` : '' };
  const t = process.hrtime.bigint();
  const r = spawnSync(command, argv, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - t) / 1e6;
  if (!expect.includes(r.status)) throw new Error(`${argv.join(' ')}: exit ${r.status}\n${r.stderr.slice(0, 2000)}`);
  const measured = usage ? JSON.parse(readFileSync(usageFile, 'utf8')) : {};
  return { wallMs, status: r.status, stderr: r.stderr, ...measured };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A case and its baseline, `runs` times each, interleaved; medians and the ratio. */
function pair(name, caseArgv, baseArgv, options = {}) {
  const c = [];
  const b = [];
  for (let i = 0; i < RUNS; i++) {
    b.push(once(baseArgv, options.base ?? {}));
    c.push(once(caseArgv, options.case ?? {}));
  }
  const caseMs = median(c.map((x) => x.wallMs));
  const baseMs = median(b.map((x) => x.wallMs));
  return {
    name,
    caseMs,
    baseMs,
    ratio: caseMs / baseMs,
    target: options.target,
    refused: c[0].status === 2 ? firstLine(c[0].stderr) : undefined,
  };
}

const firstLine = (text) => text.split('\n').find((l) => l.includes('error')) ?? text.split('\n')[0];

/** Compile of many sites into a fresh folder: wall time, CPU time and peak RSS (median of the runs). */
function many(name, folder, runs, target, outRoot = work) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    const out = join(outRoot, `chamicore-bench-out-${process.pid}-${i}`);
    results.push(once([BIN, folder, '--out', out], { usage: true, expect: [0, 2] }));
    rmSync(out, { recursive: true, force: true });
  }
  const refused = results[0].status === 2 ? firstLine(results[0].stderr) : undefined;
  return {
    name,
    wallMs: median(results.map((r) => r.wallMs)),
    cpuMs: median(results.map((r) => r.cpuMs)),
    maxRssMiB: Math.max(...results.map((r) => r.maxRssKiB)) / 1024,
    target,
    refused,
  };
}

/** Every file under `dir`, as relative path → bytes. */
function tree(dir, prefix = '') {
  const files = new Map();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) for (const [k, v] of tree(join(dir, entry.name), `${rel}/`)) files.set(k, v);
    else files.set(rel, readFileSync(join(dir, entry.name)));
  }
  return files;
}

/**
 * Kapitan producing the same files as a compile of the first `n` sites, against that compile, both
 * into a fresh folder each run. Kapitan is given its least work: one target per site whose inventory
 * holds the site's settings, and whose files come from its `copy` input (a tree compiled by us), so it
 * renders nothing. Its time is a floor; the ratio is Kapitan's time over ours (target: at least 20).
 */
function kapitanCase(n) {
  const folder = join(work, `kapitan-${n}`);
  const sites = join(folder, 'sites');
  const inputs = join(folder, 'inputs');
  mkdirSync(sites, { recursive: true });
  mkdirSync(join(folder, 'inventory/classes'), { recursive: true });
  mkdirSync(join(folder, 'inventory/targets'), { recursive: true });
  const names = readdirSync(sitesDir).sort().slice(0, n);
  for (const file of names) copyFileSync(join(sitesDir, file), join(sites, file));
  once([BIN, sites, '--out', inputs]);
  for (const file of names) {
    const name = file.replace(/\.yaml$/, '');
    const compile = [{ input_type: 'copy', input_paths: [`inputs/${name}`], output_path: '.' }];
    const target = { parameters: { kapitan: { vars: { target: name }, compile }, site: parse(readFileSync(join(sites, file), 'utf8')) } };
    writeFileSync(join(folder, 'inventory/targets', `${name}.yml`), stringify(target));
  }
  const compiled = join(folder, 'compiled');
  const kapitanRun = () => {
    rmSync(compiled, { recursive: true, force: true });
    return once(['compile'], { cwd: folder, command: KAPITAN });
  };
  kapitanRun();
  const ours = tree(inputs);
  const theirs = tree(compiled);
  if (ours.size !== theirs.size || [...ours].some(([k, v]) => !theirs.get(k)?.equals(v)))
    throw new Error(`Kapitan's compiled/ differs from chamicore-compile's out/ for ${n} sites`);
  const k = [];
  const c = [];
  const out = join(folder, 'out');
  for (let i = 0; i < RUNS; i++) {
    k.push(kapitanRun());
    rmSync(out, { recursive: true, force: true });
    c.push(once([BIN, n === 1 ? join(sites, names[0]) : sites, '--out', out]));
  }
  const caseMs = median(c.map((x) => x.wallMs));
  const kapitanMs = median(k.map((x) => x.wallMs));
  return {
    name: `Kapitan producing the same files, ${n === 1 ? 'one site' : `${n} sites`}`,
    caseMs,
    kapitanMs,
    speedup: kapitanMs / caseMs,
    target: 20,
  };
}

const nodeFloor = ['-e', '0'];
const sitesDir = join(work, 'sites');
generateSites(N, sitesDir);
const one = join(sitesDir, readdirSync(sitesDir).sort()[0]);
const cases = [];
cases.push(pair('cold compile of one site', [BIN, one, '--out', join(work, 'out-one')], nodeFloor, { target: 1.5 }));
cases.push(pair('cold validate of one site', [BIN, 'validate', one], nodeFloor, { target: 1.3 }));
cases.push(pair('--help', [BIN, '--help'], nodeFloor, { target: 1.3 }));
cases.push(
  pair(
    `validate of ${N} sites against ajv-cli (YAML read by ajv-cli's js-yaml)`,
    [BIN, 'validate', sitesDir],
    [AJV, 'validate', '--spec=draft2020', '--strict=false', '-s', join(root, 'schema/site.schema.json'), '-d', `${sitesDir}/*.yaml`],
    { target: 1.0, case: { expect: [0, 2] } },
  ),
);
cases.push(pair('--check of the committed sites', [BIN, '--check', 'sites'], nodeFloor, {}));
const kapitan = [];
if (existsSync(KAPITAN)) kapitan.push(kapitanCase(1), kapitanCase(Math.min(100, N)));
else console.error('Kapitan is not installed (npm run bench:kapitan): its comparison is left out.');
const bulk = [many(`compile of ${N} sites`, sitesDir, Math.min(RUNS, 3), { wallMs: 3000, maxRssMiB: 256 })];
// The same into memory (tmpfs), where the disk does not count: what the compiler itself costs.
if (existsSync('/dev/shm'))
  bulk.push(many(`compile of ${N} sites, out/ on tmpfs`, sitesDir, Math.min(RUNS, 3), { wallMs: 3000, maxRssMiB: 256 }, '/dev/shm'));
if (LARGE) {
  const large = join(work, 'sites-10000');
  generateSites(10_000, large);
  bulk.push(many('compile of 10000 sites', large, 1, { wallMs: 11 * bulk[0].wallMs, maxRssMiB: 256 }));
}

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
const ms = (x) => `${Math.round(x)} ms`;
const rows = [
  '| case | chamicore-compile | baseline | ratio | target |',
  '|---|---|---|---|---|',
  ...cases.map(
    (c) =>
      `| ${c.name} | ${c.refused ?? ms(c.caseMs)} | ${ms(c.baseMs)} | ${c.refused ? '-' : `${c.ratio.toFixed(2)}×`} | ${c.target === undefined ? '' : `≤ ${c.target}×`} |`,
  ),
  ...(kapitan.length === 0
    ? []
    : [
        '',
        '| case | chamicore-compile | Kapitan | Kapitan / chamicore-compile | target |',
        '|---|---|---|---|---|',
        ...kapitan.map((c) => `| ${c.name} | ${ms(c.caseMs)} | ${ms(c.kapitanMs)} | ${c.speedup.toFixed(1)}× | ≥ ${c.target}× |`),
      ]),
  '',
  '| case | wall | CPU | peak RSS | target |',
  '|---|---|---|---|---|',
  ...bulk.map((b) =>
    b.refused
      ? `| ${b.name} | refused: ${b.refused} | | | ≤ ${ms(b.target.wallMs)}, ≤ ${b.target.maxRssMiB} MiB |`
      : `| ${b.name} | ${ms(b.wallMs)} | ${ms(b.cpuMs)} | ${b.maxRssMiB.toFixed(0)} MiB | ≤ ${ms(b.target.wallMs)}, ≤ ${b.target.maxRssMiB} MiB |`,
  ),
];
console.log(`${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}; ${RUNS} runs, medians\n`);
console.log(rows.join('\n'));
writeFileSync(join(root, 'bench/results.json'), `${JSON.stringify({ machine, sites: N, runs: RUNS, cases, kapitan, bulk }, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
