import { describe, expect, it } from 'vitest';
import { checkData, checkText, minimalSite, where } from '../helpers/site.js';
import { siteSchema } from '../../src/generated/site-schema.js';
import { convertErrors } from '../../src/validate/validate-schema.js';

const MINI = `site:
  name: mini
  environment: staging
  domain: mini.example.org
release:
  version: "1.4.2"
services:
  kea-sync:
    enabled: false
`;

describe('validateSchema', () => {
  it('accepts the minimal site', () => {
    expect(checkText(MINI).diagnostics).toEqual([]);
  });

  it('points at the parent for a missing key', () => {
    expect(where(checkText(MINI.replace('  domain: mini.example.org\n', '')))).toEqual(['schema-required@1:1']);
    const d = checkText(MINI.replace('  domain: mini.example.org\n', '')).diagnostics[0];
    expect(d?.message).toContain('"domain"');
  });

  it('points at the key for an unknown key and suggests the near miss', () => {
    const c = checkText(`${MINI}  smd:\n    replica: 2\n`);
    expect(where(c)).toEqual(['schema-unknown-key@11:5']);
    expect(c.diagnostics[0]?.message).toContain('did you mean "replicas"?');
    const top = checkText(`${MINI}releases: {}\n`);
    expect(where(top)).toEqual(['schema-unknown-key@10:1']);
    expect(top.diagnostics[0]?.message).toContain('did you mean "release"?');
  });

  it('does not suggest a far-off key', () => {
    const c = checkText(`${MINI}zzzzzz: 1\n`);
    expect(c.diagnostics[0]?.message).not.toContain('did you mean');
  });

  it('reports a number where a string is meant, with a hint to quote', () => {
    const c = checkText(MINI.replace('version: "1.4.2"', 'version: 1.10'));
    expect(where(c)).toEqual(['schema-type@6:12']);
    expect(c.diagnostics[0]?.hint).toMatch(/quote/);
  });

  it('reads YAML 1.1 words as the strings they are, so a boolean field refuses them', () => {
    const c = checkText(`${MINI}  smd:\n    enabled: yes\n`);
    expect(where(c)).toEqual(['schema-type@11:14']);
  });

  it('reports enums with a suggestion', () => {
    const c = checkText(MINI.replace('environment: staging', 'environment: stagin'));
    expect(where(c)).toEqual(['schema-enum@3:16']);
    expect(c.diagnostics[0]?.message).toContain('did you mean "staging"?');
  });

  it('reports patterns in words', () => {
    const c = checkText(MINI.replace('name: mini', 'name: Mini_Site'));
    expect(where(c)).toEqual(['schema-pattern@2:9']);
    expect(c.diagnostics[0]?.message).toContain('DNS-1123 label');
  });

  it('checks ranges, lengths, uniqueness and key patterns', () => {
    expect(checkData(minimalSite({ services: { smd: { replicas: -1 } } })).diagnostics.map((d) => d.code)).toEqual(['schema-range']);
    expect(checkData(minimalSite({ kubernetes: { imagePullSecrets: ['a', 'a'] } })).diagnostics.map((d) => d.code)).toEqual([
      'schema-unique',
    ]);
    expect(checkData(minimalSite({ secrets: { Bad_Name: { fromEnv: 'X' } } })).diagnostics.map((d) => d.code)).toEqual([
      'schema-key-pattern',
    ]);
    expect(checkData(minimalSite({ services: { smd: { env: { 'lower-case': 'x' } } } })).diagnostics.map((d) => d.code)).toEqual([
      'schema-key-pattern',
    ]);
  });

  it('requires exactly one secret source, and says which were given', () => {
    const none = checkData(minimalSite({ secrets: { x: { rotation: 1 } } }));
    expect(none.diagnostics.map((d) => d.code)).toEqual(['schema-one-of']);
    expect(none.diagnostics[0]?.message).toContain('found none');
    const two = checkData(minimalSite({ secrets: { x: { fromEnv: 'A', fromFile: 'b' } } }));
    expect(two.diagnostics[0]?.message).toContain('found fromEnv and fromFile');
    const gen = checkData(minimalSite({ secrets: { x: { generate: { length: 20, bytes: 32 } } } }));
    expect(gen.diagnostics.map((d) => d.code)).toEqual(['schema-one-of']);
    expect(gen.diagnostics[0]?.message).toContain('found length and bytes');
  });

  it('refuses fromFile names that leave the secrets folder', () => {
    for (const name of ['../../etc/passwd', '/etc/passwd', '..', '.', 'a/b']) {
      const c = checkData(minimalSite({ secrets: { x: { fromFile: name } } }));
      expect(
        c.diagnostics.map((d) => d.code),
        name,
      ).toEqual(['schema-pattern']);
    }
  });

  it('never quotes a secret literal in a message', () => {
    const c = checkData(minimalSite({ secrets: { x: { value: 'hunter2'.repeat(2000) } } }));
    expect(c.diagnostics.map((d) => d.code)).toEqual(['schema-length']);
    expect(JSON.stringify(c.diagnostics)).not.toContain('hunter2');
  });

  it('gives every property a description', () => {
    const missing: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (node === null || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      const props = n['properties'] as Record<string, Record<string, unknown>> | undefined;
      for (const [k, v] of Object.entries(props ?? {})) {
        if (typeof v['description'] !== 'string' || v['description'] === '') missing.push(`${path}.${k}`);
      }
      for (const [k, v] of Object.entries(n)) visit(v, `${path}/${k}`);
    };
    visit(siteSchema, '#');
    expect(missing).toEqual([]);
  });

  it('closes every object schema except user-keyed maps, and mixins that only closed objects include', () => {
    const open: string[] = [];
    const includedBy = new Map<string, boolean[]>();
    const visit = (node: unknown, path: string): void => {
      if (node === null || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      const closed = n['additionalProperties'] === false || n['unevaluatedProperties'] === false || n['propertyNames'] !== undefined;
      if (n['type'] === 'object' && !closed) open.push(path);
      for (const member of (n['allOf'] as { $ref?: string }[] | undefined) ?? []) {
        if (member.$ref !== undefined)
          includedBy.set(member.$ref, [...(includedBy.get(member.$ref) ?? []), n['unevaluatedProperties'] === false]);
      }
      for (const [k, v] of Object.entries(n)) visit(v, `${path}/${k}`);
    };
    visit(siteSchema, '#');
    // An open object is allowed only as a mixin: a $defs entry every user includes with allOf and closes.
    const mixins = open.filter((p) => (includedBy.get(p) ?? []).length > 0 && includedBy.get(p)!.every(Boolean));
    expect(open.filter((p) => !mixins.includes(p))).toEqual([]);
    expect(mixins).toEqual(['#/$defs/service']);
    // Only allOf may include it: a plain $ref would leave it open.
    expect(JSON.stringify(siteSchema).split('"$ref":"#/$defs/service"').length - 1).toBe(includedBy.get('#/$defs/service')!.length);
  });
});

describe('the schema adapter', () => {
  it('reports a keyword it has no wording for as schema-invalid, at its path, with ajv message', () => {
    const data = { site: { name: 'x' } };
    const [d] = convertErrors('s.yaml', data, [
      { keyword: 'not', instancePath: '/site/name', schemaPath: '#/not', params: {}, message: 'must NOT be valid' },
    ]);
    expect(d).toMatchObject({ code: 'schema-invalid', severity: 'error', path: ['site', 'name'] });
    expect(d!.message).toBe('must NOT be valid in site.name');
  });

  it('has wording for every keyword the schema can fail on outside a oneOf', () => {
    const keywords = new Set<string>();
    const walk = (node: unknown, inOneOf: boolean): void => {
      if (Array.isArray(node))
        node.forEach((n) => {
          walk(n, inOneOf);
        });
      else if (node !== null && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (!inOneOf) keywords.add(k);
          walk(v, inOneOf || k === 'oneOf');
        }
      }
    };
    walk(siteSchema, false);
    // allOf reports no error of its own (its members do), so it may appear anywhere.
    const failing = ['not', 'anyOf', 'if', 'const', 'dependentRequired', 'contains', 'format', 'multipleOf'];
    expect(failing.filter((k) => keywords.has(k))).toEqual([]);
  });
});

