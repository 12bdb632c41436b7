import { createHash } from 'node:crypto';
import { reportedPath } from './diagnostic.js';
import type { LocatedDiagnostic } from './format.js';

/**
 * GitLab Code Quality report (`validate --format codequality`): a JSON array with one entry per
 * diagnostic, which GitLab shows in the merge request next to the changed line of the site file.
 * The fingerprint names the file, code, site-file path and message, not the line, so a finding
 * keeps its identity when lines above it move.
 */
export function toCodeQuality(diagnostics: readonly LocatedDiagnostic[]): string {
  const seen = new Map<string, number>();
  const entries = diagnostics.map((d) => {
    const identity = [d.file, d.code, reportedPath(d), d.message].join('\0');
    const n = seen.get(identity) ?? 0;
    seen.set(identity, n + 1);
    return {
      description: `${d.code}: ${d.message}${d.hint !== undefined ? ` (${d.hint})` : ''}`,
      check_name: d.code,
      fingerprint: createHash('sha256').update(`${identity}\0${n}`).digest('hex').slice(0, 32),
      severity: d.severity === 'error' ? 'major' : d.allowed === undefined ? 'minor' : 'info',
      location: { path: d.file, lines: { begin: d.line } },
    };
  });
  return `${JSON.stringify(entries, null, 2)}\n`;
}
