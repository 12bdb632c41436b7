/** Properties: compiling is a pure function of the site's content, not of its key order or the run. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkText } from '../helpers/site.js';
import { checkGenerated, FC_OPTIONS, NUM_RUNS, PROPERTY_TIMEOUT, siteArbitrary } from './arbitraries.js';
import { emit, PROPERTY_INPUTS } from './helpers.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliProcess, readTree, removeTemps, temp } from '../helpers/cli.js';
import { afterAll } from 'vitest';

/** Shuffles the key order of every mapping, recursively, with a seed. */
function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, seed));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    // A deterministic permutation: sort by a hash of key and seed.
    const hash = (k: string): number => {
      let h = (2166136261 ^ seed) >>> 0;
      for (let i = 0; i < k.length; i += 1) h = Math.imul(h ^ k.charCodeAt(i), 16777619) >>> 0;
      return h;
    };
    entries.sort(([a], [b]) => hash(a) - hash(b));
    return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, seed)]));
  }
  return value;
}

describe(`determinism (${NUM_RUNS} generated sites)`, { timeout: PROPERTY_TIMEOUT }, () => {
  it('compiling twice gives identical bytes, redacted and revealed', () => {
    fc.assert(
      fc.property(siteArbitrary, (g) => {
        const a = checkGenerated(g).model;
        const b = checkGenerated(g).model;
        expect(emit(b, false)).toEqual(emit(a, false));
        expect(emit(b, true)).toEqual(emit(a, true));
      }),
      FC_OPTIONS,
    );
  });

  it('the key order of the input does not matter', () => {
    fc.assert(
      fc.property(siteArbitrary, fc.integer(), (g, seed) => {
        const reordered = checkText(stringify(shuffleKeys(g.data, seed)), g.name);
        expect(reordered.model, JSON.stringify(reordered.diagnostics)).toBeDefined();
        expect(emit(reordered.model!, true)).toEqual(emit(checkGenerated(g).model, true));
      }),
      FC_OPTIONS,
    );
  });
});

afterAll(removeTemps);

// 80 sites through four CLI runs: about 20 s on an idle 2-core machine.
describe('determinism across processes', { timeout: 300_000 }, () => {
  it('two CLI runs (other time zone, locale, working directory and argument order) write the bytes the library emits', () => {
    // A fixed seed: the same sites every run; distinct names, one file each, and (as a run over one
    // folder requires) distinct namespaces and ingress hosts.
    const claimed = new Set<string>();
    const sites = [...new Map(fc.sample(siteArbitrary, { numRuns: 80, seed: 20261201 }).map((g) => [g.name, g])).values()].filter((g) => {
      const k8s = (g.data as { kubernetes?: { namespace?: string; ingress?: { host?: string } } }).kubernetes;
      const names = [
        `namespace ${k8s?.namespace ?? `chamicore-${g.name}`}`,
        ...(k8s?.ingress?.host === undefined ? [] : [`host ${k8s.ingress.host}`]),
      ];
      if (names.some((n) => claimed.has(n))) return false;
      for (const n of names) claimed.add(n);
      return true;
    });
    expect(sites.length).toBeGreaterThan(40);
    const ws = temp('chamicore-determinism-');
    mkdirSync(join(ws, 'sites'));
    for (const g of sites) writeFileSync(join(ws, 'sites', `${g.name}.yaml`), stringify(g.data));
    const secrets = join(temp(), 'secrets');
    mkdirSync(secrets, { mode: 0o700 });
    for (const [name, file] of PROPERTY_INPUTS.files) if (file.kind === 'ok') writeFileSync(join(secrets, name), file.value);
    const env = {
      CHAMICORE_SITE_KEY: Buffer.from(PROPERTY_INPUTS.siteKey!).toString('utf8'),
      ...Object.fromEntries(PROPERTY_INPUTS.env),
    };
    const files = sites.map((g) => join(ws, 'sites', `${g.name}.yaml`));
    const runs: { cwd: string; args: string[]; extra: Record<string, string> }[] = [
      { cwd: ws, args: ['sites'], extra: { TZ: 'UTC', LANG: 'C' } },
      { cwd: secrets, args: [...files].reverse(), extra: { TZ: 'Asia/Kathmandu', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' } },
    ];
    const trees = runs.flatMap(({ cwd, args, extra }) =>
      [false, true].map((reveal) => {
        const out = join(temp(), 'out');
        // Processes: the time zone and locale are the process's own, not run()'s environment.
        const r = cliProcess([...(reveal ? ['--reveal', '--secrets-dir', secrets] : []), '--out', out, ...args], {
          cwd,
          env: { ...env, ...extra },
        });
        expect(r.code, r.stderr).toBe(0);
        return readTree(out);
      }),
    );
    expect(trees[2]).toEqual(trees[0]);
    expect(trees[3]).toEqual(trees[1]);
    for (const g of sites) {
      const model = checkGenerated(g).model;
      for (const [reveal, tree] of [
        [false, trees[0]!],
        [true, trees[1]!],
      ] as const) {
        const mine = Object.fromEntries(emit(model, reveal).map((f) => [`${g.name}/${f.path}`, f.contents]));
        const theirs = Object.fromEntries(Object.entries(tree).filter(([path]) => path.startsWith(`${g.name}/`)));
        expect(theirs).toEqual(mine);
      }
    }
  });
});
