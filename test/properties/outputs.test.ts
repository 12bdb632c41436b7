/** Properties of every emitted file: YAML that reads the same under 1.1 and 1.2, valid Kubernetes names, no leaked secret. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { OutputFile } from '../../src/emit/output.js';
import { checkGenerated, FC_OPTIONS, NUM_RUNS, PROPERTY_TIMEOUT, siteArbitrary } from './arbitraries.js';
import { emit, secretValues } from './helpers.js';
import { readTree, ROOT } from '../helpers/cli.js';
import { SITE_NAMES } from '../helpers/sites.js';
import { join } from 'node:path';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

function read(file: OutputFile, version: '1.1' | '1.2'): unknown[] {
  const docs = parseAllDocuments(file.contents, { version });
  expect(
    docs.flatMap((d) => d.errors.map((e) => e.message)),
    `${file.path} under YAML ${version}`,
  ).toEqual([]);
  return docs.map((d) => d.toJS() as unknown);
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' ? (v as Obj) : {});

/** A name read from an output: a string, or the test fails (String(undefined) would pass as "undefined"). */
function str(v: unknown, what = ''): string {
  if (typeof v !== 'string') throw new Error(`expected a name${what}, got ${v === undefined ? 'undefined' : JSON.stringify(v)}`);
  return v;
}

/** Every Kubernetes name an output sets, with what it must be. */
function kubernetesNames(files: readonly OutputFile[]): [string, RegExp, string][] {
  const names: [string, RegExp, string][] = [];
  for (const f of files) {
    if (f.path === 'helm/Chart.yaml') {
      const chart = obj(read(f, '1.1')[0]);
      names.push([str(chart['name']), DNS_LABEL, 'chart name']);
      for (const d of chart['dependencies'] as Obj[]) names.push([str(d['name']), DNS_LABEL, 'dependency name']);
    } else if (f.path === 'helm/values.yaml') {
      const values = obj(read(f, '1.1')[0]);
      // The release namespace is helm's --namespace, not a value: the Secrets carry it (below).
      expect(obj(values['global'])).not.toHaveProperty('namespace');
      for (const [key, v] of Object.entries(values)) {
        const s = obj(v);
        if (typeof s['fullnameOverride'] === 'string') names.push([s['fullnameOverride'], DNS_LABEL, `${key}.fullnameOverride`]);
        // A chart's image: by tag, or by digest alone (global.image holds pull secrets only).
        const image = obj(s['image']);
        if (key !== 'global' && s['image'] !== undefined) {
          if (image['tag'] !== undefined || image['digest'] === undefined)
            names.push([str(image['tag'], ` at ${key}.image.tag`), IMAGE_TAG, `${key}.image.tag`]);
          else names.push([str(image['digest']), /^sha256:[0-9a-f]{64}$/, `${key}.image.digest`]);
        }
        for (const n of Object.keys(obj(s['env']))) names.push([n, ENV_NAME, `${key}.env`]);
        for (const [n, ref] of Object.entries(obj(s['secretEnv']))) {
          names.push([n, ENV_NAME, `${key}.secretEnv`]);
          names.push([str(obj(ref)['existingSecret']), DNS_SUBDOMAIN, `${key}.secretEnv.${n}.existingSecret`]);
          names.push([str(obj(ref)['key']), SECRET_KEY, `${key}.secretEnv.${n}.key`]);
        }
      }
    } else if (f.path === 'compose/docker-compose.yml') {
      for (const [name, svc] of Object.entries(obj(obj(read(f, '1.1')[0])['services']))) {
        const image = str(obj(svc)['image']);
        names.push([image.slice(image.lastIndexOf(':') + 1), IMAGE_TAG, `compose ${name} image tag`]);
      }
    } else if (f.path.startsWith('secrets/')) {
      const secret = obj(read(f, '1.1')[0]);
      const meta = obj(secret['metadata']);
      names.push([str(meta['name']), DNS_SUBDOMAIN, 'Secret name'], [str(meta['namespace']), DNS_LABEL, 'Secret namespace']);
      for (const [k, v] of Object.entries(obj(meta['labels']))) names.push([str(v), LABEL_VALUE, `label ${k}`]);
      for (const k of Object.keys(obj(secret['stringData']))) names.push([k, SECRET_KEY, 'Secret key']);
    }
  }
  return names;
}

/**
 * Every reference to a Secret key that values.yaml makes (`secretEnv` entries, the database's
 * `existingSecret` + `secretKeys`, `secretKeyRef`), as `<name>/<key>`, with where it is.
 */
