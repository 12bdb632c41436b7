import { describe, expect, it } from 'vitest';
import { toCodeQuality } from '../../src/report/codequality.js';
import type { LocatedDiagnostic } from '../../src/report/format.js';
import { toJunit } from '../../src/report/junit.js';
import { printable } from '../../src/report/printable.js';

const diag = (over: Partial<LocatedDiagnostic> = {}): LocatedDiagnostic => ({
  file: 'sites/a.yaml',
  line: 3,
  column: 5,
  severity: 'error',
  code: 'schema-type',
  message: 'expected a string',
  path: ['site', 'name'],
  sourceLine: undefined,
  ...over,
});

describe('codequality', () => {
  it('has the fields GitLab reads, and a distinct fingerprint per finding', () => {
    const report = JSON.parse(
      toCodeQuality([diag(), diag(), diag({ severity: 'warning', code: 'prod-replicas', line: 9, hint: 'use 2' })]),
    ) as Record<string, unknown>[];
    expect(report[0]).toEqual({
      description: 'schema-type: expected a string',
      check_name: 'schema-type',
      fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
      severity: 'major',
      location: { path: 'sites/a.yaml', lines: { begin: 3 } },
    });
    expect(report[2]).toMatchObject({ severity: 'minor', description: 'prod-replicas: expected a string (use 2)' });
    expect(new Set(report.map((r) => r['fingerprint'])).size).toBe(3);
  });

  it('keeps a fingerprint when the line moves', () => {
    const a = JSON.parse(toCodeQuality([diag()])) as { fingerprint: string }[];
    const b = JSON.parse(toCodeQuality([diag({ line: 30 })])) as { fingerprint: string }[];
    expect(b[0]!.fingerprint).toBe(a[0]!.fingerprint);
  });
});

describe('junit', () => {
  it('escapes markup and characters XML 1.0 cannot hold', () => {
    const xml = toJunit(
      [{ file: 'sites/<a>&.yaml', valid: false }],
      [diag({ file: 'sites/<a>&.yaml', message: `bad "x" 'y' <z> & \u0001 \u001b end` })],
    );
    expect(xml).toContain('name="sites/&lt;a&gt;&amp;.yaml"');
    expect(xml).toContain('bad &quot;x&quot; &apos;y&apos; &lt;z&gt; &amp; \\u0001 \\u001b end');
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
  });

  it('fails only sites with an error; warnings of a valid site go to system-out', () => {
    const xml = toJunit(
      [
        { file: 'sites/a.yaml', valid: false },
        { file: 'sites/b.yaml', valid: true },
        { file: 'sites/c.yaml', valid: true },
      ],
      [diag(), diag({ file: 'sites/b.yaml', severity: 'warning', code: 'prod-replicas', message: 'one replica' })],
    );
    expect(xml).toContain('tests="3" failures="1"');
    expect(xml).toContain('<failure type="invalid-site" message="1 error">');
    expect(xml).toContain(
      '<system-out>sites/b.yaml:3:5: prod-replicas: warning: one replica\n  to keep it: allowWarnings: [{ code: prod-replicas, path: site.name, reason: … }]\n</system-out>',
    );
    expect(xml).toContain('name="sites/c.yaml" file="sites/c.yaml"/>');
  });
});

describe('printable', () => {
  it('escapes what forges terminal output, and the noncharacters YAML readers refuse (a site folder name goes into YAML comments)', () => {
    expect(printable('a\u001b[31mb\u202ec\ufffed\uffffe\tf\ng')).toBe('a\\u001b[31mb\\u202ec\\ufffed\\uffffe\tf\ng');
  });
});
