/**
 * Every compiled umbrella chart through the real Helm, with the real third-party subcharts of
 * ../shared/charts (Bitnami postgresql 16.7.27 with common 2.31.4, nats-io nats 1.3.7) and the
 * chamicore service charts of charts/, assembled as the deploy path does: `helm lint --strict`,
 * `helm template --kube-version <site's>` (values.schema.json included), the rendered objects
 * through `kubeconform -strict` and Kubernetes' Pod Security evaluator at "restricted", and
 * Bitnami's install-time check (NOTES.txt, which `helm template` skips). The release must pull
 * exactly the intended images, read every password from a Secret the compiler writes by a key it
 * has, name no two objects alike, route the Ingress to Services that exist, admit exactly the
 * callers of reference §5, and give every service its account, probes, budget and resources.
 */
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { renderText } from '../../src/model/text-values.js';
import type { SchedulingModel, SiteModel } from '../../src/model/site-model.js';
import { cli, compileInto, HOSTILE_SITE, removeTemps, ROOT, temp } from '../helpers/cli.js';
import { realSiteModel, siteModel, SITE_NAMES } from '../helpers/sites.js';
import { kubeconform, kubeScoreCriticals, podSecurity, runTool, toolPath } from '../helpers/tools.js';
import { assembleChart } from '../../scripts/assemble-chart.mjs';

const CHARTS = join(ROOT, 'charts');
/** The real third-party charts: beside the project (read-only), or as `npm run tools` pulled them. */
const REAL_CHARTS = existsSync(join(ROOT, '..', 'shared', 'charts'))
  ? join(ROOT, '..', 'shared', 'charts')
  : join(ROOT, '.tools', 'charts');
const AIRGAP_SITE = join(ROOT, 'test/conformance/sites/airgap.yaml');

interface Dependency {
  name: string;
  version: string;
  repository: string;
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) makeWritable(p);
    else chmodSync(p, 0o644);
  }
}

/**
 * The compiled helm/ folder assembled as the deploy path does (scripts/assemble-chart.mjs): the
 * chamicore charts of charts/ and the real postgresql and nats charts. Bitnami's NOTES.txt becomes
 * a template of its own so `helm template` evaluates its checks.
 */
function assemble(helmDir: string): string {
  const chart = join(temp('chamicore-helm-'), 'chart');
  assembleChart({ siteChart: helmDir, into: chart, chartsFrom: [REAL_CHARTS], helm: toolPath('helm') });
  for (const name of readdirSync(join(chart, 'charts'))) {
    const target = join(chart, 'charts', name);
    makeWritable(target);
    if (existsSync(join(target, 'templates/NOTES.txt'))) exposeNotes(target);
  }
  return chart;
}

/** NOTES.txt as a ConfigMap the subchart renders, so its install-time checks run under `helm template`. */
function exposeNotes(chartDir: string): void {
  const notes = readFileSync(join(chartDir, 'templates/NOTES.txt'), 'utf8');
  writeFileSync(join(chartDir, 'templates/_notes-check.tpl'), `{{- define "chamicore.notes-check" -}}\n${notes}\n{{- end -}}\n`);
  writeFileSync(
    join(chartDir, 'templates/notes-check.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ printf "%s-notes-check" .Chart.Name }}\ndata:\n  notes: {{ include "chamicore.notes-check" . | toJson }}\n',
  );
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
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: unknown };
}

interface Container {
  name: string;
  image: string;
  env?: EnvEntry[];
  volumeMounts?: { name: string; mountPath: string; subPath?: string }[];
}

interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  imagePullSecrets?: { name: string }[];
  volumes?: { name: string; secret?: { secretName: string; items?: { key: string }[] } }[];
}

/**
 * Every Secret key a container reads: `secretKeyRef`s, and files of mounted Secret volumes named
 * by a `*_FILE` variable (how Bitnami reads its passwords), as `VARIABLE → secret:<name>/<key>`.
 */
