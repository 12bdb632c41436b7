// Assembles a site's umbrella chart for Helm from a checkout, with no chart registry: a copy of
// out/<site>/helm whose charts/ holds every dependency, unpacked. The chamicore service charts
// (and the library chart each uses) come from this repository's charts/, at exactly the version
// the umbrella pins; the third-party charts (postgresql, nats) from a folder of unpacked charts
// (--charts-from, repeatable: an air-gapped runner's copy, ../shared/charts, .tools/charts), or,
// when none holds them, are pulled with helm from the repository the umbrella names.
//
//   node scripts/assemble-chart.mjs <site helm dir> <target dir> [--charts-from DIR]... [--helm PATH]
//
// The target must not exist. Helm then installs it as it is: `helm upgrade --install chamicore
// <target>` (no `helm dependency build`). Exit 1 with one line naming what is missing or drifted.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function chartMeta(dir) {
  return parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8'));
}

/** A chart folder copied with its links resolved (each service chart links charts/chamicore-common). */
function copyChart(from, to) {
  cpSync(from, to, { recursive: true, dereference: true });
}

/**
 * Builds the assembled chart at `into` from the compiled `siteChart` folder.
 * @param {{ siteChart: string, into: string, chartsFrom?: string[], helm?: string }} options
 * @returns {string[]} what each dependency came from, one line each
 */
export function assembleChart({ siteChart, into, chartsFrom = [], helm = 'helm' }) {
  if (existsSync(into)) throw new Error(`${into} exists: give a folder that does not`);
  const umbrella = chartMeta(siteChart);
  const origins = [];
  mkdirSync(dirname(resolve(into)), { recursive: true });
  try {
    copyChart(siteChart, into);
    mkdirSync(join(into, 'charts'), { recursive: true });
    for (const dep of umbrella.dependencies ?? []) {
      const target = join(into, 'charts', dep.name);
      const own = join(root, 'charts', dep.name);
      if (dep.name.startsWith('chamicore-') && existsSync(join(own, 'Chart.yaml'))) {
        const version = chartMeta(own).version;
        if (version !== dep.version) {
          throw new Error(
            `${dep.name}: the umbrella pins ${dep.version} but charts/${dep.name} is ${version}: recompile the site with this checkout`,
          );
        }
        copyChart(own, target);
        origins.push(`${dep.name} ${dep.version}: charts/${dep.name}`);
        continue;
      }
      const found = chartsFrom.map((d) => join(d, dep.name)).find((d) => existsSync(join(d, 'Chart.yaml')));
      if (found !== undefined) {
        const version = chartMeta(found).version;
        if (version !== dep.version) throw new Error(`${dep.name}: the umbrella pins ${dep.version} but ${found} is ${version}`);
        copyChart(found, target);
        origins.push(`${dep.name} ${dep.version}: ${found}`);
        continue;
      }
      const pull = dep.repository.startsWith('oci://')
        ? ['pull', `${dep.repository}/${dep.name}`, '--version', dep.version, '--untar', '-d', join(into, 'charts')]
        : ['pull', dep.name, '--repo', dep.repository, '--version', dep.version, '--untar', '-d', join(into, 'charts')];
      execFileSync(helm, pull, { stdio: ['ignore', 'ignore', 'inherit'] });
      origins.push(`${dep.name} ${dep.version}: pulled from ${dep.repository}`);
    }
    const extra = readdirSync(join(into, 'charts')).filter((n) => !(umbrella.dependencies ?? []).some((d) => d.name === n));
    if (extra.length > 0) throw new Error(`${siteChart}/charts holds charts the umbrella does not name: ${extra.join(', ')}`);
  } catch (e) {
    rmSync(into, { recursive: true, force: true });
    throw e;
  }
  return origins;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const chartsFrom = [];
  let helm = 'helm';
  const positional = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--charts-from') chartsFrom.push(args[++i]);
    else if (args[i] === '--helm') helm = args[++i];
    else positional.push(args[i]);
  }
  if (positional.length !== 2 || chartsFrom.includes(undefined) || helm === undefined) {
    console.error('usage: node scripts/assemble-chart.mjs <site helm dir> <target dir> [--charts-from DIR]... [--helm PATH]');
    process.exit(2);
  }
  try {
    for (const line of assembleChart({ siteChart: positional[0], into: positional[1], chartsFrom, helm })) console.log(line);
  } catch (e) {
    console.error(`assemble-chart: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
