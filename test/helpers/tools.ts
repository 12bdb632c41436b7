/**
 * The real external tools (kubeconform, helm, kube-score, docker compose, compose's .env parser), as installed by
 * `npm run tools` into .tools/bin, or found on PATH. A missing tool fails the test that needs it
 * with a message naming the tool and the command that installs it; it never skips.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './cli.js';

interface Pins {
  go: { name: string; version: string }[];
  modules: { name: string; version: string }[];
  local: { name: string; dir: string }[];
}
const pins = JSON.parse(readFileSync(join(ROOT, 'scripts/tools.json'), 'utf8')) as Pins;
export type ToolName = 'kubeconform' | 'helm' | 'readers' | 'pyyaml' | 'kube-score' | 'docker-compose' | 'kubectl' | 'check-jsonschema';

/** The path of a tool: .tools/bin first, then PATH. Throws a clear error if it is missing. */
export function toolPath(name: ToolName): string {
  const local = join(ROOT, '.tools/bin', name);
  if (existsSync(local)) return local;
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  const pin = [...pins.go, ...pins.modules].find((t) => t.name === name);
  const alternative = pin === undefined ? 'it is built from test/conformance and needs Go' : `or put ${name} ${pin.version} on PATH`;
  throw new Error(`${name} is not installed: run \`npm run tools\` (needs Go 1.24 or newer; ${alternative})`);
}

