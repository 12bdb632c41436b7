/**
 * Every generated environment file (compose/env/<container>.env), read by Docker Compose's own
 * parser (compose-go v2 `dotenv`, built from test/conformance/readers by `npm run tools`), holds
 * exactly the variables the compiler meant, with exactly the intended values: for the real sites and
 * for a site full of hostile strings.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileInto, HOSTILE_SITE, removeTemps, revealInto, ROOT, temp } from '../helpers/cli.js';
import { realSiteModel, intendedEnvFiles, siteModel, SITE_NAMES } from '../helpers/sites.js';
import type { SiteModel } from '../../src/model/site-model.js';
import { runTool, toolPath } from '../helpers/tools.js';

/** What compose's parser reads from each file. */
function composeRead(files: readonly string[]): Record<string, Record<string, string>> {
  const r = runTool('readers', ['dotenv', ...files]);
  if (r.code !== 0) throw new Error(`readers dotenv failed (${String(r.code)}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, Record<string, string>>;
}

function expectSame(read: Record<string, string>, intended: Map<string, string>): void {
  expect(Object.keys(read).sort()).toEqual([...intended.keys()].sort());
  const mismatches = [...intended].filter(([k, v]) => read[k] !== v).map(([k, v]) => ({ name: k, intended: v, read: read[k] }));
  expect(mismatches).toEqual([]);
}

/** Reads every environment file of a site folder and compares each with what the compiler meant; returns them all by path. */
function expectSite(siteDir: string, model: SiteModel, reveal: boolean): Map<string, Record<string, string>> {
  const intended = intendedEnvFiles(model, reveal);
  const present = readdirSync(join(siteDir, 'compose/env')).map((f) => `compose/env/${f}`);
  expect(present.sort()).toEqual([...intended.keys()].sort());
  const files = present.map((p) => join(siteDir, p));
  const read = composeRead(files);
  const out = new Map<string, Record<string, string>>();
  for (const p of present) {
    expectSame(read[join(siteDir, p)]!, intended.get(p)!);
    out.set(p, read[join(siteDir, p)]!);
  }
  return out;
}

let revealed = '';
let hostileRedacted = '';
beforeAll(() => {
  toolPath('readers');
  revealed = revealInto(['sites', HOSTILE_SITE]);
  hostileRedacted = compileInto([HOSTILE_SITE]);
});
afterAll(removeTemps);

const composeSites = SITE_NAMES.filter((s) => realSiteModel(s).targets.compose);

describe('compose reads every environment file as meant', () => {
  it('at least one real site has the compose target', () => {
    expect(composeSites.length).toBeGreaterThan(0);
    for (const s of SITE_NAMES) expect(existsSync(join(ROOT, 'out', s, 'compose/env'))).toBe(realSiteModel(s).targets.compose);
  });

  it.each(composeSites)('%s: the committed (redacted) files', (site) => {
    expect(expectSite(join(ROOT, 'out', site), realSiteModel(site), false).size).toBeGreaterThan(3);
  });

  it.each(composeSites)('%s: the revealed files', (site) => {
    expect(expectSite(join(revealed, site), realSiteModel(site), true).size).toBeGreaterThan(3);
  });

  it.each([
    ['redacted', () => hostileRedacted, false],
    ['revealed', () => revealed, true],
  ] as const)('hostile strings: %s', (_label, out, reveal) => {
    const files = expectSite(join(out(), 'hostile'), siteModel(HOSTILE_SITE, 'hostile'), reveal);
    const read = Object.assign({}, ...files.values()) as Record<string, string>;
    // The site's own strings, character for character, as the site file states them.
    expect(read['DOLLAR']).toBe('$HOME ${HOME} $$ $ ${X:-default} ${X:?err} $(id) $$(id) \\$HOME end$');
    expect(read['NEWLINE']).toBe('a\nCHAMICORE_SMD_DEV_MODE=true\n');
    expect(read['HASH']).toBe('# not a comment #x # ');
    expect(read['CRLF']).toBe('a\r\nb\rc');
    expect(read['LINESEP']).toBe('a\u2028b\u2029c\u0085d');
    if (reveal) expect(read['POSTGRES_PASSWORD']).toBe('p@ss:w/rd$HOME"\'#\n${X} \\');
  });

  it('the parser is real: an unescaped $ would be expanded', () => {
    const dir = temp();
    const file = join(dir, '.env');
    writeFileSync(file, 'A="x ${HOME} $$ y"\n');
    expect(composeRead([file])[file]).toEqual({ A: 'x  $ y' });
    expect(readFileSync(file, 'utf8')).toContain('${HOME}');
  });
});
