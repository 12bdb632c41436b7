/**
 * Layering runs one way (docs/architecture.md): the pure stages touch no file system, process or
 * git, load/ depends on nothing after it, report/ and util/ sit at the bottom, no module imports
 * itself through others, and the code generator imports no test code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

function sources(dir: string): { file: string; imports: string[] }[] {
  const out: { file: string; imports: string[] }[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else if (/\.(ts|mjs)$/.test(e.name) && !e.name.endsWith('.d.mts')) {
        const text = readFileSync(path, 'utf8');
        const imports = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
        out.push({ file: relative(ROOT, path), imports });
      }
    }
  };
  walk(join(ROOT, dir));
  return out;
}

/** Every import of a file, resolved to a path under src/ when relative (`src/write/lock.js`), else as written (`node:fs`). */
function resolved(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return relative(ROOT, join(ROOT, file, '..', spec));
}

const SRC = sources('src');

/** The import cycles among `files` (strongly connected components of more than one file), each sorted. */
function importCycles(files: readonly { file: string; imports: string[] }[]): string[][] {
  const known = new Set(files.map((f) => f.file));
  const edges = new Map(
    files.map((f) => [f.file, f.imports.map((i) => resolved(f.file, i).replace(/\.js$/, '.ts')).filter((i) => known.has(i))]),
  );
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const f of known) if (!index.has(f)) visit(f);
  return cycles;
}
const violations = (files: { file: string; imports: string[] }[], forbidden: RegExp): string[] =>
  files.flatMap((f) =>
    f.imports
      .map((i) => resolved(f.file, i))
      .filter((i) => forbidden.test(i))
      .map((i) => `${f.file} → ${i}`),
  );

describe('layering', () => {
  it('found the sources', () => {
    expect(SRC.length).toBeGreaterThan(50);
    expect(SRC.find((f) => f.file === 'src/compile.ts')!.imports).toContain('./load/parse-site.js');
  });

  it('load/ imports nothing from compile.ts, cli/, write/ or emit/', () => {
    expect(
      violations(
        SRC.filter((f) => f.file.startsWith('src/load/')),
        /^src\/(compile\.js|cli\/|write\/|emit\/)/,
      ),
    ).toEqual([]);
  });

  it('the pure stages (model, validate, emit, secrets, report, docs, compile.ts) touch no file system, process, git or CLI', () => {
    const pure = SRC.filter((f) => /^src\/(model|validate|emit|secrets|report|docs)\/|^src\/compile\.ts$/.test(f.file));
    expect(pure.length).toBeGreaterThan(30);
    expect(violations(pure, /^node:(fs|fs\/promises|child_process|process|os)$|^src\/(io|write|cli|load\/read-)/)).toEqual([]);
  });

  it('only src/io/ runs programs: git, and the sync of the write barrier', () => {
    expect(SRC.filter((f) => f.imports.includes('node:child_process')).map((f) => f.file)).toEqual(['src/io/git.ts', 'src/io/sync-fs.ts']);
  });

  it('report/ and util/ import nothing above them (the rule registry, the CLI, the model)', () => {
    expect(
      violations(
        SRC.filter((f) => /^src\/(report|util)\//.test(f.file)),
        /^src\/(validate|cli|model|emit|write|load|layers|compile)/,
      ),
    ).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(importCycles(SRC)).toEqual([]);
  });

  it('finds an import cycle when there is one', () => {
    expect(
      importCycles([
        { file: 'src/a.ts', imports: ['./b.js'] },
        { file: 'src/b.ts', imports: ['./c.js', 'node:fs'] },
        { file: 'src/c.ts', imports: ['./a.js'] },
        { file: 'src/d.ts', imports: ['./a.js'] },
      ]),
    ).toEqual([['src/a.ts', 'src/b.ts', 'src/c.ts']]);
  });

  it('the code generator and the build scripts import no test code', () => {
    expect(violations(sources('scripts'), /^test\//)).toEqual([]);
  });
});
