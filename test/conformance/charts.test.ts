/**
 * The chamicore service charts of charts/ on their own, as an operator installs one
 * (`helm install smd charts/chamicore-smd -f my-values.yaml`): `helm lint --strict` and `helm
 * template` with the chart's defaults, the objects through `kubeconform -strict` and Kubernetes'
 * Pod Security evaluator at "restricted", `helm package` (what CI publishes), and values the
 * chart's values.schema.json must refuse.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { ROOT } from '../helpers/cli.js';
import { kubeconform, podSecurity, runTool } from '../helpers/tools.js';

const CHARTS = join(ROOT, 'charts');
const SERVICE_CHARTS = readdirSync(CHARTS)
  .filter((n) => n !== 'chamicore-common')
  .sort();
const KUBE = '1.30.0';
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function template(chart: string, args: readonly string[] = []): { code: number | null; stdout: string; stderr: string } {
  return runTool('helm', ['template', 'rel', join(CHARTS, chart), '--namespace', 'ns', '--kube-version', KUBE, ...args]);
}

/** Helm's one warning about the link to the library chart, which it follows as intended. */
const LINK_WARNING = /^walk\.go:\d+: found symbolic link in path: .*chamicore-common.*\n/gm;

describe.each(SERVICE_CHARTS)('%s alone', (chart) => {
  it('helm lint --strict passes with the default values', () => {
    const r = runTool('helm', ['lint', '--strict', join(CHARTS, chart), '--kube-version', KUBE]);
    expect(r.stderr.replace(LINK_WARNING, '')).toBe('');
    expect(r.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it('renders valid objects (kubeconform -strict) that pass Pod Security "restricted"', () => {
    const r = template(chart, ['--set', 'replicaCount=2']);
    expect(r.stderr.replace(LINK_WARNING, '')).toBe('');
    expect(r.code).toBe(0);
    const objects = parseAllDocuments(r.stdout)
      .map((d) => d.toJS() as { kind: string; metadata: { name: string } } | null)
      .filter((o) => o !== null);
    const kinds = objects.map((o) => o.kind).sort();
    const headless = chart === 'chamicore-kea-sync';
    expect(kinds).toEqual(
      ['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'ServiceAccount', ...(headless ? [] : ['Service'])].sort(),
    );
    for (const o of objects) expect(o.metadata.name).toBe(chart);
    const report = kubeconform(KUBE, [], r.stdout);
    expect(report.summary).toEqual({ valid: objects.length, invalid: 0, errors: 0, skipped: 0 });
    expect(podSecurity(r.stdout)).toEqual({ [`Deployment/${chart}`]: [] });
  });

  it('runs the image of its appVersion unless image.tag says otherwise', () => {
    const meta = parse(readFileSync(join(CHARTS, chart, 'Chart.yaml'), 'utf8')) as { appVersion: string };
    expect(template(chart).stdout).toContain(`image: "registry.cscs.ch/openchami/${chart}:v${meta.appVersion}"`);
    expect(template(chart, ['--set-string', 'image.tag=1.10']).stdout).toContain(`image: "registry.cscs.ch/openchami/${chart}:1.10"`);
  });

  it.each([
    ['a malformed toleration', ['--set-json', 'tolerations=[{"operator":"Sometimes"}]'], 'operator'],
    [
      'a selector that would admit every namespace',
      [
        '--set-json',
        'networkPolicy.ingressController.from=[{"namespaceSelector":{"matchLabels":{}},"podSelector":{"matchLabels":{"a":"b"}}}]',
      ],
      'matchLabels',
    ],
    [
      'a peer with no pod selector (every pod of a namespace)',
      ['--set-json', 'networkPolicy.monitoring.from=[{"namespaceSelector":{"matchLabels":{"a":"b"}}}]'],
      'podSelector',
    ],
    ['a caller that is no Chamicore service', ['--set-json', 'networkPolicy.allowedCallers=["evil"]'], 'allowedCallers'],
    ['an unknown key (a security context)', ['--set-json', 'securityContext={"privileged":true}'], 'securityContext'],
    ['a memory limit that is no quantity', ['--set', 'resources.limits.memory=lots'], 'memory'],
  ])('refuses %s', (_what, args, key) => {
    const r = template(chart, args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(key);
  });
});

describe("Kubernetes' Pod Security evaluator", () => {
  it('is live: it refuses a StatefulSet and a CronJob whose pods are not hardened, and finds every workload', () => {
    const pod = 'spec:\n  containers:\n    - name: c\n      image: x';
    const manifests = [
      `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: s\nspec:\n  template:\n    ${pod.replace(/\n/g, '\n    ')}`,
      `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: j\nspec:\n  jobTemplate:\n    spec:\n      template:\n        ${pod.replace(/\n/g, '\n        ')}`,
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c',
    ].join('\n---\n');
    const report = podSecurity(manifests);
    expect(Object.keys(report).sort()).toEqual(['CronJob/j', 'StatefulSet/s']);
    for (const violations of Object.values(report)) {
      expect(violations.join('\n')).toMatch(/allowPrivilegeEscalation != false/);
      expect(violations.join('\n')).toMatch(/runAsNonRoot != true/);
      expect(violations.join('\n')).toMatch(/seccompProfile/);
    }
  });
});

describe('publishing', () => {
  it('helm package makes a chart that holds the library chart and renders the same objects', () => {
    const out = mkdtempSync(join(tmpdir(), 'chamicore-package-'));
    temps.push(out);
    const r = runTool('helm', ['package', join(CHARTS, 'chamicore-smd'), '--destination', out]);
    expect(r.code).toBe(0);
    const meta = parse(readFileSync(join(CHARTS, 'chamicore-smd', 'Chart.yaml'), 'utf8')) as { version: string };
    const tgz = join(out, `chamicore-smd-${meta.version}.tgz`);
    const packaged = runTool('helm', ['template', 'rel', tgz, '--namespace', 'ns', '--kube-version', KUBE]);
    expect(packaged.code).toBe(0);
    expect(packaged.stdout).toBe(template('chamicore-smd').stdout);
  });

  it('the library chart renders nothing on its own and every chart depends on it at its version', () => {
    const common = parse(readFileSync(join(CHARTS, 'chamicore-common', 'Chart.yaml'), 'utf8')) as { type: string; version: string };
    expect(common.type).toBe('library');
    for (const chart of SERVICE_CHARTS) {
      const meta = parse(readFileSync(join(CHARTS, chart, 'Chart.yaml'), 'utf8')) as {
        dependencies: { name: string; version: string; repository: string }[];
      };
      expect(meta.dependencies, chart).toEqual([
        { name: 'chamicore-common', version: common.version, repository: 'file://../chamicore-common' },
      ]);
    }
  });
});