export interface ToolResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a tool; `input` goes to its stdin. */
export function runTool(name: ToolName, args: readonly string[], options: { cwd?: string; input?: string } = {}): ToolResult {
  const r = spawnSync(toolPath(name), args, {
    cwd: options.cwd ?? ROOT,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', HELM_CACHE_HOME: join(ROOT, '.tools/helm-cache') },
  });
  if (r.error !== undefined) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface KubeconformReport {
  readonly resources: { filename: string; kind: string; name: string; version: string; status: string; msg: string }[];
  readonly summary: { valid: number; invalid: number; errors: number; skipped: number };
}

/**
 * Where kubeconform finds its schemas, and for which Kubernetes version: the variables when set;
 * else, as .ci/run does, an offline copy beside the project (`../shared/kubernetes-json-schema`),
 * at the site's version if the copy has it and `master` otherwise; else kubeconform's default
 * (GitHub), which a machine without internet cannot reach.
 */
export function kubeconformSchemas(
  env: Readonly<Record<string, string | undefined>>,
  parent: string,
  kubernetesVersion: string,
): { location: string | undefined; version: string } {
  const set = env['KUBECONFORM_SCHEMA_LOCATION'];
  if (set !== undefined && set !== '') return { location: set, version: env['KUBECONFORM_KUBERNETES_VERSION'] ?? kubernetesVersion };
  const copy = join(parent, 'shared', 'kubernetes-json-schema');
  if (!existsSync(copy)) return { location: undefined, version: env['KUBECONFORM_KUBERNETES_VERSION'] ?? kubernetesVersion };
  const has = (v: string) => existsSync(join(copy, `v${v}-standalone-strict`)) || existsSync(join(copy, `${v}-standalone-strict`));
  const wanted = env['KUBECONFORM_KUBERNETES_VERSION'] ?? kubernetesVersion;
  return { location: copy, version: has(wanted) ? wanted : 'master' };
}

/**
 * kubeconform -strict with JSON output. The schemas come from $KUBECONFORM_SCHEMA_LOCATION when it
 * is set (CI points it at a local copy), else from kubeconform's default location. The Kubernetes
 * version is the site's, unless $KUBECONFORM_KUBERNETES_VERSION overrides it (a local copy may
 * hold only `master`).
 */
export function kubeconform(kubernetesVersion: string, paths: readonly string[], input?: string): KubeconformReport {
  const { location, version } = kubeconformSchemas(process.env, join(ROOT, '..'), kubernetesVersion);
  const args = [
    '-strict',
    '-summary',
    '-verbose',
    '-output',
    'json',
    '-kubernetes-version',
    version,
    ...(location !== undefined ? ['-schema-location', location] : []),
    ...paths,
  ];
  const r = runTool('kubeconform', args, input === undefined ? {} : { input });
  if (r.stdout.trim() === '') throw new Error(`kubeconform printed nothing (exit ${String(r.code)}): ${r.stderr}`);
  return JSON.parse(r.stdout) as KubeconformReport;
}

/**
 * Kubernetes' own Pod Security evaluator (`readers pss`, k8s.io/pod-security-admission) at
 * "restricted" on every workload of a manifest stream: `<Kind>/<name>` → its violations.
 */
export function podSecurity(manifests: string): Record<string, string[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'chamicore-pss-')), 'manifests.yaml');
  writeFileSync(file, manifests);
  try {
    const r = runTool('readers', ['pss', file]);
    if (r.code !== 0) throw new Error(`readers pss failed (${String(r.code)}): ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, string[]>;
  } finally {
    rmSync(dirname(file), { recursive: true, force: true });
  }
}

/** One critical finding of kube-score: `<Kind>/<name> <check id>`. */
export type KubeScoreCritical = string;

/**
 * kube-score's critical findings on a manifest stream. Objects without a namespace (the NATS
 * chart leaves it to Helm) are put in `namespace` first, as `helm install` puts them, so policies
 * and their pods are matched as in the cluster.
 */
export function kubeScoreCriticals(manifests: string, namespace: string): KubeScoreCritical[] {
  // Read as Helm and kube-score read YAML (1.1 scalars), written back as JSON, which they read alike.
  const docs = parseAllDocuments(manifests, { version: '1.1' })
    .map((d) => d.toJS() as { metadata?: { namespace?: string } } | null)
    .filter((d) => d !== null)
    .map((d) => ({ ...d, metadata: { namespace, ...d.metadata } }));
  const file = join(mkdtempSync(join(tmpdir(), 'chamicore-kube-score-')), 'manifests.yaml');
  writeFileSync(file, docs.map((d) => `${JSON.stringify(d)}\n`).join('---\n'));
  try {
    const r = runTool('kube-score', ['score', '--output-format', 'json', file]);
    if (r.code !== 0 && r.code !== 1) throw new Error(`kube-score failed (${String(r.code)}): ${r.stderr}`);
    const report = JSON.parse(r.stdout) as {
      type_meta: { kind: string };
      object_meta: { name: string };
      checks: { check: { id: string }; grade: number; skipped: boolean }[];
    }[];
    return report.flatMap((o) =>
      o.checks.filter((c) => c.grade === 1 && !c.skipped).map((c) => `${o.type_meta.kind}/${o.object_meta.name} ${c.check.id}`),
    );
  } finally {
    rmSync(dirname(file), { recursive: true, force: true });
  }
}

/** A service of the project `docker compose config --format json` prints, `$$` turned back into `$`. */
export interface ComposeService {
  image: string;
  command?: string[];
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: { source: string; target: string }[];
  ports?: { host_ip: string; published: string; target: number }[];
  secrets?: { source: string; target?: string }[];
  user?: string;
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  tmpfs?: string[];
}

export interface ComposeProject {
  name: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file?: string }>;
  configs?: Record<string, { content?: string; file?: string }>;
}

/** Compose writes its model back escaped (every `$` of a value as `$$`); this is that value. */
function unescapeCompose(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$\$/g, '$');
  if (Array.isArray(value)) return value.map(unescapeCompose);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unescapeCompose(v)]));
  return value;
}

/**
 * The project the real Docker Compose CLI resolves from a compose file (`docker-compose -f FILE
 * config --format json`, no daemon needed), run from `cwd` with exactly `env` added to a bare
 * environment (PATH, a fresh HOME and DOCKER_CONFIG): the caller decides what the shell holds.
 */
export function composeConfig(
  composeFile: string,
  options: { env?: Record<string, string>; cwd?: string } = {},
): { code: number | null; project?: ComposeProject; stderr: string } {
  return composeConfigOf(['-f', composeFile], options.cwd ?? dirname(composeFile), options.env);
}

/**
 * The same with no -f, in `cwd`: compose takes its files, project and profiles from the .env there
 * (COMPOSE_FILE, COMPOSE_PROJECT_NAME, COMPOSE_PROFILES), as a developer's copy of .env.example gives them.
 */
export function composeConfigIn(
  cwd: string,
  env?: Record<string, string>,
): { code: number | null; project?: ComposeProject; stderr: string } {
  return composeConfigOf([], cwd, env);
}

function composeConfigOf(
  files: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): { code: number | null; project?: ComposeProject; stderr: string } {
  const home = mkdtempSync(join(tmpdir(), 'chamicore-compose-home-'));
  try {
    const r = spawnSync(toolPath('docker-compose'), [...files, 'config', '--format', 'json'], {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { PATH: process.env['PATH'] ?? '', HOME: home, DOCKER_CONFIG: join(home, '.docker'), ...env },
    });
    if (r.error !== undefined) throw r.error;
    if (r.status !== 0) return { code: r.status, stderr: r.stderr };
    return { code: 0, project: unescapeCompose(JSON.parse(r.stdout)) as ComposeProject, stderr: r.stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
