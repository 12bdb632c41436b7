/**
 * The reference docs and the editor annotations say what the compiler does: docs/site-reference.md
 * is current, and every default the schema states is the compiler's own (set explicitly, it changes
 * no output byte of any example or scaffolded site).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { redactedOutputs } from '../src/diff/site-diff.js';
import { allFields, type Field } from '../src/validate/schema-fields.js';
import { renderSiteReference } from '../src/docs/site-reference.js';
import { siteSchema } from '../src/generated/site-schema.js';
import { ENVIRONMENTS, renderSiteScaffold } from '../src/scaffold/site.js';
import { ROOT } from './helpers/cli.js';
import { Defaults } from '../src/model/defaults.js';

const BUILT_IN = Object.keys(Defaults.secrets);
import { checkData, minimalSite } from './helpers/site.js';
import { SITE_NAMES } from './helpers/sites.js';

type Data = Record<string, unknown>;
const isRecord = (v: unknown): v is Data => typeof v === 'object' && v !== null && !Array.isArray(v);

describe('docs/site-reference.md', () => {
  it('is current (npm run gen)', () => {
    expect(readFileSync(join(ROOT, 'docs/site-reference.md'), 'utf8')).toBe(renderSiteReference());
  });

  it('has a row for every key, with its default and example where the schema has one', () => {
    const text = renderSiteReference();
    for (const path of ['site.name', 'services.<service>.replicas', 'services.bss.database', 'secrets.<name>.rotation', 'targets'])
      expect(text).toMatch(new RegExp(`^\\| \`${path.replace(/[.[\]<>]/g, '\\$&')}\``, 'm'));
    expect(text).toContain(
      '| `services.smd.database` | object | `{"maxOpenConns":80,"maxIdleConns":20,"connMaxLifetime":"5m","connMaxIdleTime":"1m"}` |',
    );
    expect(text).toContain('| `services.<service>.replicas` | integer, 0–100 | `1` |');
  });
});

describe('schema annotations for editors', () => {
  it('titles each key by its path and adds the default and an example to its markdownDescription', () => {
    const props = (siteSchema['properties'] as Data)['kubernetes'] as Data;
    expect(props['title']).toBe('kubernetes');
    const version = (props['properties'] as Data)['version'] as Data;
    expect(version['title']).toBe('kubernetes.version');
    expect(version['markdownDescription']).toBe(`${version['description'] as string}\n\nDefault: \`"1.30.0"\`\n\nExample: \`"1.30.0"\``);
    expect(siteSchema['title']).toBe('Site');
  });
});

/** The site's data with `value` set at every place the field's path names (maps and lists over their entries). */
function withDefault(site: Data, field: Field): Data[] {
  const segments = field.path.replace(/\[\]/g, '.[]').split('.');
  const variants: Data[] = [];
  const visit = (node: Data, i: number, set: (d: Data) => Data): void => {
    const key = segments[i]!;
    const last = i === segments.length - 1;
    if (key === '<name>' || key === '[]') {
      const entries = key === '[]' ? (Array.isArray(node) ? (node as unknown[]).map((v, j) => [j, v] as const) : []) : Object.entries(node);
      for (const [k, v] of entries) if (isRecord(v) && !last) visit(v, i + 1, (d) => set({ ...node, [k]: d }));
      return;
    }
    if (last) {
      if (!(key in node)) variants.push(set({ ...node, [key]: structuredClone(field.default) }));
      return;
    }
    const child = node[key];
    if (child === undefined) visit({}, i + 1, (d) => set({ ...node, [key]: d }));
    else if (isRecord(child) || Array.isArray(child))
      visit(child as Data, i + 1, (d) => set({ ...node, [key]: Array.isArray(child) ? Object.assign([...child], d) : d }));
  };
  visit(site, 0, (d) => d);
  return variants;
}

describe('schema defaults', () => {
  const sites: [string, Data][] = [
    ...SITE_NAMES.map((n) => [n, parse(readFileSync(join(ROOT, 'sites', `${n}.yaml`), 'utf8')) as Data] as [string, Data]),
    ...ENVIRONMENTS.map((e) => ['scaffold', parse(renderSiteScaffold('scaffold', e)) as Data] as [string, Data]),
    ['mini', minimalSite()],
    // A secret the site generates from bytes (encoding default) and from characters (alphabet default).
    ['mini', minimalSite({ secrets: { 'ui-session-key': { generate: { bytes: 32 } }, 'internal-token': { generate: { length: 40 } } } })],
    // Every built-in secret (the schema names each) generated from bytes, then from characters.
    ...[{ bytes: 32 }, { length: 40 }].map(
      (generate) =>
        [
          'mini',
          minimalSite({
            events: { enabled: true },
            services: { 'kea-sync': { enabled: false }, mcp: { enabled: true } },
            secrets: Object.fromEntries(BUILT_IN.map((n) => [n, { generate: { ...generate } }])),
          }),
        ] as [string, Data],
    ),
  ];
  const expected = new Map<Data, Map<string, string>>();
  const outputsOf = (name: string, site: Data): Map<string, string> => {
    if (!expected.has(site)) {
      const model = checkData(site, name).model;
      expect(model, `${name} compiles`).toBeDefined();
      expected.set(site, redactedOutputs(model!));
    }
    return expected.get(site)!;
  };
  const withDefaults = allFields().filter((f) => f.default !== undefined);

  it('states defaults for the keys people look up', () => {
    expect(withDefaults.length).toBeGreaterThanOrEqual(40);
  });

  it.each(withDefaults.map((f) => [f.path, f] as const))('%s: setting the default explicitly changes no output byte', (_path, field) => {
    let verified = 0;
    for (const [name, site] of sites) {
      const before = outputsOf(name, site);
      for (const variant of withDefault(site, field)) {
        const after = checkData(variant, name);
        // A default that does not apply here (a key whose siblings it conflicts with) is checked on another site.
        if (after.model === undefined) continue;
        expect(redactedOutputs(after.model), `${name}: ${field.path}: ${JSON.stringify(field.default)}`).toEqual(before);
        verified += 1;
      }
    }
    expect(verified, `${field.path} was verified on no site`).toBeGreaterThan(0);
  });
});
