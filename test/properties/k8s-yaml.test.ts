/**
 * Property: every YAML file the compiler emits (values, Chart, Secrets) reads, through the parser
 * Helm, kubectl and kubeconform use (sigs.k8s.io/yaml over go-yaml v2, YAML 1.1 scalars), as
 * exactly the data the compiler meant (what YAML 1.2 reads). The sites are generated and compiled
 * first; the Go reader (built by `npm run tools` from test/conformance/readers) reads them all in one run.
 */
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { removeTemps, temp } from '../helpers/cli.js';
import { runTool, toolPath } from '../helpers/tools.js';
import { checkGenerated, FC_OPTIONS, NUM_RUNS, PROPERTY_TIMEOUT, siteArbitrary, type GeneratedSite } from './arbitraries.js';
import { emit } from './helpers.js';

afterAll(removeTemps);

describe(`YAML through sigs.k8s.io/yaml (${NUM_RUNS} generated sites)`, { timeout: PROPERTY_TIMEOUT }, () => {
  it('reads every emitted YAML file as the data the compiler meant, redacted and revealed', () => {
    toolPath('readers');
    const dir = join(temp('chamicore-prop-yaml-'), 'yaml');
    mkdirSync(dir);
    const written = new Map<string, { site: GeneratedSite; path: string; intended: unknown }>();
    const helmSites = siteArbitrary.map((g) => ({ ...g, data: { ...g.data, targets: ['helm'] } }));
    fc.assert(
      fc.property(helmSites, (g) => {
        const model = checkGenerated(g).model;
        for (const reveal of [false, true]) {
          for (const f of emit(model, reveal)) {
            if (!f.path.endsWith('.yaml')) continue;
            const file = join(dir, `${written.size}.yaml`);
            writeFileSync(file, f.contents);
            written.set(file, { site: g, path: f.path, intended: parse(f.contents, { version: '1.2' }) });
          }
        }
      }),
      FC_OPTIONS,
    );
    const r = runTool('readers', ['yaml', dir]);
    expect(r.code, r.stderr).toBe(0);
    const read = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(read).length).toBe(written.size);
    for (const [file, w] of written) {
      expect(read[file], `${w.path} of ${JSON.stringify(w.site.data)}`).toEqual(w.intended);
    }
    expect(written.size).toBeGreaterThan(NUM_RUNS * 10);
  });
});
