/**
 * Every emitted YAML file read by PyYAML's safe loader, a strict YAML 1.1 reader (no `=` value
 * tag, sexagesimal numbers, yes/no booleans), must hold what yaml@2 reads under YAML 1.2: the data
 * the compiler meant.
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { compileInto, HOSTILE_SITE, removeTemps, ROOT, temp } from '../helpers/cli.js';
import { minimalSite } from '../helpers/site.js';
import { runTool, toolPath } from '../helpers/tools.js';
import { readFileSync } from 'node:fs';

const READER = join(ROOT, 'test/conformance/pyyaml-read.py');

/** Every strings PyYAML resolves to something else when plain, as env values. */
const SPECIAL = [
  '=',
  '<<',
  '~',
  'null',
  'Null',
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  'n',
  '1:20',
  '1:20.5',
  '-1:30',
  '1_000',
  '0b101',
  '0o17',
  '017',
  '0x1F',
  '.inf',
  '-.Inf',
  '.NaN',
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '1e3',
  '+1',
  '1.',
  '-',
  '?',
  ':',
  'a: b',
  '# c',
  '!x',
  '&a',
  '*a',
  '%x',
  '@x',
  '`x',
  '|',
  '>',
  "'",
  '"',
  '=x',
  'x=',
  '== =',
];

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name) && statSync(p).isFile()) out.push(p);
  }
  return out.sort();
}

function pyyaml(files: readonly string[]): Record<string, unknown> {
  const r = runTool('pyyaml', [READER, ...files]);
  if (r.code !== 0) throw new Error(`PyYAML refused a file (${String(r.code)}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

let fixtures = '';
let specialOut = '';
beforeAll(() => {
  toolPath('pyyaml');
  fixtures = compileInto([HOSTILE_SITE, 'test/conformance/sites/airgap.yaml']);
  const dir = temp();
  const env = Object.fromEntries(SPECIAL.map((v, i) => [`SPECIAL_${String(i)}`, v]));
  const site = minimalSite({ services: { 'kea-sync': { enabled: false }, smd: { env } }, targets: ['helm', 'compose'] });
  writeFileSync(join(dir, 'mini.yaml'), stringify(site));
  specialOut = compileInto([join(dir, 'mini.yaml')]);
});
afterAll(removeTemps);

describe('PyYAML (strict YAML 1.1) reads every emitted file as meant', () => {
  it.each([
    ['the committed out/', () => join(ROOT, 'out')],
    ['the hostile and airgap sites', () => fixtures],
    ['a site of every scalar PyYAML treats specially', () => specialOut],
  ])('%s', (_label, dir) => {
    const files = yamlFiles(dir());
    expect(files.length).toBeGreaterThan(5);
    const read = pyyaml(files);
    for (const f of files) expect(read[f], f).toEqual(parse(readFileSync(f, 'utf8')));
  });

  it('the special strings arrive as strings', () => {
    const values = pyyaml([join(specialOut, 'mini/helm/values.yaml')]);
    const env = (Object.values(values)[0] as Record<string, { env: Record<string, string> }>)['chamicore-smd']!.env;
    SPECIAL.forEach((v, i) => {
      expect(env[`SPECIAL_${String(i)}`], JSON.stringify(v)).toBe(v);
    });
  });
});
