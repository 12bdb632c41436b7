/** The pinned dev tools: `npm run tools` is idempotent, and the tools the tests run are the pinned versions. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { THIRD_PARTY } from '../src/model/catalog.js';
import { ROOT } from './helpers/cli.js';
import { kubeconformSchemas, runTool } from './helpers/tools.js';

const pins = JSON.parse(readFileSync(join(ROOT, 'scripts/tools.json'), 'utf8')) as {
  go: { name: string; version: string }[];
  local: { name: string }[];
  modules: { name: string; version: string }[];
  python: { name: string; version: string }[];
  charts: { name: string; version: string; repository: string }[];
};
const version = (name: string): string => pins.go.find((t) => t.name === name)!.version;

describe('npm run tools', () => {
  it('does nothing when every pinned tool is installed', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/tools.mjs')], { cwd: ROOT, encoding: 'utf8', env: process.env });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(pins.go.length + pins.local.length + pins.modules.length + pins.python.length + pins.charts.length);
    for (const line of lines) expect(line).toMatch(/^[a-z-]+: .* (already in \.tools\/(bin|charts)|from \.\.\/shared\/charts)$/);
  });

  it("built the deploy jobs' kubectl from its module, and it runs ci-deploy.sh's namespace commands", () => {
    expect(runTool('kubectl', ['version', '--client']).stdout).toContain('Client Version: v1.30.14');
    // The namespace and its Pod Security labels, as scripts/ci-deploy.sh builds them (without a cluster).
    const created = runTool('kubectl', ['create', 'namespace', 'chamicore-alps', '--dry-run=client', '-o', 'yaml']);
    expect(created.code, created.stderr).toBe(0);
    const labelled = runTool(
      'kubectl',
      [
        'label',
        '--local',
        '-f',
        '-',
        '-o',
        'yaml',
        'pod-security.kubernetes.io/enforce=restricted',
        'pod-security.kubernetes.io/enforce-version=latest',
      ],
      { input: created.stdout },
    );
    expect(labelled.code, labelled.stderr).toBe(0);
    expect(labelled.stdout).toContain('    pod-security.kubernetes.io/enforce: restricted\n');
    expect(labelled.stdout).toContain('  name: chamicore-alps\n');
    expect(readFileSync(join(ROOT, 'scripts/ci-deploy.sh'), 'utf8')).toContain(
      'kubectl create namespace "$namespace" --dry-run=client -o yaml |',
    );
  });

  it('built the pinned docker compose CLI from its module', () => {
    const pin = pins.modules.find((m) => m.name === 'docker-compose')!;
    expect(runTool('docker-compose', ['version', '--short']).stdout.trim()).toBe(pin.version.replace(/^v/, ''));
  });

  it('installed the pinned kubeconform and helm', () => {
    expect(runTool('kubeconform', ['-v']).stdout.trim()).toBe(version('kubeconform'));
    expect(runTool('helm', ['version', '--template', '{{ .Version }}']).stdout.trim()).toBe(version('helm'));
  });

  it('pins the third-party charts the compiler pins', () => {
    expect(pins.charts).toEqual(Object.values(THIRD_PARTY).map((c) => ({ ...c.chart })));
  });

  it('installed the pinned PyYAML', () => {
    const r = runTool('pyyaml', ['-c', 'import yaml; print(yaml.__version__, yaml.__file__)']);
    const [v, file] = r.stdout.trim().split(' ');
    expect(v).toBe(pins.python.find((t) => t.name === 'pyyaml')!.version);
    expect(file).toContain(join(ROOT, '.tools/python'));
  });

  it("installed the pinned check-jsonschema, GitLab's CI schema inside it", () => {
    const r = runTool('check-jsonschema', ['--version']);
    expect(r.stdout.trim()).toBe(`python -m check_jsonschema, version ${pins.python.find((t) => t.name === 'check-jsonschema')!.version}`);
  });
});

describe('kubeconform schemas without the variables', () => {
  it('uses the offline copy beside the project, as .ci/run does, so npm test needs no internet', () => {
    const parent = mkdtempSync(join(tmpdir(), 'chamicore-schemas-'));
    try {
      expect(kubeconformSchemas({}, parent, '1.30.0')).toEqual({ location: undefined, version: '1.30.0' });
      mkdirSync(join(parent, 'shared/kubernetes-json-schema/master-standalone-strict'), { recursive: true });
      const copy = join(parent, 'shared/kubernetes-json-schema');
      expect(kubeconformSchemas({}, parent, '1.30.0')).toEqual({ location: copy, version: 'master' });
      mkdirSync(join(copy, 'v1.30.0-standalone-strict'));
      expect(kubeconformSchemas({}, parent, '1.30.0')).toEqual({ location: copy, version: '1.30.0' });
      // The variables still decide when set.
      expect(kubeconformSchemas({ KUBECONFORM_SCHEMA_LOCATION: '/s', KUBECONFORM_KUBERNETES_VERSION: 'master' }, parent, '1.30.0')).toEqual(
        {
          location: '/s',
          version: 'master',
        },
      );
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