function secretReads(pod: PodSpec, container: Container): Map<string, string> {
  const reads = new Map<string, string>();
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    if (ref !== undefined) reads.set(e.name, `secret:${ref.name}/${ref.key}`);
    if (e.name.endsWith('_FILE') && e.value !== undefined) {
      for (const m of container.volumeMounts ?? []) {
        const secret = pod.volumes?.find((v) => v.name === m.name)?.secret;
        const dir = m.mountPath.endsWith('/') ? m.mountPath : `${m.mountPath}/`;
        if (secret === undefined || !e.value.startsWith(dir)) continue;
        reads.set(e.name, `secret:${secret.secretName}/${m.subPath ?? e.value.slice(dir.length)}`);
      }
    }
  }
  return reads;
}

/** The environment a container sees: plain values after Kubernetes expansion, secret refs as `secret:<name>/<key>`. */
function containerEnv(container: Container): Map<string, string> {
  const env = new Map<string, string>();
  for (const e of container.env ?? []) {
    if (e.valueFrom?.secretKeyRef !== undefined) env.set(e.name, `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`);
    else if (e.valueFrom === undefined) env.set(e.name, kubeExpand(e.value ?? '', env));
  }
  return env;
}

/** What the compiler means each enabled service's container to get. */
/** An image as a pod runs it: by digest when the site pins one (the charts drop the tag then), else by tag. */
function ref(i: { registry: string; repository: string; tag: string; digest?: string }): string {
  return i.digest !== undefined ? `${i.registry}/${i.repository}@${i.digest}` : `${i.registry}/${i.repository}:${i.tag}`;
}

function intendedServices(model: SiteModel): Map<string, { image: string; replicas: number; env: Map<string, string> }> {
  const out = new Map<string, { image: string; replicas: number; env: Map<string, string> }>();
  for (const s of model.services.filter((x) => x.enabled)) {
    const env = new Map<string, string>();
    for (const e of s.env) {
      env.set(e.name, e.value.kind === 'text' ? renderText(e.value, 'helm') : `secret:${model.name}-${e.value.group}/${e.value.key}`);
    }
    out.set(s.info.chart, { image: ref(s.image), replicas: s.replicas, env });
  }
  return out;
}

/** Every image the release should run, and nothing else: Chamicore's and the bundled charts' enabled containers. */
function intendedImages(model: SiteModel): string[] {
  const images = model.services.filter((s) => s.enabled).map((s) => ref(s.image));
  if (model.database.mode === 'bundled') images.push(ref(model.database.images['image']!));
  // The exporter a site may turn on through database.values: the pinned (and mirrored) image.
  const metrics = (model.database.values as { metrics?: { enabled?: boolean } }).metrics;
  if (model.database.mode === 'bundled' && metrics?.enabled === true) images.push(ref(model.database.images['metrics.image']!));
  if (model.events.enabled && model.events.mode === 'bundled') {
    images.push(ref(model.events.images['container.image']!), ref(model.events.images['reloader.image']!));
  }
  return [...new Set(images)].sort();
}

/** Where a third-party image may come from: docker.io as Bitnami and NATS still serve it, or the site's mirror. */
function thirdPartyOrigin(model: SiteModel): RegExp {
  if (model.images.mirror !== undefined) return new RegExp(`^${model.images.mirror.replace(/[.]/g, '\\.')}/`);
  return /^docker\.io\/(bitnamilegacy\/(postgresql|os-shell|postgres-exporter)|library\/nats|natsio\/[a-z-]+):/;
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

function podSpecs(objects: readonly Rendered[]): { owner: string; pod: PodSpec }[] {
  return objects
    .filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind))
    .map((o) => ({ owner: `${o.kind}/${o.metadata.name}`, pod: (o.spec as { template: { spec: PodSpec } }).template.spec }));
}

/** The compiled Secrets of a site: name → keys. */
function compiledSecrets(secretsDir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!existsSync(secretsDir)) return out;
  for (const f of readdirSync(secretsDir)) {
    const s = parse(readFileSync(join(secretsDir, f), 'utf8')) as { metadata: { name: string }; stringData: Record<string, string> };
    out.set(s.metadata.name, Object.keys(s.stringData));
  }
  return out;
}

interface NetworkPolicySpec {
  podSelector: { matchLabels: Record<string, string> };
  policyTypes: string[];
  ingress?: {
    from?: { podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: { matchLabels?: Record<string, string> } }[];
  }[];
}

/**
 * Who calls whom (reference §5, stated here on its own so the charts cannot grade themselves):
 * every service validates tokens with auth's JWKS (discovery also reads device credentials), SMD
 * is the hub that bss, cloud-init, kea-sync, discovery, power, the UI and MCP read, and the UI and
 * MCP call the other APIs. The UI and MCP are called by people, through the ingress only.
 */
