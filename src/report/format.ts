import { oneLine, printable } from './printable.js';
import { isMap, isPair, isScalar } from 'yaml';
import { reportedPath, type Diagnostic } from './diagnostic.js';
import { compareStrings } from '../util/compare.js';
import { locateIn, type Locatable } from './locate.js';
import { siteSchema } from '../generated/site-schema.js';

/** A diagnostic with its position resolved, as reporters print it. */
export interface LocatedDiagnostic extends Diagnostic {
  readonly line: number;
  readonly column: number;
  /** The source line, unless it may hold a secret. */
  readonly sourceLine: string | undefined;
}

/** What the reporter needs of a parsed file to resolve positions. */
export interface SourceContext extends Locatable {
  readonly text: string;
}

/**
 * A top-level key of the schema at column 0 (`site:`, `"release":`): where the secrets section
 * ends. Any other text there (a mis-indented secret) still belongs to it.
 */
const TOP_LEVEL_KEY = new RegExp(
  `^["']?(${Object.keys(siteSchema['properties'] as Record<string, unknown>)
    .filter((k) => k !== 'secrets')
    .join('|')})["']?\\s*:`,
);
/** The secrets key, in block, flow or JSON style. */
const SECRETS_KEY = /(^|[\s{,])["']?secrets["']?\s*:/;

/**
 * The 1-based lines that may show a secret, never echoed: every line the parsed `secrets` value
 * spans, and, from the text (for a file that does not parse, or a mis-indented value), every line
 * from a `secrets:` key to the next top-level key, and any line that names `secrets:` in flow style.
 * `asked`: the lines a caller will look up; for a file the plain reader read, the document (a full
 * parse) is consulted only when one of them is a top-level key right after a `secrets:` section,
 * the one line the parsed value's span can add to the text's (its end may reach that key).
 */
export function secretLines(source: SourceContext, asked?: ReadonlySet<number>): Set<number> {
  const hidden = new Set<number>();
  const lines = source.text.split('\n');
  const after = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!SECRETS_KEY.test(line)) continue;
    hidden.add(i + 1);
    if (!/^["']?secrets/.test(line)) continue;
    let j = i + 1;
    for (; j < lines.length && !TOP_LEVEL_KEY.test(lines[j]!); j++) hidden.add(j + 1);
    after.add(j + 1);
  }
  if (source.nodes !== undefined && asked !== undefined && ![...asked].some((l) => after.has(l) && !hidden.has(l))) return hidden;
  const root = source.doc?.contents;
  if (isMap(root)) {
    for (const pair of root.items) {
      if (!isPair(pair) || !isScalar(pair.key) || pair.key.value !== 'secrets') continue;
      const range = (pair.value as { range?: [number, number, number] } | null)?.range;
      if (range === undefined) continue;
      const from = source.lineCounter.linePos(range[0]).line;
      const to = source.lineCounter.linePos(range[2]).line;
      for (let l = from; l <= to; l++) hidden.add(l);
    }
  }
  return hidden;
}

/** Resolves positions, sorts by file, line, column and code, and drops exact duplicates. */
export function locateAll(diagnostics: readonly Diagnostic[], source: SourceContext | undefined): LocatedDiagnostic[] {
  // Nothing to place: the source's document (a full parse for a file read by the plain reader) is not needed.
  if (diagnostics.length === 0) return [];
  const lines = source?.text.split('\n') ?? [];
  const positions = diagnostics.map((d) => (source === undefined ? { line: 1, col: 1 } : locateIn(d, source)));
  const hidden = source === undefined ? new Set<number>() : secretLines(source, new Set(positions.map((p) => p.line)));
  const out = diagnostics.map((d, i) => {
    const pos = positions[i]!;
    const secretish = d.path[0] === 'secrets' || hidden.has(pos.line) || d.sensitive === true;
    // yaml's own messages may quote the text they stumbled on: in the secrets section, say less.
    const message =
      secretish && d.code.startsWith('yaml-syntax') ? 'YAML syntax error (in the secrets section: the text is not shown)' : d.message;
    return { ...d, message, line: pos.line, column: pos.col, sourceLine: secretish ? undefined : lines[pos.line - 1] };
  });
  out.sort(
    (a, b) =>
      compareStrings(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      compareStrings(a.code, b.code) ||
      compareStrings(a.message, b.message),
  );
  return out.filter((d, i) => i === 0 || !sameDiagnostic(d, out[i - 1]!));
}

function sameDiagnostic(a: LocatedDiagnostic, b: LocatedDiagnostic): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column && a.code === b.code && a.message === b.message;
}

/** A source line for the code frame: control characters escaped, long lines cut. */
function frameLine(line: string): string {
  const clean = printable(line.replace(/\r$/, ''));
  return clean.length > 160 ? `${clean.slice(0, 157)}...` : clean;
}

/**
 * `file:line:col: code: message`, then a two-line code frame and a hint. Warnings say so after
 * the code. One block per diagnostic, ending with a newline.
 */
export function formatText(d: LocatedDiagnostic): string {
  const severity = d.severity === 'error' ? '' : d.allowed === undefined ? 'warning: ' : 'warning (allowed): ';
  const head = oneLine(`${d.file}:${d.line}:${d.column}: ${d.code}: ${severity}${d.message}`);
  const out = [head];
  if (d.sourceLine !== undefined && d.sourceLine.trim() !== '') {
    const shown = frameLine(d.sourceLine);
    const gutter = String(d.line).padStart(5);
    const caretAt = Math.min(d.column - 1, shown.length);
    out.push(`${gutter} | ${shown}`, `${' '.repeat(gutter.length)} | ${shown.slice(0, caretAt).replace(/[^\t]/g, ' ')}^`);
  }
  if (d.allowed !== undefined) out.push(oneLine(`  allowed: ${d.allowed}`));
  else {
    if (d.hint !== undefined) out.push(oneLine(`  hint: ${d.hint}`));
    // The path an allowWarnings entry names, which only JSON printed before.
    if (d.severity === 'warning' && d.path.length > 0 && d.code !== 'allowance-unused')
      out.push(oneLine(`  to keep it: allowWarnings: [{ code: ${d.code}, path: ${reportedPath(d)}, reason: … }]`));
  }
  return `${out.join('\n')}\n`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `2 errors, 1 warning` (warnings only when there are some), as summaries and reports say it. */
export function countSummary(errors: number, warnings: number): string {
  return `${plural(errors, 'error')}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}`;
}

/** The JSON shape of a diagnostic (`--format json`). */
export function toJson(d: LocatedDiagnostic): Record<string, unknown> {
  return {
    file: d.file,
    line: d.line,
    column: d.column,
    severity: d.severity,
    code: d.code,
    message: d.message,
    path: reportedPath(d),
    ...(d.hint !== undefined ? { hint: d.hint } : {}),
    ...(d.allowed !== undefined ? { allowed: d.allowed } : {}),
  };
}
