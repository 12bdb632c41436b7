import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { composeEnvFiles } from '../../src/emit/compose-env.js';
import { buildModel } from '../../src/model/build-model.js';
import { resolveSecrets } from '../../src/secrets/resolve.js';
import { checkText, compileData, minimalSite } from '../helpers/site.js';
import type { Site } from '../../src/generated/site.js';

/** Deterministically reverses the key order of every mapping, recursively. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  }
  return value;
}

const SITES = ['alps', 'eiger', 'dev'];
const siteData = (name: string): Record<string, unknown> =>
  parse(readFileSync(new URL(`../../sites/${name}.yaml`, import.meta.url), 'utf8'));

describe('buildModel', () => {
  it('applies defaults', () => {
    const c = checkText(
      'site: {name: mini, environment: staging, domain: mini.example.org}\nrelease: {version: "2.0.0"}\nservices: {kea-sync: {enabled: false}}\n',
    );
    const m = c.model!;
    expect(m.namespace).toBe('chamicore-mini');
    expect(m.images).toEqual({
      registry: 'registry.cscs.ch/openchami',
      tag: 'v2.0.0',
      pullPolicy: 'IfNotPresent',
      mirror: undefined,
      requireDigests: false,
    });
    expect(m.services.filter((s) => s.enabled).map((s) => s.id)).toEqual(['auth', 'smd', 'bss', 'cloud-init', 'ui']);
    expect(m.database.mode).toBe('bundled');
    expect(m.targets).toEqual({ helm: true, compose: false });
    expect(m.secrets.map((s) => s.name)).toEqual([
      'auth-encryption-key',
      'db-admin-password',
      'db-password',
      'internal-token',
      'ui-session-key',
    ]);
  });

  it.each(SITES)('%s: the key order of the input does not change a byte of the output', (name) => {
    const data = siteData(name);
    const a = compileData(data, name);
    const b = compileData(reverseKeys(data), name);
    expect(b).toEqual(a);
  });

  it('gives each enabled service its own environment and no disabled service any', () => {
    const m = buildModel(siteData('eiger') as unknown as Site, 'sites/eiger.yaml');
    const keaSync = m.services.find((s) => s.id === 'kea-sync')!;
    expect(keaSync.enabled).toBe(false);
    expect(keaSync.env).toEqual([]);
    const power = m.services.find((s) => s.id === 'power')!;
    expect(power.env.map((e) => e.name)).toContain('CHAMICORE_POWER_RETRY_ATTEMPTS');
    expect(power.env.find((e) => e.name === 'CHAMICORE_POWER_DB_DSN')?.value).toEqual({ kind: 'secret', group: 'db', key: 'power-dsn' });
  });
});

describe('dev/prod parity', () => {
  // A service name and its in-cluster name: chamicore-<svc> in Kubernetes, <svc> in compose.
  const toCompose = (v: string): string =>
    v
      .replace(/\bchamicore-(auth|smd|bss|cloud-init|kea-sync|ui|discovery|power|mcp|nats)(?=[:/])/g, '$1')
      .replace(/\bchamicore-postgresql\b/g, 'postgres');

  it.each(['dev'])('%s: each env file and values.yaml carry the same variables and values for its service', (name) => {
    const files = compileData(siteData(name), name);
    const values = parse(files.find((f) => f.path === 'helm/values.yaml')!.contents) as Record<string, Record<string, unknown>>;
    const model = checkText(readFileSync(new URL(`../../sites/${name}.yaml`, import.meta.url), 'utf8'), name).model!;
    const secrets = resolveSecrets(model, false, undefined, 'f').values;
    const envFiles = composeEnvFiles(model, secrets);
    let compared = 0;
    for (const s of model.services.filter((x) => x.enabled)) {
      const file = envFiles.find((f) => f.container === s.info.composeService)!;
      const dotenv = new Map(file.variables.map((v) => [v.name, v.value] as const));
      // The file on disk holds exactly these variables (one per line, names unique).
      const names = files
        .find((f) => f.path === file.path)!
        .contents.split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => l.slice(0, l.indexOf('=')));
      expect(new Set(names).size).toBe(names.length);
      expect(names.sort()).toEqual([...dotenv.keys()].sort());
      const v = values[s.info.chart]!;
      const env = v['env'] as Record<string, string>;
      const secretEnv = v['secretEnv'] as Record<string, { existingSecret: string; key: string }>;
      const helmNames = [...Object.keys(env), ...Object.keys(secretEnv)].sort();
      expect(helmNames, s.id).toEqual(s.env.map((e) => e.name).sort());
      expect([...dotenv.keys()].sort(), s.id).toEqual(helmNames);
      for (const [k, value] of Object.entries(env)) {
        expect(dotenv.get(k), k).toBe(toCompose(value));
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('quotes every env file value and leaves no variable unexplained', () => {
    const files = compileData(siteData('dev'), 'dev').filter((f) => f.path.startsWith('compose/env/'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      for (const line of f.contents.split('\n')) {
        if (line === '' || line.startsWith('#')) continue;
        expect(line).toMatch(/^[A-Z_][A-Z0-9_]*="([^"\\$]|\\[\\"nr]|\$\$)*"$/);
      }
    }
  });
});

describe('outputs', () => {
  it('contains no secret value in values.yaml or Chart.yaml (dev literals)', () => {
    const data = siteData('dev');
    const literals = Object.values(data['secrets'] as Record<string, { value: string }>).map((s) => s.value);
    for (const f of compileData(data, 'dev')) {
      if (!f.path.startsWith('helm/')) continue;
      for (const l of literals) expect(f.contents.includes(l), `${l} in ${f.path}`).toBe(false);
    }
  });

  it('writes LF, one final newline, a header, and no absolute path', () => {
    for (const name of SITES) {
      for (const f of compileData(siteData(name), name)) {
        expect(f.contents.endsWith('\n') && !f.contents.endsWith('\n\n'), f.path).toBe(true);
        expect(f.contents.includes('\r')).toBe(false);
        expect(f.contents.startsWith(`# Generated by chamicore-compile from sites/${name}.yaml. Do not edit:\n`)).toBe(true);
        expect(f.contents).not.toContain(process.cwd());
        if (f.path.endsWith('.yaml')) expect(parseDocument(f.contents).errors).toEqual([]);
      }
    }
  });

  it('Chart.yaml pins every dependency with a condition, and values turn them on and off as booleans', () => {
    const files = compileData(minimalSite({ services: { 'kea-sync': { enabled: false }, mcp: { enabled: true } } }));
    const chart = parse(files.find((f) => f.path === 'helm/Chart.yaml')!.contents);
    const values = parse(files.find((f) => f.path === 'helm/values.yaml')!.contents);
    expect(chart.apiVersion).toBe('v2');
    expect(typeof chart.version).toBe('string');
    expect(typeof chart.appVersion).toBe('string');
    for (const d of chart.dependencies) {
      expect(d.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(d.condition).toBe(`${d.name}.enabled`);
      expect(typeof values[d.name].enabled).toBe('boolean');
    }
    expect(chart.dependencies.map((d: { name: string }) => d.name)).toContain('postgresql');
    expect(chart.dependencies.map((d: { name: string }) => d.name)).not.toContain('nats');
    expect(values['chamicore-kea-sync']).toEqual({ enabled: false });
    expect(values['chamicore-mcp'].enableWrite).toBe(false);
  });
});
