/**
 * Layering runs one way (docs/architecture.md): the pure stages touch no file system, process or
 * git, load/ depends on nothing after it, and the code generator imports no test code.
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

  it('only src/io/git.ts runs programs', () => {
    expect(SRC.filter((f) => f.imports.includes('node:child_process')).map((f) => f.file)).toEqual(['src/io/git.ts']);
  });

  it('the code generator and the build scripts import no test code', () => {
    expect(violations(sources('scripts'), /^test\//)).toEqual([]);
  });
});