function secretReferences(values: unknown): { ref: string; at: string }[] {
  const out: { ref: string; at: string }[] = [];
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) {
      node.forEach((n, i) => {
        walk(n, `${at}[${i}]`);
      });
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const o = node as Obj;
    if (typeof o['existingSecret'] === 'string' && typeof o['key'] === 'string')
      out.push({ ref: `${o['existingSecret']}/${o['key']}`, at });
    if (typeof o['existingSecret'] === 'string' && o['secretKeys'] !== undefined)
      for (const k of Object.values(obj(o['secretKeys']))) out.push({ ref: `${o['existingSecret']}/${String(k)}`, at });
    const skr = obj(o['secretKeyRef']);
    if (typeof skr['name'] === 'string') out.push({ ref: `${skr['name']}/${String(skr['key'])}`, at });
    for (const [k, v] of Object.entries(o)) walk(v, at === '' ? k : `${at}.${k}`);
  };
  walk(values, '');
  return out;
}

/** `<name>/<key>` for every key of every Secret manifest among the files, checking each file is named after its Secret. */
function secretKeys(files: readonly { path: string; contents: string }[]): Set<string> {
  const keys = new Set<string>();
  for (const f of files) {
    if (!f.path.startsWith('secrets/')) continue;
    const doc = obj(parseAllDocuments(f.contents, { version: '1.1' })[0]!.toJS());
    const name = String(obj(doc['metadata'])['name']);
    expect(f.path).toBe(`secrets/${name}.yaml`);
    for (const k of Object.keys({ ...obj(doc['data']), ...obj(doc['stringData']) })) keys.add(`${name}/${k}`);
  }
  return keys;
}

describe(`every output (${NUM_RUNS} generated sites)`, { timeout: PROPERTY_TIMEOUT }, () => {
  it('reads the same under YAML 1.1 and YAML 1.2, without error, redacted and revealed', () => {
    fc.assert(
      fc.property(siteArbitrary, (g) => {
        const model = checkGenerated(g).model;
        for (const f of [...emit(model, false), ...emit(model, true)]) {
          if (!f.path.endsWith('.yaml')) continue;
          expect(read(f, '1.1'), f.path).toEqual(read(f, '1.2'));
        }
      }),
      FC_OPTIONS,
    );
  });

  it('sets only valid Kubernetes names, keys, label values and image tags', () => {
    fc.assert(
      fc.property(siteArbitrary, (g) => {
        const model = checkGenerated(g).model;
        const names = kubernetesNames(emit(model, false));
        if (model.targets.compose && model.services.some((s) => s.enabled))
          expect(names.some(([, , what]) => what.startsWith('compose ') && what.endsWith(' image tag'))).toBe(true);
        if (model.targets.helm) expect(names.length).toBeGreaterThan(10);
        for (const [name, pattern, what] of names) expect(name, what).toMatch(pattern);
      }),
      FC_OPTIONS,
    );
  });

  it('refers from values.yaml only to keys of the Secret manifests it writes for the same site', () => {
    fc.assert(
      fc.property(siteArbitrary, (g) => {
        const model = checkGenerated(g).model;
        if (!model.targets.helm) return;
        const files = emit(model, false);
        const values = files.find((f) => f.path === 'helm/values.yaml')!;
        const refs = secretReferences(read(values, '1.1')[0]);
        // Every enabled service reads the internal token at least (a site may disable them all).
        if (model.services.some((s) => s.enabled)) expect(refs.length).toBeGreaterThan(0);
        const keys = secretKeys(files);
        for (const { ref, at } of refs) expect(keys.has(ref), `${at} refers to ${ref}`).toBe(true);
      }),
      FC_OPTIONS,
    );
  });

  it('holds no secret value outside the Secret manifests and the .env, and none at all when redacted', () => {
    fc.assert(
      fc.property(siteArbitrary, (g) => {
        const model = checkGenerated(g).model;
        const secrets = secretValues(model);
        expect(secrets.length).toBeGreaterThan(0);
        const revealed = emit(model, true);
        for (const f of revealed) {
          if (f.secret) continue;
          for (const s of secrets) expect(f.contents.includes(s), `${f.path} holds a secret`).toBe(false);
        }
        // Literal development values are public by design; every other secret is redacted.
        const hidden = secrets.filter((s) => !g.literals.includes(s));
        for (const f of emit(model, false))
          for (const s of hidden) expect(f.contents.includes(s), `${f.path} (redacted) holds a secret`).toBe(false);
      }),
      FC_OPTIONS,
    );
  });
});

describe('the committed out/ of every real site', () => {
  it.each(SITE_NAMES)('%s: values.yaml refers only to keys of its own Secret manifests', (site) => {
    const tree = readTree(join(ROOT, 'out', site));
    const files = Object.entries(tree).map(([path, contents]) => ({ path, contents }));
    const refs = secretReferences(parseAllDocuments(tree['helm/values.yaml']!, { version: '1.1' })[0]!.toJS());
    expect(refs.length).toBeGreaterThan(5);
    const keys = secretKeys(files);
    for (const { ref, at } of refs) expect(keys.has(ref), `${at} refers to ${ref}`).toBe(true);
  });
});
