/**
 * Every compiled umbrella chart through the real Helm: with the conformance charts of
 * test/conformance/charts standing in for its dependencies (same names and versions), `helm lint`
 * passes, `helm template` accepts the values against each subchart's values.schema.json, the
 * rendered manifests pass `kubeconform -strict`, and the rendered Deployments carry exactly the
 * images, replicas and environment the site asked for.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { renderText } from '../../src/model/build-model.js';
import type { SiteModel } from '../../src/model/site-model.js';
import { compileInto, HOSTILE_SITE, removeTemps, ROOT, temp } from '../helpers/cli.js';
import { realSiteModel, siteModel, SITE_NAMES } from '../helpers/sites.js';
import { kubeconform, runTool, toolPath } from '../helpers/tools.js';

const CHARTS = join(ROOT, 'test/conformance/charts');

interface Dependency {
  name: string;
  version: string;
  repository: string;
}

/**
 * A copy of a compiled helm/ folder whose charts/ holds the conformance chart of every dependency,
 * at the version the umbrella pins.
 */
function assemble(helmDir: string): string {
  const chart = join(temp('chamicore-helm-'), 'chart');
  cpSync(helmDir, chart, { recursive: true });
  const deps = (parse(readFileSync(join(chart, 'Chart.yaml'), 'utf8')) as { dependencies: Dependency[] }).dependencies;
  for (const dep of deps) {
    const target = join(chart, 'charts', dep.name);
    cpSync(join(CHARTS, dep.name), target, { recursive: true });
    const chartYaml = join(target, 'Chart.yaml');
    const text = readFileSync(chartYaml, 'utf8');
    expect(text).toMatch(/^version: 0\.0\.0$/m);
    writeFileSync(chartYaml, text.replace(/^version: 0\.0\.0$/m, `version: ${JSON.stringify(dep.version)}`));
  }
  return chart;
}

/** Kubernetes' expansion of `$(VAR)` in an env value (defined variables only), `$$` → `$`. */
function kubeExpand(value: string, defined: ReadonlyMap<string, string>): string {
  let out = '';
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i]!;
    if (c !== '$' || i + 1 === value.length) {
      out += c;
      continue;
    }
    const next = value[i + 1]!;
    if (next === '$') {
      out += '$';
      i += 1;
    } else if (next === '(' && value.indexOf(')', i + 2) >= 0) {
      const close = value.indexOf(')', i + 2);
      const name = value.slice(i + 2, close);
      out += defined.get(name) ?? `$(${name})`;
      i = close;
    } else {
      out += `$${next}`;
      i += 1;
    }
  }
  return out;
}

interface Rendered {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
}

interface Container {
  image: string;
  env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
}

/** The environment a container sees: plain values after Kubernetes expansion, secret refs as `secret:<name>/<key>`. */
function containerEnv(container: Container): Map<string, string> {
  const env = new Map<string, string>();
  for (const e of container.env) {
    if (e.valueFrom !== undefined) env.set(e.name, `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`);
    else env.set(e.name, kubeExpand(e.value ?? '', env));
  }
  return env;
}

/** What the compiler means each enabled service's container to get. */
function intendedServices(model: SiteModel): Map<string, { image: string; replicas: number; env: Map<string, string> }> {
  const out = new Map<string, { image: string; replicas: number; env: Map<string, string> }>();
  for (const s of model.services.filter((x) => x.enabled)) {
    const env = new Map<string, string>();
    for (const e of s.env) {
      env.set(e.name, e.value.kind === 'text' ? renderText(e.value, 'helm') : `secret:${model.name}-${e.value.group}/${e.value.key}`);
    }
    out.set(s.info.chart, { image: `${s.image.registry}/${s.image.repository}:${s.image.tag}`, replicas: s.replicas, env });
  }
  return out;
}

function helmTemplate(chart: string, model: SiteModel): string {
  const r = runTool('helm', ['template', 'chamicore', chart, '--namespace', model.namespace, '--kube-version', model.kubernetesVersion]);
  if (r.code !== 0) throw new Error(`helm template failed (${String(r.code)}): ${r.stderr}`);
  return r.stdout;
}

function renderedObjects(manifests: string): Rendered[] {
  // Helm and Kubernetes read YAML with go-yaml v2 rules, close to YAML 1.1.
  return parseAllDocuments(manifests, { version: '1.1' })
    .map((d) => d.toJS() as Rendered | null)
    .filter((d): d is Rendered => d !== null);
}

interface Case {
  name: string;
  model: SiteModel;
  helmDir: () => string;
  siteFile: string;
}

let hostileOut = '';
beforeAll(() => {
  toolPath('helm');
  toolPath('kubeconform');
  hostileOut = compileInto([HOSTILE_SITE]);
});
afterAll(removeTemps);

