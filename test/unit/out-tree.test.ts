import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diffSiteTree, recoverOutDir, writeSiteTree } from '../../src/write/out-tree.js';
import { run } from '../../src/cli/run.js';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'out-tree-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const files = (n: string) => [
  { path: 'a.txt', contents: `a${n}\n`, secret: false },
  { path: 'sub/b.txt', contents: `b${n}\n`, secret: true },
];

describe('writeSiteTree', () => {
  it('swaps the whole tree in and reports no difference afterwards', async () => {
    const out = temp();
    await writeSiteTree(out, 's', files('1'), { reveal: false, display: 'out/s' });
    await writeSiteTree(out, 's', files('2'), { reveal: false, display: 'out/s' });
    expect(readFileSync(join(out, 's/sub/b.txt'), 'utf8')).toBe('b2\n');
    expect(await diffSiteTree(out, 's', files('2'))).toEqual({ differing: [], missing: [], extra: [] });
    expect(readdirSync(out)).toEqual(['s']);
  });

  it('leaves the previous tree intact and no temporary folder when writing fails', async () => {
    const out = temp();
    await writeSiteTree(out, 's', files('1'), { reveal: false, display: 'out/s' });
    const bad = [...files('2'), { path: 'a.txt', contents: 'duplicate path fails the exclusive create\n', secret: false }];
    await expect(writeSiteTree(out, 's', bad, { reveal: false, display: 'out/s' })).rejects.toThrow();
    expect(readFileSync(join(out, 's/a.txt'), 'utf8')).toBe('a1\n');
    expect(readdirSync(out)).toEqual(['s']);
  });

  it('recovers from an interrupted swap', async () => {
    const out = temp();
    mkdirSync(join(out, '.s.previous-0123456789ab'), { recursive: true });
    writeFileSync(join(out, '.s.previous-0123456789ab/a.txt'), 'old\n');
    mkdirSync(join(out, '.s.staging-0123456789ab'));
    await recoverOutDir(out);
    expect(readdirSync(out)).toEqual(['s']);
    expect(readFileSync(join(out, 's/a.txt'), 'utf8')).toBe('old\n');
  });

  it('deletes a previous tree beside a complete site folder, and every removing tree', async () => {
    const out = temp();
    mkdirSync(join(out, 's'));
    writeFileSync(join(out, 's/a.txt'), 'new\n');
    mkdirSync(join(out, '.s.previous-0123456789ab'));
    writeFileSync(join(out, '.s.previous-0123456789ab/a.txt'), 'old\n');
    mkdirSync(join(out, '.t.removing-0123456789ab'));
    mkdirSync(join(out, '.unrelated'));
    await recoverOutDir(out);
    expect(readdirSync(out).sort()).toEqual(['.unrelated', 's']);
    expect(readFileSync(join(out, 's/a.txt'), 'utf8')).toBe('new\n');
  });

  it('recovers only the named site when asked', async () => {
    const out = temp();
    mkdirSync(join(out, '.s.staging-0123456789ab'));
    mkdirSync(join(out, '.t.staging-0123456789ab'));
    await recoverOutDir(out, 's');
    expect(readdirSync(out)).toEqual(['.t.staging-0123456789ab']);
  });
});

describe('run', () => {
  it('turns an unexpected exception into exit code 70 with a request to report it', async () => {
    const dir = temp();
    mkdirSync(join(dir, 'sites'));
    writeFileSync(
      join(dir, 'sites/mini.yaml'),
      'site: {name: mini, environment: staging, domain: mini.example.org}\nrelease: {version: "1.0.0"}\nservices: {kea-sync: {enabled: false}}\n',
    );
    let stderr = '';
    const code = await run(['validate', 'sites'], {
      stdout: () => {
        throw new Error('boom');
      },
      stderr: (t) => void (stderr += t),
      env: {},
      cwd: dir,
    });
    expect(code).toBe(70);
    expect(stderr).toContain('internal error: boom');
    expect(stderr).toContain('please report it');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