describe('the keys every service shares ($defs/service)', () => {
  const site = (smd: string): string =>
    `site: {name: mini, environment: staging, domain: mini.example.org}\nrelease: {version: "1.0.0"}\nservices:\n  kea-sync: {enabled: false}\n  smd:\n${smd}`;

  it('are allowed and checked in every service, and an unknown key is suggested from them', () => {
    expect(where(checkText(site('    replicas: 2\n    logLevel: debug\n    database: {maxOpenConns: 10}\n')))).toEqual([]);
    const c = checkText(site('    replica: 2\n'));
    expect(where(c)).toEqual(['schema-unknown-key@6:5']);
    expect(c.diagnostics[0]!.message).toContain('(did you mean "replicas"?)');
  });

  it('a wrong value of a shared key is one error, not also an unknown key', () => {
    expect(where(checkText(site('    replicas: two\n    metrics: maybe\n')))).toEqual(['schema-type@6:15', 'schema-type@7:14']);
  });

  it('a key of another service is still unknown (ui has no database)', () => {
    const ui = checkText(site('    replicas: 1\n').replace('  smd:\n', '  ui:\n    database: {maxOpenConns: 10}\n  smd:\n'));
    expect(where(ui)).toEqual(['schema-unknown-key@6:5']);
  });
});

describe('hints that fit the error', () => {
  const base = 'site: {name: mini, environment: staging, domain: mini.example.org}\nrelease: {version: "1.0.0"}\n';
  const hints = (text: string): (string | undefined)[] => checkText(`${base}${text}`).diagnostics.map((d) => d.hint);

  it('quotes a number as it was written, never as JavaScript reads it', () => {
    expect(hints('services:\n  kea-sync: {enabled: false}\n  smd: {resources: {requests: {cpu: 1}}}\n')).toEqual([
      'quote it, so YAML reads it as the string "1"',
    ]);
    expect(checkText(base.replace('"1.0.0"', '1.10')).diagnostics.map((d) => d.hint)).toEqual([
      'quote it, so YAML reads it as the string "1.10"',
    ]);
  });

  it('shows a list for a scalar where a list belongs, and true/false for a YAML 1.1 word', () => {
    expect(hints('kubernetes: {imagePullSecrets: regcred}\nservices: {kea-sync: {enabled: false}}\n')).toEqual([
      'write a list: [regcred], or one "- regcred" line per item',
    ]);
    expect(hints('services: {kea-sync: {enabled: no}}\n')).toEqual(['write true or false; site files are YAML 1.2, where no is a string']);
  });

  it('suggests the enum value a word abbreviates', () => {
    const c = checkText(base.replace('staging', 'prod'));
    expect(c.diagnostics[0]!.message).toBe('expected one of production, staging, development; got "prod" (did you mean "production"?)');
  });

  it('never quotes a value under secrets in a hint', () => {
    expect(hints('services: {kea-sync: {enabled: false}}\nsecrets:\n  db-password: {value: 123456789}\n')).toEqual([
      'quote the value, so YAML reads it as a string',
    ]);
  });
});
