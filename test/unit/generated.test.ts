import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without type declarations
import { generateAll } from '../../scripts/generate.mjs';
import { VERSION } from '../../src/version.js';
import { Defaults } from '../../src/model/defaults.js';
import { siteSchema } from '../../src/generated/site-schema.js';

describe('generated code', () => {
  it('the schema annotations, the base schema, src/generated/, the generated files of the service charts and docs/values-contract.md are current (npm run gen)', async () => {
    const files = (await generateAll()) as { path: string; contents: string }[];
    const paths = files.map((f) => f.path);
    expect(paths.slice(0, 5)).toEqual([
      'schema/site.schema.json',
      'schema/base.schema.json',
      'src/generated/site.ts',
      'src/generated/site-schema.ts',
      'src/generated/templates.ts',
    ]);
    expect(paths).toContain('docs/values-contract.md');
    // Each of the 9 chamicore service charts: values.yaml, values.schema.json and five templates
    // (Chart.yaml and the library chart are written by hand; postgresql and nats are the real charts).
    expect(paths.filter((p) => p.startsWith('charts/chamicore-')).length).toBe(9 * 7);
    expect(paths).toContain('src/generated/service-charts.ts');
    for (const f of files) {
      const committed = readFileSync(new URL(`../../${f.path}`, import.meta.url), 'utf8');
      expect(committed, `${f.path} is stale: run npm run gen`).toBe(f.contents);
      if (f.path.startsWith('src/generated/')) expect(committed.startsWith('// DO NOT EDIT')).toBe(true);
    }
  });

  it('VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});

describe('defaults', () => {
  // The schema's descriptions state defaults for people; they must say what the code does.
  const describes = (path: string[]): string => {
    let node: Record<string, unknown> = siteSchema;
    for (const p of path) {
      node = (node['properties'] as Record<string, Record<string, unknown>>)[p]!;
      if (typeof node['$ref'] === 'string' && node['description'] === undefined) throw new Error(p);
    }
    return String(node['description']);
  };
  it.each([
    [['kubernetes', 'version'], `Default ${Defaults.kubernetesVersion}.`],
    [['release', 'chartRepository'], `Default ${Defaults.chartRepository}.`],
    [['images', 'registry'], `Default ${Defaults.registry};`],
    [['images', 'pullPolicy'], `Default ${Defaults.pullPolicy}.`],
    [['observability', 'logLevel'], `Default ${Defaults.logLevel}.`],
    [['observability', 'metrics'], `Default ${String(Defaults.metrics)}.`],
    [['observability', 'traces'], `Default ${String(Defaults.traces)}.`],
    [['database', 'port'], `Default ${Defaults.database.port}.`],
    [['database', 'name'], `Default ${Defaults.database.name}.`],
    [['database', 'user'], `Default ${Defaults.database.user}.`],
    [['events', 'enabled'], `Default ${String(Defaults.events.enabled)}`],
    [['events', 'nats', 'storageSize'], `Default ${Defaults.events.storageSize}.`],
  ])('%j says %s', (path, text) => {
    expect(describes(path)).toContain(text);
  });
});