const cases: Case[] = [
  ...SITE_NAMES.filter((s) => realSiteModel(s).targets.helm).map((s) => ({
    name: s,
    model: realSiteModel(s),
    helmDir: () => join(ROOT, 'out', s, 'helm'),
    siteFile: join(ROOT, 'sites', `${s}.yaml`),
  })),
  { name: 'hostile', model: siteModel(HOSTILE_SITE, 'hostile'), helmDir: () => join(hostileOut, 'hostile/helm'), siteFile: HOSTILE_SITE },
];

describe.each(cases)('helm: $name', ({ model, helmDir, siteFile }) => {
  let chart = '';
  let objects: Rendered[] = [];
  beforeAll(() => {
    chart = assemble(helmDir());
    objects = renderedObjects(helmTemplate(chart, model));
  });

  it('helm lint --strict passes', () => {
    const r = runTool('helm', ['lint', '--strict', chart, '--namespace', model.namespace, '--kube-version', model.kubernetesVersion]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(r.code).toBe(0);
  });

  it('the rendered manifests pass kubeconform -strict', () => {
    const manifests = helmTemplate(chart, model);
    const report = kubeconform(model.kubernetesVersion, [], manifests);
    const enabled = model.services.filter((s) => s.enabled);
    const expected =
      enabled.length * 2 +
      enabled.filter((s) => s.info.port !== undefined).length +
      (model.database.mode === 'bundled' ? 1 : 0) +
      (model.events.enabled && model.events.mode === 'bundled' ? 1 : 0);
    expect(report.summary).toEqual({ valid: expected, invalid: 0, errors: 0, skipped: 0 });
    expect(objects.length).toBe(expected);
    for (const o of objects) expect(o.metadata.namespace).toBe(model.namespace);
  });

  it('the Deployments carry exactly the intended images, replicas and environment', () => {
    const intended = intendedServices(model);
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...intended.keys()].sort());
    for (const d of deployments) {
      const want = intended.get(d.metadata.name)!;
      const spec = d.spec as { replicas: number; template: { spec: { containers: Container[] } } };
      const [container] = spec.template.spec.containers;
      expect(spec.replicas, d.metadata.name).toBe(want.replicas);
      expect(container!.image, d.metadata.name).toBe(want.image);
      expect(Object.fromEntries(containerEnv(container!)), d.metadata.name).toEqual(Object.fromEntries(want.env));
    }
  });

  it('what the site file states literally arrives literally', () => {
    const site = parse(readFileSync(siteFile, 'utf8')) as {
      images?: { tag?: string };
      services?: Record<string, { replicas?: number; env?: Record<string, string> }>;
    };
    const deployments = new Map(objects.filter((o) => o.kind === 'Deployment').map((d) => [d.metadata.name, d]));
    let checked = 0;
    for (const [svc, conf] of Object.entries(site.services ?? {})) {
      const d = deployments.get(`chamicore-${svc}`);
      if (d === undefined) continue;
      const spec = d.spec as { replicas: number; template: { spec: { containers: Container[] } } };
      const container = spec.template.spec.containers[0]!;
      if (conf.replicas !== undefined) expect(spec.replicas).toBe(conf.replicas);
      if (site.images?.tag !== undefined) expect(container.image.endsWith(`:${site.images.tag}`)).toBe(true);
      const env = containerEnv(container);
      for (const [k, v] of Object.entries(conf.env ?? {})) {
        expect(env.get(k), k).toBe(v);
        checked += 1;
      }
    }
    if (siteFile === HOSTILE_SITE) {
      expect(checked).toBeGreaterThan(25);
      const smd = deployments.get('chamicore-smd')!.spec as { template: { spec: { containers: Container[] } } };
      const container = smd.template.spec.containers[0]!;
      expect(container.image).toBe('registry.cscs.ch/openchami/chamicore-smd:1.10');
      expect(containerEnv(container).get('NORWAY')).toBe('no');
      expect(containerEnv(container).get('OCTAL')).toBe('0777');
    }
  });
});

describe('the conformance charts', () => {
  it('stand in for every dependency the compiler pins, and nothing else', () => {
    const deps = (parse(readFileSync(join(ROOT, 'out/alps/helm/Chart.yaml'), 'utf8')) as { dependencies: Dependency[] }).dependencies;
    const charts = deps.map((d) => d.name).sort();
    // @ts-expect-error: a plain ES module without type declarations
    return import('./values-contract.mjs').then((m: { contractCharts: () => { name: string }[] }) => {
      expect(
        m
          .contractCharts()
          .map((c) => c.name)
          .sort(),
      ).toEqual(charts);
    });
  });

  it('reject values that break the contract (a number where a string is due)', () => {
    const chart = assemble(join(ROOT, 'out/alps/helm'));
    const values = join(chart, 'values.yaml');
    writeFileSync(values, readFileSync(values, 'utf8').replace('CHAMICORE_AUTH_LOG_LEVEL: info', 'CHAMICORE_AUTH_LOG_LEVEL: 1.10'));
    const r = runTool('helm', ['template', 'chamicore', chart, '--kube-version', '1.30.0']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('CHAMICORE_AUTH_LOG_LEVEL');
  });
});
