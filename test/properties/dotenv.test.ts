/**
 * Property: every value of every generated environment file (compose/env/<container>.env) reads
 * back, through compose's own parser, as exactly the string the compiler meant. The sites are
 * generated and compiled first; compose's parser then reads all their files in one run.
 */
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTemps, temp } from '../helpers/cli.js';
import { intendedEnvFiles } from '../helpers/sites.js';
import { runTool, toolPath } from '../helpers/tools.js';
import { checkGenerated, FC_OPTIONS, NUM_RUNS, PROPERTY_TIMEOUT, siteArbitrary, type GeneratedSite } from './arbitraries.js';
import { emit, PROPERTY_INPUTS } from './helpers.js';

afterAll(removeTemps);

describe(`environment files through compose's parser (${NUM_RUNS} generated sites)`, { timeout: PROPERTY_TIMEOUT }, () => {
  it('reads every variable back as the intended string, redacted and revealed', () => {
    toolPath('readers');
    const dir = join(temp('chamicore-prop-env-'), 'env');
    mkdirSync(dir);
    const written: { file: string; site: GeneratedSite; intended: Map<string, string> }[] = [];
    const composeSites = siteArbitrary.map((g) => ({ ...g, data: { ...g.data, targets: ['compose'] } }));
    fc.assert(
      fc.property(composeSites, (g) => {
        const model = checkGenerated(g).model;
        for (const reveal of [false, true]) {
          const intended = intendedEnvFiles(model, reveal, PROPERTY_INPUTS);
          const files = emit(model, reveal).filter((f) => f.path.startsWith('compose/env/'));
          expect(files.map((f) => f.path).sort()).toEqual([...intended.keys()].sort());
          for (const env of files) {
            const file = join(dir, `${written.length}.env`);
            writeFileSync(file, env.contents);
            written.push({ file, site: g, intended: intended.get(env.path)! });
          }
        }
      }),
      FC_OPTIONS,
    );
    const r = runTool('readers', ['dotenv', ...written.map((w) => w.file)]);
    expect(r.code, r.stderr).toBe(0);
    const read = JSON.parse(r.stdout) as Record<string, Record<string, string>>;
    let compared = 0;
    for (const w of written) {
      const got = read[w.file]!;
      const mismatches = [...w.intended].filter(([k, v]) => got[k] !== v);
      expect(Object.keys(got).sort(), w.file).toEqual([...w.intended.keys()].sort());
      expect(mismatches, `${w.file} from ${JSON.stringify(w.site.data)}`).toEqual([]);
      compared += w.intended.size;
    }
    expect(written.length).toBeGreaterThanOrEqual(2 * NUM_RUNS);
    expect(compared).toBeGreaterThan(NUM_RUNS * 20);
  });
});