const REFERENCE_CALLERS: Readonly<Record<string, readonly string[]>> = {
  auth: ['smd', 'bss', 'cloud-init', 'kea-sync', 'ui', 'discovery', 'power', 'mcp'].map((s) => `chamicore-${s}`),
  smd: ['bss', 'cloud-init', 'kea-sync', 'ui', 'discovery', 'power', 'mcp'].map((s) => `chamicore-${s}`),
  bss: ['chamicore-ui', 'chamicore-mcp'],
  'cloud-init': ['chamicore-ui', 'chamicore-mcp'],
  discovery: ['chamicore-ui', 'chamicore-mcp'],
  power: ['chamicore-ui', 'chamicore-mcp'],
  'kea-sync': [],
  ui: [],
  mcp: [],
};

/** The Chamicore services (of release `chamicore`) a policy's pod selectors admit. */
function admittedCallers(policy: NetworkPolicySpec): string[] {
  return (policy.ingress ?? [])
    .flatMap((r) => r.from ?? [])
    .filter((f) => f.namespaceSelector === undefined)
    .map((f) => {
      const labels = f.podSelector?.matchLabels ?? {};
      expect(labels['app.kubernetes.io/instance'], 'a caller of this release only').toBe('chamicore');
      return labels['app.kubernetes.io/name'] ?? '(any pod)';
    });
}

/** A Kubernetes quantity in base units (cores, bytes). */
function quantity(q: string): number {
  const m = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(q);
  if (m === null) throw new Error(`not a quantity: ${q}`);
  const scale: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
  return Number(m[1]) * (m[2] === undefined ? 1 : scale[m[2]]!);
}

interface Case {
  name: string;
  model: SiteModel;
  siteDir: () => string;
  siteFile: string;
}

/** A site from `init` for each environment, as a new operator starts one. */
const INIT_SITES = (() => {
  const dir = join(temp('chamicore-init-'), 'sites');
  return (['production', 'staging', 'development'] as const).map((environment) => {
    const name = `init-${environment}`;
    const r = cli(['init', name, '--environment', environment, '--sites-dir', dir]);
    if (r.code !== 0) throw new Error(`init ${environment} failed: ${r.stderr}`);
    return { name, file: join(dir, `${name}.yaml`) };
  });
})();

let fixturesOut = '';
beforeAll(() => {
  toolPath('helm');
  toolPath('kubeconform');
  toolPath('kube-score');
  toolPath('readers');
  fixturesOut = compileInto([HOSTILE_SITE, AIRGAP_SITE, ...INIT_SITES.map((x) => x.file)]);
});
afterAll(removeTemps);

const cases: Case[] = [
  ...SITE_NAMES.filter((s) => realSiteModel(s).targets.helm).map((s) => ({
    name: s,
    model: realSiteModel(s),
    siteDir: () => join(ROOT, 'out', s),
    siteFile: join(ROOT, 'sites', `${s}.yaml`),
  })),
  { name: 'hostile', model: siteModel(HOSTILE_SITE, 'hostile'), siteDir: () => join(fixturesOut, 'hostile'), siteFile: HOSTILE_SITE },
  { name: 'airgap', model: siteModel(AIRGAP_SITE, 'airgap'), siteDir: () => join(fixturesOut, 'airgap'), siteFile: AIRGAP_SITE },
  ...INIT_SITES.map((x) => ({
    name: x.name,
    model: siteModel(x.file, x.name),
    siteDir: () => join(fixturesOut, x.name),
    siteFile: x.file,
  })),
];

