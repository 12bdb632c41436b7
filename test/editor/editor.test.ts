/**
 * What an editor shows for site files, from the real yaml-language-server (driven over stdio as an
 * editor drives it) with the modeline every site file starts with: hovers headed by the key's own
 * path, never another service's; completion that offers the built-in secrets and inserts examples
 * that are right for the key they complete (and valid); diagnostics for what the schema refuses; and
 * the base schema for sites/bases/*.yaml (issue 20).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { YamlLanguageServer } from './lsp.js';

const SITE = `# yaml-language-server: $schema=../schema/site.schema.json
site:
  name: editor
  environment: production
  domain: editor.cscs.ch
release:
  version: "1.4.2"
  postgresqlChart:
    version: "16.7.27"
kubernetes:
  namespace: chamicore-editor
images:
  mirror: mirror.cscs.ch/dockerhub
services:
  smd:
    replicas: 2
  power:
    replicas: 1
secrets:
  db-password:
    fromEnv: EDITOR_DB_PASSWORD
`;

/** 0-based line and character of the first occurrence of `needle` (after `after`, when given). */
function at(text: string, needle: string, after = ''): { line: number; character: number } {
  const start = text.indexOf(after);
  const i = text.indexOf(needle, start < 0 ? 0 : start);
  if (i < 0) throw new Error(`no ${needle}`);
  const before = text.slice(0, i).split('\n');
  return { line: before.length - 1, character: before.at(-1)!.length };
}

let lsp: YamlLanguageServer;
const uri = pathToFileURL(join(ROOT, 'sites', 'editor-test.yaml')).href;

beforeAll(async () => {
  lsp = new YamlLanguageServer();
  await lsp.start(pathToFileURL(ROOT).href);
}, 60_000);
afterAll(async () => {
  await lsp.stop();
});

describe('yaml-language-server on a site file', () => {
  it('finds nothing wrong with a valid site', async () => {
    expect(await lsp.open(uri, SITE)).toEqual([]);
  });

  it("heads the hover of a key every service shares with that key's own path, never another service's", async () => {
    await lsp.open(uri, SITE);
    for (const svc of ['smd', 'power']) {
      const p = at(SITE, 'replicas', `  ${svc}:`);
      const hover = await lsp.hover(uri, p.line, p.character + 2);
      expect(hover, svc).toMatch(/^#### services\.<service>\.replicas\n/);
      expect(hover, svc).toContain('Number of replicas.');
    }
    const name = at(SITE, 'name:');
    expect(await lsp.hover(uri, name.line, name.character + 1)).toMatch(/^#### site\.name\n/);
  });

  it('shows examples that fit the key: a namespace, a mirror, the PostgreSQL chart version', async () => {
    await lsp.open(uri, SITE);
    const hover = async (needle: string, after = ''): Promise<string> => {
      const p = at(SITE, needle, after);
      return lsp.hover(uri, p.line, p.character + 1);
    };
    expect(await hover('namespace:')).toContain('Example: `"chamicore-alps"`');
    expect(await hover('mirror:')).toContain('Example: `"mirror.eiger.cscs.ch:5000/dockerhub"`');
    expect(await hover('mirror:')).not.toContain('registry.cscs.ch/openchami');
    expect(await hover('version:', 'postgresqlChart')).toContain('Example: `"16.7.27"`');
    expect(await hover('version:', 'release:')).toContain('Example: `"1.4.2"`');
  });

  it('offers the built-in secret names under secrets', async () => {
    const text = SITE.replace('  db-password:\n    fromEnv: EDITOR_DB_PASSWORD\n', '  \n');
    await lsp.open(uri, text);
    const p = at(text, '  \n', 'secrets:');
    const labels = (await lsp.complete(uri, p.line, 2)).map((i) => i.label);
    for (const name of [
      'internal-token',
      'db-password',
      'db-admin-password',
      'auth-encryption-key',
      'ui-session-key',
      'mcp-token',
      'nats-token',
    ])
      expect(labels).toContain(name);
  });

  it('completes a key with an example that fits it and that the schema accepts', async () => {
    const text = SITE.replace('kubernetes:\n  namespace: chamicore-editor\n', 'kubernetes:\n  \ndatabase:\n  \n');
    await lsp.open(uri, text);
    const k = at(text, '  \n', 'kubernetes:');
    const kube = await lsp.complete(uri, k.line, 2);
    expect(kube.find((i) => i.label === 'namespace')?.insertText).toBe('namespace: ${1:chamicore-alps}');
    const d = at(text, '  \n', 'database:');
    const db = await lsp.complete(uri, d.line, 2);
    expect(db.find((i) => i.label === 'maxConnections')?.insertText).toBe('maxConnections: ${1:500}');
    // The inserted example validates.
    const filled = text
      .replace('database:\n  \n', 'database:\n  maxConnections: 500\n')
      .replace('kubernetes:\n  \n', 'kubernetes:\n  namespace: chamicore-alps\n');
    expect(await lsp.open(uri, filled)).toEqual([]);
  });

  it('flags what the schema refuses, at its line', async () => {
    const text = SITE.replace('    replicas: 2\n', '    replicas: 2\n    bogus: 1\n').replace('version: "1.4.2"', 'version: 1.4');
    const diagnostics = await lsp.open(uri, text);
    const lines = diagnostics.map((d) => d.range.start.line);
    expect(lines).toContain(at(text, 'bogus').line);
    expect(lines).toContain(at(text, 'version: 1.4').line);
  });
});

describe('yaml-language-server on a base', () => {
  const base = pathToFileURL(join(ROOT, 'sites', 'bases', 'editor-test.yaml')).href;

  it('accepts a partial site with base.schema.json, and flags what a base may not set', async () => {
    const text = '# yaml-language-server: $schema=../../schema/base.schema.json\nimages:\n  pullPolicy: IfNotPresent\n';
    expect(await lsp.open(base, text)).toEqual([]);
    const bad = `${text}extends: [other]\nsite:\n  name: x\n`;
    const lines = (await lsp.open(base, bad)).map((d) => d.range.start.line);
    expect(lines).toContain(at(bad, 'extends').line);
    expect(lines).toContain(at(bad, '  name: x').line);
  });
});

describe('docs/site-reference.md shows the same examples', () => {
  it('each key with an example of its own, not of the shared type it uses', async () => {
    const { readFileSync } = await import('node:fs');
    const rows = readFileSync(join(ROOT, 'docs/site-reference.md'), 'utf8').split('\n');
    const row = (key: string): string => rows.find((r) => r.startsWith(`| \`${key}\` |`)) ?? '';
    expect(row('images.mirror')).toMatch(/\| `mirror\.eiger\.cscs\.ch:5000\/dockerhub` \|$/);
    expect(row('release.postgresqlChart.version')).toMatch(/\| `16\.7\.27` \|$/);
    expect(row('release.natsChart.version')).toMatch(/\| `1\.3\.7` \|$/);
    expect(row('kubernetes.namespace')).toMatch(/\| `chamicore-alps` \|$/);
  });
});
