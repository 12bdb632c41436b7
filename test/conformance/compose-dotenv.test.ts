/**
 * Every generated .env, read by Docker Compose's own parser (compose-go v2 `dotenv`, built from
 * test/conformance/readers by `npm run tools`), holds exactly the variables the compiler meant, with
 * exactly the intended values: for the real sites and for a site full of hostile strings.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileInto, HOSTILE_SITE, removeTemps, revealInto, ROOT, temp } from '../helpers/cli.js';
import { realSiteModel, intendedDotenv, siteModel, SITE_NAMES } from '../helpers/sites.js';
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

let revealed = '';
let hostileRedacted = '';
beforeAll(() => {
  toolPath('readers');
  revealed = revealInto(['sites', HOSTILE_SITE]);
  hostileRedacted = compileInto([HOSTILE_SITE]);
});
afterAll(removeTemps);

const composeSites = SITE_NAMES.filter((s) => realSiteModel(s).targets.compose);

describe('compose reads every .env as meant', () => {
  it('at least one real site has the compose target', () => {
    expect(composeSites.length).toBeGreaterThan(0);
    for (const s of SITE_NAMES) expect(existsSync(join(ROOT, 'out', s, 'compose/.env'))).toBe(realSiteModel(s).targets.compose);
  });

  it.each(composeSites)('%s: the committed (redacted) .env', (site) => {
    const file = join(ROOT, 'out', site, 'compose/.env');
    expectSame(composeRead([file])[file]!, intendedDotenv(realSiteModel(site), false));
  });

  it.each(composeSites)('%s: the revealed .env', (site) => {
    const file = join(revealed, site, 'compose/.env');
    expectSame(composeRead([file])[file]!, intendedDotenv(realSiteModel(site), true));
  });

  it.each([
    ['redacted', () => hostileRedacted, false],
    ['revealed', () => revealed, true],
  ] as const)('hostile strings: %s', (_label, out, reveal) => {
    const file = join(out(), 'hostile/compose/.env');
    const intended = intendedDotenv(siteModel(HOSTILE_SITE, 'hostile'), reveal);
    const read = composeRead([file])[file]!;
    expectSame(read, intended);
    // The site's own strings, character for character, as the site file states them.
    expect(read['CHAMICORE_VERSION']).toBe('1.10');
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
