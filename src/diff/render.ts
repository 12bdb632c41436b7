import { oneLine } from '../report/printable.js';
import { countSummary, formatText, plural, toJson, type LocatedDiagnostic } from '../report/format.js';
import type { Change, FileDiff, SiteDiff } from './site-diff.js';

/** One site of a diff: its semantic diff, or invalid at one ref or both, with the errors located in the file at that ref. */
export type DiffEntry = { readonly file: string } & (
  SiteDiff | { readonly site: string; readonly status: 'invalid'; readonly diagnostics: readonly LocatedDiagnostic[] }
);

/** A diff of many sites, as the diff command reports it. */
export interface DiffOutcome {
  /** The base ref as given, and the commit it named. */
  readonly base: string;
  readonly commit: string;
  readonly sites: readonly DiffEntry[];
}

/** Every error of every invalid site. */
export const diffErrors = (d: DiffOutcome): LocatedDiagnostic[] => d.sites.flatMap((s) => ('diagnostics' in s ? s.diagnostics : []));

const STATUSES = ['changed', 'added', 'removed', 'unchanged', 'invalid'] as const;

/** `3 sites against origin/main (1a2b3c4): 1 changed, 1 added, 1 unchanged; 2 warnings`. */
export function diffSummary(d: DiffOutcome): string {
  const counts = STATUSES.map((s) => [s, d.sites.filter((x) => x.status === s).length] as const).filter(([, n]) => n > 0);
  const warnings = d.sites.reduce((n, s) => n + ('warnings' in s ? s.warnings.length : 0), 0);
  const parts = counts.map(([s, n]) => `${n} ${s}`).join(', ');
  return `${plural(d.sites.length, 'site')} against ${d.base} (${d.commit.slice(0, 12)}): ${parts === '' ? 'none' : parts}${warnings > 0 ? `; ${plural(warnings, 'warning')}` : ''}`;
}

const arrow = (c: Change): string =>
  c.kind === 'added' ? `+ ${c.path}: ${c.new!}` : c.kind === 'removed' ? `- ${c.path}: ${c.old!}` : `~ ${c.path}: ${c.old!} → ${c.new!}`;

function fileLines(f: FileDiff): string[] {
  if (f.status !== 'changed') return [`${f.file}: ${f.status}`];
  return [`${f.file}:`, ...f.changes.map((c) => `  ${arrow(c)}`)];
}

/** The body of one site's diff: warnings, then each changed output, then the Secrets. */
export function siteLines(s: SiteDiff): string[] {
  const lines = s.warnings.map((w) => `warning: ${w.message}`);
  for (const f of s.files) lines.push(...fileLines(f));
  if (s.secrets.length > 0) lines.push('secrets:', ...s.secrets.map((c) => `  ${c.name}: ${c.change}`));
  return lines;
}

function headline(s: DiffOutcome['sites'][number]): string {
  if (!('files' in s)) return `${s.file}: invalid (see the errors)`;
  const n = s.files.reduce((k, f) => k + (f.status === 'changed' ? f.changes.length : 1), 0) + s.secrets.length;
  const detail =
    s.status !== 'changed'
      ? s.warnings.length > 0
        ? ` (${plural(s.warnings.length, 'warning')})`
        : ''
      : ` (${plural(n, 'change')}${s.warnings.length > 0 ? `, ${plural(s.warnings.length, 'warning')}` : ''})`;
  return `${s.file}: ${s.status}${detail}`;
}

export function renderDiffText(d: DiffOutcome): { stdout: string; stderr: string } {
  const out = [diffSummary(d)];
  for (const s of d.sites) {
    out.push(headline(s));
    if ('files' in s) out.push(...siteLines(s).map((l) => `  ${l}`));
  }
  const diagnostics = diffErrors(d);
  const errors = diagnostics.length;
  const stderr = diagnostics.map(formatText).join('') + (errors > 0 ? `chamicore-compile diff: ${countSummary(errors, 0)}\n` : '');
  return { stdout: `${out.join('\n')}\n`, stderr };
}

/**
 * Text safe inside HTML and Markdown (an MR comment), on one line: the site file and its name are
 * the merge request's own input, and a line feed in a name would end the `<summary>` and let the
 * rest of the name render as Markdown.
 */
function escapeHtml(text: string): string {
  return oneLine(text).replace(/[&<>"'|\\`*_[\]@#]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A fenced block no line of `lines` can close: longer than any backtick run in them. */
function fenced(lines: readonly string[]): string[] {
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...[...l.matchAll(/`+/g)].map((m) => m[0].length))));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}text`, ...lines, fence];
}

/** Ready to post as a merge-request comment: the summary, then one collapsible section per site. */
export function renderDiffMarkdown(d: DiffOutcome): string {
  const out = [`**chamicore-compile diff**: ${escapeHtml(diffSummary(d))}`, ''];
  for (const s of d.sites) {
    if (s.status === 'unchanged') {
      out.push(`- ${escapeHtml(headline(s))}`, '');
      continue;
    }
    out.push(`<details${s.status === 'invalid' || ('warnings' in s && s.warnings.length > 0) ? ' open' : ''}>`);
    out.push(`<summary>${escapeHtml(headline(s))}</summary>`, '');
    const body = 'files' in s ? siteLines(s) : s.diagnostics.map((x) => formatText(x).trimEnd());
    out.push(...fenced(body.length > 0 ? body.flatMap((l) => l.split('\n')) : ['(no difference in any output)']), '', '</details>', '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** The version of the JSON document `diff --format json` prints; it changes with any change of its shape. */
export const DIFF_JSON_VERSION = 1;

/**
 * Data, not display text: each change with its kind and its old and new values as they are
 * (numbers, strings, maps), warnings with their codes.
 */
export function renderDiffJson(d: DiffOutcome): string {
  const document = {
    formatVersion: DIFF_JSON_VERSION,
    ok: diffErrors(d).length === 0,
    command: 'diff',
    base: d.base,
    commit: d.commit,
    changed: hasChanges(d),
    summary: diffSummary(d),
    sites: d.sites.map((s) =>
      'diagnostics' in s
        ? { ...s, diagnostics: s.diagnostics.map(toJson) }
        : {
            ...s,
            files: s.files.map((f) => ({
              ...f,
              changes: f.changes.map((c) => ({
                path: c.path,
                kind: c.kind,
                ...(c.kind !== 'added' ? { old: c.before } : {}),
                ...(c.kind !== 'removed' ? { new: c.after } : {}),
              })),
            })),
          },
    ),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Whether any site changed, appeared or went (what `--detailed-exitcode` reports as exit 3). */
export function hasChanges(d: DiffOutcome): boolean {
  return d.sites.some((s) => s.status === 'changed' || s.status === 'added' || s.status === 'removed');
}