describe.each(cases)('helm: $name', ({ model, siteDir, siteFile }) => {
  let chart = '';
  let manifests = '';
  let objects: Rendered[] = [];
  beforeAll(() => {
    chart = assemble(join(siteDir(), 'helm'));
    manifests = helmTemplate(chart, model);
    objects = renderedObjects(manifests);
  });

  it('helm lint --strict passes', () => {
    const r = runTool('helm', ['lint', '--strict', chart, '--namespace', model.namespace, '--kube-version', model.kubernetesVersion]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(r.code).toBe(0);
  });

  it('the rendered manifests pass kubeconform -strict', () => {
    const report = kubeconform(model.kubernetesVersion, [], manifests);
    expect(report.summary).toEqual({ valid: objects.length, invalid: 0, errors: 0, skipped: 0 });
    const kinds = new Set(objects.map((o) => o.kind));
    if (model.database.mode === 'bundled') expect(kinds).toContain('StatefulSet');
    for (const o of objects) expect(o.metadata.namespace ?? model.namespace, `${o.kind}/${o.metadata.name}`).toBe(model.namespace);
  });

  it("Bitnami's install-time image check (NOTES.txt) passes", () => {
    const notes = objects.filter((o) => o.metadata.name.endsWith('-notes-check'));
    expect(notes.length).toBe(model.database.mode === 'bundled' ? 1 : 0);
    for (const n of notes) expect(n.data?.['notes'] ?? '').not.toContain('ERROR');
  });

  it('pulls exactly the intended images, those bom.yaml lists, third-party ones from docker.io as still served or from the mirror', () => {
    const rendered = podSpecs(objects).flatMap(({ pod }) => [...pod.containers, ...(pod.initContainers ?? [])].map((c) => c.image));
    expect([...new Set(rendered)].sort()).toEqual(intendedImages(model));
    // The bill of materials the compiler wrote beside the chart lists exactly these, and every chart the umbrella pulls.
    const bom = parse(readFileSync(join(siteDir(), 'bom.yaml'), 'utf8')) as {
      charts: { name: string; version: string; repository: string }[];
      images: { image: string; usedBy: string[] }[];
    };
    expect(bom.images.filter((i) => i.usedBy.includes('helm')).map((i) => i.image)).toEqual([...new Set(rendered)].sort());
    const umbrella = parse(readFileSync(join(siteDir(), 'helm/Chart.yaml'), 'utf8')) as {
      dependencies: { name: string; version: string; repository: string }[];
    };
    expect(bom.charts).toEqual(
      expect.arrayContaining(
        umbrella.dependencies.map((d) => expect.objectContaining({ name: d.name, version: d.version, repository: d.repository })),
      ),
    );
    expect(bom.charts).toHaveLength(umbrella.dependencies.length);
    // helm dependency build fetched exactly those charts (the assembled chart holds one of each).
    expect(readdirSync(join(chart, 'charts')).sort()).toEqual(bom.charts.map((c) => c.name).sort());
    const chamicore = `${model.images.registry}/`;
    for (const image of rendered) {
      if (model.services.some((s) => image === ref(s.image))) continue;
      expect(image.startsWith(chamicore) && !model.images.mirror, image).toBe(false);
      expect(image, image).toMatch(thirdPartyOrigin(model));
    }
    for (const { owner, pod } of podSpecs(objects)) {
      expect(
        (pod.imagePullSecrets ?? []).map((p) => p.name),
        owner,
      ).toEqual(model.imagePullSecrets);
    }
  });

  it('every secret a pod reads is a key of a Secret the compiler writes; the database and NATS take theirs from them', () => {
    const secrets = compiledSecrets(join(siteDir(), 'secrets'));
    let refs = 0;
    for (const { owner, pod } of podSpecs(objects)) {
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        for (const [variable, ref] of secretReads(pod, c)) {
          refs += 1;
          const [name, key] = ref.slice('secret:'.length).split('/') as [string, string];
          expect(secrets.get(name), `${owner} ${variable} → ${ref}`).toContain(key);
        }
      }
      for (const v of pod.volumes ?? []) {
        if (v.secret !== undefined) {
          expect(secrets.has(v.secret.secretName), `${owner} volume ${v.name}`).toBe(true);
        }
      }
    }
    expect(refs).toBeGreaterThan(0);
    const reads = (kind: string, name: string): { env: Map<string, string>; secrets: Map<string, string> } => {
      const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
      expect(o, `${kind}/${name}`).toBeDefined();
      const pod = (o!.spec as { template: { spec: PodSpec } }).template.spec;
      return { env: containerEnv(pod.containers[0]!), secrets: secretReads(pod, pod.containers[0]!) };
    };
    if (model.database.mode === 'bundled') {
      const pg = reads('StatefulSet', 'chamicore-postgresql');
      expect(pg.secrets.get('POSTGRES_PASSWORD_FILE')).toBe(`secret:${model.name}-db/password`);
      expect(pg.secrets.get('POSTGRES_POSTGRES_PASSWORD_FILE')).toBe(`secret:${model.name}-db/postgres-password`);
      expect(pg.env.get('POSTGRES_USER')).toBe(model.database.user);
    }
    if (model.events.enabled && model.events.mode === 'bundled') {
      expect(reads('StatefulSet', 'chamicore-nats').secrets.get('NATS_TOKEN')).toBe(`secret:${model.name}-nats/token`);
      const conf = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'chamicore-nats-config')?.data?.['nats.conf'] ?? '';
      expect(conf).toMatch(/"token": \$NATS_TOKEN/);
    }
  });

  it('every workload passes Pod Security "restricted" (Kubernetes\' own evaluator)', () => {
    const report = podSecurity(manifests);
    expect(Object.keys(report).sort()).toEqual(
      podSpecs(objects)
        .map((p) => p.owner)
        .sort(),
    );
    for (const [owner, violations] of Object.entries(report)) expect(violations, owner).toEqual([]);
  });

  it("the site's scheduling reaches every pod of the release, each workload with its own keys over the site's", () => {
    const intended = new Map<string, SchedulingModel>([
      ...model.services.filter((x) => x.enabled).map((x) => [`Deployment/${x.info.chart}`, x.scheduling] as const),
      ['StatefulSet/chamicore-postgresql', model.database.scheduling],
      ['StatefulSet/chamicore-nats', model.events.scheduling],
    ]);
    const pods = podSpecs(objects);
    expect(pods.length).toBeGreaterThan(0);
    for (const { owner, pod } of pods) {
      const want = intended.get(owner);
      expect(want, owner).toBeDefined();
      const spec = pod as unknown as Record<string, unknown>;
      expect(spec['nodeSelector'], `${owner} nodeSelector`).toEqual(want!.nodeSelector);
      expect(spec['tolerations'], `${owner} tolerations`).toEqual(want!.tolerations);
      expect(spec['priorityClassName'], `${owner} priorityClassName`).toEqual(want!.priorityClassName);
      if (want!.affinity !== undefined) expect(spec['affinity'], `${owner} affinity`).toEqual(want!.affinity);
    }
    if (model.name === 'eiger') {
      // The example states scheduling for all, and smd's own anti-affinity.
      expect(intended.get('Deployment/chamicore-auth')!.priorityClassName).toBe('chamicore-management');
      expect(intended.get('StatefulSet/chamicore-nats')!.tolerations).toHaveLength(1);
      expect(intended.get('Deployment/chamicore-smd')!.affinity).toBeDefined();
    }
  });

  it('kube-score finds nothing critical but the findings the README explains', () => {
    const explained = (finding: string): boolean =>
      // Immutable version tags, pulled once: Always would make every restart depend on the registry.
      / container-image-pull-policy$/.test(finding) ||
      // Bitnami's PostgreSQL image runs as its own uid/gid 1001, which its scripts expect.
      finding === 'StatefulSet/chamicore-postgresql container-security-context-user-group-id' ||
      // `latest` is refused in production (prod-latest-tag); development sites may follow it.
      (model.environment === 'development' && / container-image-tag$/.test(finding));
    const criticals = kubeScoreCriticals(manifests, model.namespace);
    expect(criticals.filter((f) => !explained(f))).toEqual([]);
    expect(criticals.length, 'kube-score ran and scored the workloads').toBeGreaterThan(0);
  });

  it('each Chamicore service admits exactly the callers of reference §5, and every URL a service is given is admitted', () => {
    const policies = new Map(
      objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name, o.spec as unknown as NetworkPolicySpec]),
    );
    for (const s of model.services.filter((x) => x.enabled)) {
      const policy = policies.get(s.info.chart);
      expect(policy, `NetworkPolicy/${s.info.chart}`).toBeDefined();
      expect(policy!.policyTypes).toEqual(['Ingress']);
      expect(policy!.podSelector.matchLabels['app.kubernetes.io/name']).toBe(s.info.chart);
      expect(admittedCallers(policy!).sort(), s.info.chart).toEqual([...(REFERENCE_CALLERS[s.id] ?? [])].sort());
      // Peers of other namespaces: exactly the site's ingress controller (routed services, with an
      // Ingress) and its metrics scraper, with the site's labels alone (never merged with a default).
      const outside = (policy!.ingress ?? []).flatMap((r) => r.from ?? []).filter((f) => f.namespaceSelector !== undefined);
      const peer = (p: { namespace: string; podLabels: Readonly<Record<string, string>> }) => ({
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': p.namespace } },
        podSelector: { matchLabels: { ...p.podLabels } },
      });
      const routed = model.ingress?.enabled === true && s.info.routes.length > 0 && s.info.port !== undefined;
      const expected = [
        ...(routed ? [peer(model.ingress.controller)] : []),
        ...(model.monitoring !== undefined && s.info.port !== undefined ? [peer(model.monitoring)] : []),
      ];
      expect(outside, `${s.info.chart} peers of other namespaces`).toEqual(expected);
    }
    // The example sites state both: alps a scraper, airgap another ingress controller.
    if (model.name === 'alps') expect(model.monitoring?.podLabels).toEqual({ 'app.kubernetes.io/name': 'prometheus' });
    if (model.name === 'airgap') expect(model.ingress?.controller.namespace).toBe('kube-system');
    // Every in-cluster call a service is configured to make is let through by the callee's policy.
    for (const d of objects.filter((o) => o.kind === 'Deployment')) {
      const pod = (d.spec as { template: { spec: PodSpec } }).template.spec;
      for (const value of containerEnv(pod.containers[0]!).values()) {
        for (const m of value.matchAll(/https?:\/\/(chamicore-[a-z-]+):[0-9]+/g)) {
          const callee = policies.get(m[1]!);
          if (callee === undefined) continue;
          expect(admittedCallers(callee), `${d.metadata.name} → ${m[1]!}`).toContain(d.metadata.name);
        }
      }
    }
  });

  it('the bundled PostgreSQL admits only the Chamicore services with a database', () => {
    const pg = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'chamicore-postgresql');
    if (model.database.mode !== 'bundled') {
      expect(pg).toBeUndefined();
      return;
    }
    const spec = pg!.spec as unknown as NetworkPolicySpec;
    const peers = (spec.ingress ?? []).flatMap((r) => r.from ?? []);
    expect(peers.length).toBeGreaterThan(0);
    for (const p of peers) expect(p.namespaceSelector, 'no other namespace').toBeUndefined();
    const admits = (labels: Record<string, string>): boolean =>
      peers.some((p) => Object.entries(p.podSelector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v));
    for (const d of objects.filter((o) => o.kind === 'Deployment')) {
      const labels = (d.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
      const service = model.services.find((s) => s.info.chart === d.metadata.name)!;
      expect(admits(labels), d.metadata.name).toBe(service.info.dbSchema !== undefined);
    }
  });

  it('a PodDisruptionBudget covers every service with 2 or more replicas, and only those', () => {
    const pdbs = new Map(
      objects
        .filter((o) => o.kind === 'PodDisruptionBudget')
        .map((o) => [o.metadata.name, o.spec as { maxUnavailable: number; selector: { matchLabels: Record<string, string> } }]),
    );
    for (const s of model.services.filter((x) => x.enabled)) {
      const pdb = pdbs.get(s.info.chart);
      if (s.replicas < 2) {
        expect(pdb, s.info.chart).toBeUndefined();
        continue;
      }
      expect(pdb?.maxUnavailable, s.info.chart).toBe(1);
      expect(pdb?.selector.matchLabels['app.kubernetes.io/name']).toBe(s.info.chart);
    }
  });

  it('every Chamicore pod runs as its own ServiceAccount, without a token, spread across nodes, with probes and bounded resources', () => {
    const accounts = new Map(
      objects
        .filter((o) => o.kind === 'ServiceAccount')
        .map((o) => [o.metadata.name, o as unknown as { automountServiceAccountToken?: boolean }]),
    );
    for (const d of objects.filter((o) => o.kind === 'Deployment')) {
      const pod = (d.spec as { template: { spec: PodSpec & Record<string, unknown> } }).template.spec;
      const name = d.metadata.name;
      expect(pod['serviceAccountName'], name).toBe(name);
      expect(pod['automountServiceAccountToken'], name).toBe(false);
      expect(accounts.get(name)?.automountServiceAccountToken, name).toBe(false);
      expect(pod['topologySpreadConstraints'], name).toEqual([
        {
          maxSkew: 1,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': 'chamicore' } },
        },
      ]);
      const c = pod.containers[0]! as Container & Record<string, { httpGet?: { path: string; port: string } } | undefined>;
      const service = model.services.find((s) => s.info.chart === name)!;
      if (service.info.port === undefined) {
        expect(c['readinessProbe'], name).toBeUndefined();
      } else {
        expect(c['startupProbe']?.httpGet, name).toEqual({ path: '/health', port: 'http' });
        expect(c['readinessProbe']?.httpGet, name).toEqual({ path: '/readiness', port: 'http' });
        expect(c['livenessProbe']?.httpGet, name).toEqual({ path: '/health', port: 'http' });
      }
      const r = (c as unknown as { resources: { requests: Record<string, string>; limits: Record<string, string> } }).resources;
      for (const kind of ['cpu', 'memory', 'ephemeral-storage']) {
        expect(r.requests[kind], `${name} requests.${kind}`).toBeDefined();
        expect(r.limits[kind], `${name} limits.${kind}`).toBeDefined();
        expect(quantity(r.requests[kind]!), `${name} ${kind}: request within limit`).toBeLessThanOrEqual(quantity(r.limits[kind]!));
      }
    }
  });

  it('no two objects share a kind and name', () => {
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names.length).toBe(new Set(names).size);
  });

  it('the Ingress routes the host to Services that exist, with the intended TLS, class and issuer', () => {
    const ingresses = objects.filter((o) => o.kind === 'Ingress');
    if (model.ingress?.enabled !== true) {
      expect(ingresses).toEqual([]);
      return;
    }
    expect(ingresses.length).toBe(1);
    const spec = ingresses[0]!.spec as {
      ingressClassName?: string;
      tls?: { hosts: string[]; secretName: string }[];
      rules: { host: string; http: { paths: { path: string; backend: { service: { name: string; port: { number: number } } } }[] } }[];
    };
    expect(spec.ingressClassName).toBe(model.ingress.className);
    expect(spec.rules.map((r) => r.host)).toEqual([model.ingress.host]);
    const tls = model.ingress.tls;
    expect(spec.tls).toEqual(tls.mode === 'none' ? undefined : [{ hosts: [model.ingress.host], secretName: tls.secretName }]);
    expect(ingresses[0]!.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBe(
      tls.mode === 'cert-manager' ? tls.issuer : undefined,
    );
    const services = new Map(
      objects
        .filter((o) => o.kind === 'Service')
        .map((o) => [o.metadata.name, (o.spec as { ports: { port: number }[] }).ports.map((p) => p.port)]),
    );
    const paths = spec.rules[0]!.http.paths;
    for (const p of paths) expect(services.get(p.backend.service.name), p.path).toContain(p.backend.service.port.number);
    const routed = new Set(paths.map((p) => p.backend.service.name));
    for (const s of model.services.filter((x) => x.enabled && x.info.routes.length > 0)) expect(routed).toContain(s.info.chart);
  });

  it('the Deployments carry exactly the intended images, replicas, environment and secrets checksum', () => {
    const intended = intendedServices(model);
    const deployments = objects.filter((o) => o.kind === 'Deployment' && o.metadata.name.startsWith('chamicore-'));
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...intended.keys()].sort());
    for (const d of deployments) {
      const want = intended.get(d.metadata.name)!;
      const spec = d.spec as { replicas: number; template: { metadata: { annotations: Record<string, string> }; spec: PodSpec } };
      const [container] = spec.template.spec.containers;
      expect(spec.replicas, d.metadata.name).toBe(want.replicas);
      expect(container!.image, d.metadata.name).toBe(want.image);
      expect(Object.fromEntries(containerEnv(container!)), d.metadata.name).toEqual(Object.fromEntries(want.env));
      const service = model.services.find((s) => s.info.chart === d.metadata.name)!;
      expect(spec.template.metadata.annotations['chamicore.io/secrets-checksum']).toBe(service.secretsChecksum);
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
      const spec = d.spec as { replicas: number; template: { spec: PodSpec } };
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
      const smd = deployments.get('chamicore-smd')!.spec as { template: { spec: PodSpec } };
      const container = smd.template.spec.containers[0]!;
      expect(container.image).toBe('registry.cscs.ch/openchami/chamicore-smd:1.10');
      expect(containerEnv(container).get('NORWAY')).toBe('no');
      expect(containerEnv(container).get('OCTAL')).toBe('0777');
    }
  });
});

