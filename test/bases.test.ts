/**
 * Shared defaults across sites (issue 20): a site file names bases in `extends:`, each a partial site
 * file in `bases/` beside it. Through the real CLI: a layered site compiles to the same bytes as the
 * flat site it stands for; every finding points into the file that holds the value; explain names
 * that file; diff shows every site a change of a base touches; --check notices it; a base is never a
 * site, and a hostile base (a link, a chain, a site name) is refused with a located error.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { cli, readTree, removeTemps, workspace } from './helpers/cli.js';

afterAll(removeTemps);

const git = (dir: string, ...args: string[]): void => {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: dir, stdio: 'ignore' });
};

/** Line and column (1-based) of the first line of `text` that starts with `line`, at the text after `prefix`. */
function at(text: string, line: string, column = line.length - line.trimStart().length + 1): string {
  const i = text.split('\n').findIndex((l) => l.startsWith(line));
  if (i < 0) throw new Error(`no line ${line}`);
  return `${String(i + 1)}:${String(column)}`;
}

/** alps split in two: what a base of CSCS production sites would hold, and the rest. */
function splitAlps(): { base: Record<string, unknown>; site: Record<string, unknown> } {
  const alps = parse(readFileSync(join(workspace(), 'sites/alps.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
  const services = alps['services']!;
  const base = {
    images: alps['images'],
    kubernetes: { storageClass: alps['kubernetes']!['storageClass'], monitoring: alps['kubernetes']!['monitoring'] },
    services: { auth: services['auth'], smd: { resources: (services['smd'] as Record<string, unknown>)['resources'] } },
  };
  const kubernetes = { ...alps['kubernetes'] };
  delete kubernetes['storageClass'];
  delete kubernetes['monitoring'];
  const smd = { ...(services['smd'] as Record<string, unknown>) };
  delete smd['resources'];
  const rest: Record<string, unknown> = { ...services, smd };
  delete rest['auth'];
  const site: Record<string, unknown> = { site: alps['site'], extends: ['cscs'], ...alps, kubernetes, services: rest };
  delete site['images'];
  return { base, site };
}

describe('a site over bases', () => {
  it('compiles to the same bytes as the flat site it stands for', () => {
    const flat = workspace();
    const layered = workspace();
    const { base, site } = splitAlps();
    mkdirSync(join(layered, 'sites/bases'));
    writeFileSync(join(layered, 'sites/bases/cscs.yaml'), stringify(base));
    writeFileSync(join(layered, 'sites/alps.yaml'), stringify(site));
    for (const w of [flat, layered]) {
      const r = cli(['--strict', 'sites'], { cwd: w });
      expect(r.code, r.stderr).toBe(0);
      // A base is never compiled as a site.
      expect(r.stdout).not.toContain('cscs');
    }
    expect(readTree(join(layered, 'out'))).toEqual(readTree(join(flat, 'out')));
    expect(cli(['--check', '--strict', 'sites'], { cwd: layered }).code).toBe(0);
  });

  it('locates every finding in the file that holds the value, the base included', () => {
    const w = workspace();
    mkdirSync(join(w, 'sites/bases'));
    const baseText = 'services:\n  smd:\n    replicas: "three"\n  bss:\n    logLevel: loud\nimages:\n  pullPolicy: IfNotPresent\n';
    writeFileSync(join(w, 'sites/bases/cscs.yaml'), baseText);
    const eiger = readFileSync(join(w, 'sites/eiger.yaml'), 'utf8').replace('release:\n', 'extends: [cscs]\nnotakey: 1\n\nrelease:\n');
    writeFileSync(join(w, 'sites/eiger.yaml'), eiger);
    const r = cli(['validate', 'sites/eiger'], { cwd: w });
    expect(r.code).toBe(1);
    // eiger sets services.smd.replicas itself (2): that value wins, so only bss.logLevel of the base is wrong.
    expect(r.stderr).toContain(`sites/bases/cscs.yaml:${at(baseText, '    logLevel', 15)}: schema-enum: `);
    expect(r.stderr).not.toContain('replicas');
    expect(r.stderr).toContain(`sites/eiger.yaml:${at(eiger, 'notakey')}: schema-unknown-key: `);
    // The base's line is quoted under its own file name.
    expect(r.stderr).toContain('    5 |     logLevel: loud\n');
  });

  it('explain names the base that sets a value, and the site file for what the site sets', () => {
    const w = workspace();
    mkdirSync(join(w, 'sites/bases'));
    const baseText = '# CSCS defaults\nobservability:\n  logLevel: warn\nimages:\n  pullPolicy: IfNotPresent\n';
    writeFileSync(join(w, 'sites/bases/cscs.yaml'), baseText);
    writeFileSync(
      join(w, 'sites/eiger.yaml'),
      readFileSync(join(w, 'sites/eiger.yaml'), 'utf8').replace('release:\n', 'extends: [cscs]\n\nrelease:\n'),
    );
    const r = cli(['explain', 'sites/eiger', 'images.pullPolicy'], { cwd: w });
    expect(r.stderr).toBe('');
    // eiger's own pullPolicy (Always) wins over the base's.
    expect(r.stdout).toMatch(/value: "Always", set at sites\/eiger\.yaml:\d+:15\n/);
    const level = cli(['explain', 'sites/eiger', 'observability.logLevel'], { cwd: w });
    expect(level.stdout).toContain('value: "info", set at sites/eiger.yaml:');
    writeFileSync(join(w, 'sites/bases/cscs.yaml'), `${baseText}kubernetes:\n  storageClass: ceph-rbd\n`);
    const base = cli(['explain', 'sites/eiger', 'kubernetes.storageClass'], { cwd: w });
    expect(base.stdout).toContain(`value: "ceph-rbd", set at sites/bases/cscs.yaml:7:17\n`);
  });

  it('three sites over one base: diff shows every site a change of the base touches, explain traces to it, --check notices it', () => {
    const w = workspace();
    mkdirSync(join(w, 'sites/bases'));
    writeFileSync(join(w, 'sites/bases/cscs.yaml'), 'services:\n  smd:\n    env:\n      X_SHARED: "1"\n');
    for (const s of ['alps', 'eiger', 'dev'])
      writeFileSync(
        join(w, `sites/${s}.yaml`),
        readFileSync(join(w, `sites/${s}.yaml`), 'utf8').replace(/^release:\n/m, 'extends: [cscs]\n\nrelease:\n'),
      );
    expect(cli(['sites'], { cwd: w }).code).toBe(0);
    git(w, 'init', '-q', '-b', 'main');
    git(w, 'add', '-A');
    git(w, 'commit', '-q', '-m', 'bases');
    writeFileSync(join(w, 'sites/bases/cscs.yaml'), 'services:\n  smd:\n    env:\n      X_SHARED: "2"\n');
    const r = cli(['diff', '--base', 'HEAD'], { cwd: w });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sites\/alps\.yaml: changed/m);
    expect(r.stdout).toMatch(/^sites\/eiger\.yaml: changed/m);
    expect(r.stdout).toMatch(/^sites\/dev\.yaml: changed/m);
    expect(r.stdout.match(/~ chamicore-smd\.env\.X_SHARED: "1" → "2"/g)).toHaveLength(3);
    // dev also has compose: its smd env file changes the same way.
    expect(r.stdout).toMatch(/compose\/env\/smd\.env:\n +~ X_SHARED: "1" → "2"/);
    // explain: the key is set in the base; the generated value traces back to that key.
    expect(cli(['explain', 'sites/dev', 'services.smd.env.X_SHARED'], { cwd: w }).stdout).toContain(
      'value: "2", set at sites/bases/cscs.yaml:4:17\n',
    );
    const back = cli(['explain', 'sites/eiger', 'values.yaml:chamicore-smd.env.X_SHARED'], { cwd: w });
    expect(back.stdout).toContain('services.smd.env.X_SHARED = "2" (set at sites/bases/cscs.yaml:4:17)');
    const check = cli(['--check', 'sites'], { cwd: w });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('out/alps/helm/values.yaml: differs');
    expect(check.stdout).toContain('out/eiger/helm/values.yaml: differs');
    expect(check.stdout).toContain('out/dev/compose/env/smd.env: differs');
  });
});

describe('init --extends', () => {
  it('writes a site layered over existing bases that validates as it is; refuses a base that is not there', () => {
    const w = workspace();
    mkdirSync(join(w, 'sites/bases'));
    writeFileSync(join(w, 'sites/bases/cscs.yaml'), 'images:\n  pullPolicy: Always\nobservability:\n  logLevel: warn\n');
    const r = cli(['init', 'newsite', '--extends', 'cscs'], { cwd: w });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(w, 'sites/newsite.yaml'), 'utf8')).toContain('\nextends: [cscs]\n');
    expect(cli(['validate', '--strict', 'sites/newsite'], { cwd: w }).code).toBe(0);
    expect(cli(['explain', 'sites/newsite', 'observability.logLevel'], { cwd: w }).stdout).toContain(
      'value: "warn", set at sites/bases/cscs.yaml:4:13\n',
    );
    const missing = cli(['init', 'other', '--extends', 'nope'], { cwd: w });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('chamicore-compile: error: base-unknown: --extends nope: sites/bases/nope.yaml does not exist\n');
    expect(cli(['init', 'other', '--extends', '../x'], { cwd: w }).stderr).toContain('base-unknown');
  });
});

