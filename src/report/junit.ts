import { countSummary, formatText, type LocatedDiagnostic } from './format.js';

/** One checked site, as the JUnit report lists it. */
export interface JunitSite {
  readonly file: string;
  readonly valid: boolean;
}

/** XML 1.0 text: markup characters as entities, characters XML cannot hold as `\uXXXX`. */
function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDFFF]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
}

/**
 * JUnit XML (`validate --format junit`), for GitLab's test report: one test case per site file,
 * failed when the site has an error; the failure holds every diagnostic as the text format prints
 * it, and warnings of a valid site go to its system-out.
 */
export function toJunit(sites: readonly JunitSite[], diagnostics: readonly LocatedDiagnostic[]): string {
  const failures = sites.filter((s) => !s.valid).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="chamicore-compile validate" tests="${sites.length}" failures="${failures}" errors="0">`,
    `  <testsuite name="chamicore-compile validate" tests="${sites.length}" failures="${failures}" errors="0" skipped="0">`,
  ];
  for (const site of sites) {
    const own = diagnostics.filter((d) => d.file === site.file);
    const errors = own.filter((d) => d.severity === 'error').length;
    const body = own.map(formatText).join('');
    const open = `    <testcase classname="chamicore-compile.validate" name="${xml(site.file)}" file="${xml(site.file)}"`;
    if (own.length === 0) {
      lines.push(`${open}/>`);
      continue;
    }
    lines.push(`${open}>`);
    if (!site.valid) {
      const summary = countSummary(errors, own.length - errors);
      lines.push(`      <failure type="invalid-site" message="${xml(summary)}">${xml(body)}</failure>`);
    } else {
      lines.push(`      <system-out>${xml(body)}</system-out>`);
    }
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