describe('the real charts', () => {
  it('the airgap fixture passes its values through to both charts', () => {
    const model = siteModel(AIRGAP_SITE, 'airgap');
    const objects = renderedObjects(helmTemplate(assemble(join(fixturesOut, 'airgap/helm')), model));
    const pg = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'chamicore-postgresql')!;
    const pgSpec = pg.spec as {
      template: { metadata: { labels: Record<string, string> }; spec: { containers: { resources: unknown }[] } };
    };
    expect(pgSpec.template.metadata.labels['team']).toBe('hpc');
    expect(pgSpec.template.spec.containers[0]!.resources).toMatchObject({ requests: { cpu: '1', memory: '2Gi' } });
    expect(objects.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'chamicore-postgresql')).toBe(true);
    const nats = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'chamicore-nats')!;
    expect((nats.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels['team']).toBe('hpc');
    const conf = objects.find((o) => o.metadata.name === 'chamicore-nats-config')?.data?.['nats.conf'] ?? '';
    expect(conf).toContain('8222');
    const cfg = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'chamicore-postgresql-extended-configuration');
    expect(cfg?.data?.['override.conf']).toContain(`max_connections = ${String(model.database.maxConnections)}`);
  });

  it("Bitnami's check refuses an unknown image without the compiler's allowInsecureImages (the check is live)", () => {
    const chart = assemble(join(fixturesOut, 'airgap/helm'));
    const values = join(chart, 'values.yaml');
    const text = readFileSync(values, 'utf8');
    expect(text).toContain('allowInsecureImages: true');
    writeFileSync(values, text.replace('allowInsecureImages: true', 'allowInsecureImages: false'));
    const r = runTool('helm', ['template', 'chamicore', chart, '--kube-version', '1.31.2']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Original containers have been substituted for unrecognized ones');
  });

  it("a pass-through value the chart's values.schema.json refuses fails helm template", () => {
    const chart = assemble(join(ROOT, 'out/alps/helm'));
    const values = join(chart, 'values.yaml');
    writeFileSync(values, readFileSync(values, 'utf8').replace(/^postgresql:\n/m, 'postgresql:\n  architecture: 3\n'));
    const r = runTool('helm', ['template', 'chamicore', chart, '--kube-version', '1.30.0']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('architecture');
  });

  it('every chamicore dependency is a chart of charts/ at its own version, and the real charts render the rest', () => {
    const deps = (parse(readFileSync(join(ROOT, 'out/alps/helm/Chart.yaml'), 'utf8')) as { dependencies: Dependency[] }).dependencies;
    const own = readdirSync(CHARTS).filter((n) => n !== 'chamicore-common');
    expect(
      deps
        .filter((d) => d.name.startsWith('chamicore-'))
        .map((d) => d.name)
        .sort(),
    ).toEqual(own.sort());
    for (const d of deps.filter((x) => x.name.startsWith('chamicore-'))) {
      const chart = parse(readFileSync(join(CHARTS, d.name, 'Chart.yaml'), 'utf8')) as { version: string };
      expect(d.version, d.name).toBe(chart.version);
    }
    for (const d of deps.filter((x) => !x.name.startsWith('chamicore-')))
      expect(statSync(join(REAL_CHARTS, d.name)).isDirectory()).toBe(true);
    expect(existsSync(join(ROOT, 'test/conformance/charts'))).toBe(false);
  });

  it('assembling refuses a chart of charts/ at another version than the umbrella pins', () => {
    const site = join(temp('chamicore-drift-'), 'helm');
    cpSync(join(ROOT, 'out/alps/helm'), site, { recursive: true });
    const file = join(site, 'Chart.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/(name: chamicore-smd\n\s+version: )"[^"]+"/, '$1"9.9.9"'));
    expect(() => assembleChart({ siteChart: site, into: join(site, '..', 'out'), chartsFrom: [REAL_CHARTS] })).toThrow(
      /chamicore-smd: the umbrella pins 9\.9\.9 but charts\/chamicore-smd is /,
    );
    expect(existsSync(join(site, '..', 'out'))).toBe(false);
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