describe('a base is never a site, and a hostile base is refused where it is named', () => {
  const withBase = (baseText: string | undefined, link = false): { w: string; eiger: string } => {
    const w = workspace();
    mkdirSync(join(w, 'sites/bases'));
    if (link) {
      writeFileSync(join(w, 'token'), 'images:\n  registry: s3cr3t-token-in-a-file\n');
      symlinkSync(join(w, 'token'), join(w, 'sites/bases/cscs.yaml'));
    } else if (baseText !== undefined) writeFileSync(join(w, 'sites/bases/cscs.yaml'), baseText);
    const eiger = readFileSync(join(w, 'sites/eiger.yaml'), 'utf8').replace('release:\n', 'extends: [other, cscs]\n\nrelease:\n');
    writeFileSync(join(w, 'sites/eiger.yaml'), eiger.replace('extends: [other, cscs]', 'extends: [cscs]'));
    return { w, eiger: eiger.replace('extends: [other, cscs]', 'extends: [cscs]') };
  };

  it('refuses to compile a base as a site (exit 2), and a sites folder skips bases/', () => {
    const { w } = withBase('images:\n  pullPolicy: Always\n');
    const r = cli(['sites/bases/cscs.yaml'], { cwd: w });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'chamicore-compile: error: site-is-base: sites/bases/cscs.yaml: a base (shared defaults that sites extend), not a site; compile a site that names it in extends, or the sites folder\n',
    );
    expect(cli(['validate', 'sites/bases/cscs'], { cwd: w }).code).toBe(2);
  });

  it('a missing base: base-not-found at the extends entry', () => {
    const { w, eiger } = withBase(undefined);
    const r = cli(['validate', 'sites/eiger'], { cwd: w });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `sites/eiger.yaml:${at(eiger, 'extends', 11)}: base-not-found: no base cscs: sites/bases/cscs.yaml does not exist\n`,
    );
  });

  it('a base that is a link (a token elsewhere) is never read', () => {
    const { w } = withBase(undefined, true);
    for (const args of [['validate', 'sites/eiger'], ['sites/eiger'], ['validate', '--format', 'junit', 'sites/eiger']]) {
      const r = cli(args, { cwd: w });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout + r.stderr).toContain('base-not-found');
      expect(r.stdout + r.stderr).toContain('sites/bases/cscs.yaml is a symbolic link (bases are read only as they are)');
      expect(r.stdout + r.stderr).not.toContain('s3cr3t');
    }
  });

  it('a base may not extend another base, nor name the site', () => {
    const text = 'extends: [more]\nsite:\n  name: other\n';
    const { w } = withBase(text);
    const r = cli(['validate', 'sites/eiger'], { cwd: w });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`sites/bases/cscs.yaml:1:1: base-extends: a base cannot extend another base\n`);
    expect(r.stderr).toContain(
      `sites/bases/cscs.yaml:3:3: base-site-name: a base cannot set site.name: each site file names its own site\n`,
    );
  });

  it("a base follows the site file's YAML rules: an anchor is refused in the base, at its line", () => {
    const { w } = withBase('images: &x\n  pullPolicy: Always\nobservability: *x\n');
    const r = cli(['validate', 'sites/eiger'], { cwd: w });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^sites\/bases\/cscs\.yaml:3:\d+: yaml-alias: /m);
  });

  it('a base name is a name, never a path', () => {
    const w = workspace();
    writeFileSync(
      join(w, 'sites/eiger.yaml'),
      readFileSync(join(w, 'sites/eiger.yaml'), 'utf8').replace('release:\n', 'extends: [../../etc/passwd]\n\nrelease:\n'),
    );
    const r = cli(['validate', 'sites/eiger'], { cwd: w });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('schema-pattern');
    expect(r.stderr).not.toContain('base-not-found');
    rmSync(w, { recursive: true, force: true });
  });
});
