import type { Site } from '../generated/site.js';
import { error, formatPath, warning, type Diagnostic } from '../report/diagnostic.js';
import { suggest } from './suggest.js';

/**
 * Applies the site's `allowWarnings`: a warning whose code and path an entry names carries that
 * entry's reason (`allowed`), so reports show why it is accepted and --strict lets it pass. An
 * entry that names no warning code is an error (a typo would silently allow nothing); one that
 * matches no warning of a site without errors is reported, so stale entries get removed.
 */
export function applyAllowances(
  site: Site,
  file: string,
  diagnostics: readonly Diagnostic[],
  warningCodes: ReadonlySet<string>,
): Diagnostic[] {
  const entries = site.allowWarnings ?? [];
  if (entries.length === 0) return [...diagnostics];
  const used = new Set<number>();
  const out = diagnostics.map((d) => {
    if (d.severity !== 'warning') return d;
    const i = entries.findIndex((e) => e.code === d.code && e.path === formatPath(d.path));
    if (i < 0) return d;
    used.add(i);
    return { ...d, allowed: entries[i]!.reason };
  });
  const complete = !out.some((d) => d.severity === 'error');
  entries.forEach((e, i) => {
    const at = ['allowWarnings', i, 'code'];
    if (!warningCodes.has(e.code)) {
      const near = suggest(e.code, [...warningCodes]);
      const hint = near === undefined ? undefined : `did you mean "${near}"?`;
      out.push(error('allowance-invalid', file, at, `"${e.code}" is not the code of a warning; only warnings can be allowed`, { hint }));
    } else if (complete && !used.has(i)) {
      // A warning of that code elsewhere: the path is probably mistyped.
      const paths = out.filter((d) => d.code === e.code && d.allowed === undefined).map((d) => formatPath(d.path));
      const near = suggest(e.path, paths) ?? (paths.length === 1 ? paths[0] : undefined);
      out.push(
        warning('allowance-unused', file, at, `no ${e.code} warning points at ${e.path}; remove this entry`, {
          ...(near !== undefined ? { hint: `did you mean path ${near}?` } : {}),
        }),
      );
    }
  });
  return out;
}
