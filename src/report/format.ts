import { oneLine, printable } from './printable.js';
import type { LineCounter, Document } from 'yaml';
import { compareStrings, formatPath, type Diagnostic } from './diagnostic.js';
import { locate } from './locate.js';

/** A diagnostic with its position resolved, as reporters print it. */
export interface LocatedDiagnostic extends Diagnostic {
  readonly line: number;
  readonly column: number;
  /** The source line, unless it may hold a secret. */
  readonly sourceLine: string | undefined;
}

/** What the reporter needs of a parsed file to resolve positions. */
export interface SourceContext {
  readonly text: string;
  readonly doc: Document | undefined;
  readonly lineCounter: LineCounter;
}

// A line that sets a literal secret is never echoed, even in a code frame.
const SECRET_LINE = /(^|[\s{,])value\s*:/;

/** Resolves positions, sorts by file, line, column and code, and drops exact duplicates. */
export function locateAll(diagnostics: readonly Diagnostic[], source: SourceContext | undefined): LocatedDiagnostic[] {
  const lines = source?.text.split('\n') ?? [];
  const out = diagnostics.map((d) => {
    const pos = source === undefined ? { line: 1, col: 1 } : locate(d, source.doc, source.lineCounter);
    const raw = lines[pos.line - 1];
    const secretish = d.path[0] === 'secrets' || (raw !== undefined && SECRET_LINE.test(raw));
    return { ...d, line: pos.line, column: pos.col, sourceLine: secretish ? undefined : raw };
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
  const head = oneLine(`${d.file}:${d.line}:${d.column}: ${d.code}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`);
  const out = [head];
  if (d.sourceLine !== undefined && d.sourceLine.trim() !== '') {
    const shown = frameLine(d.sourceLine);
    const gutter = String(d.line).padStart(5);
    const caretAt = Math.min(d.column - 1, shown.length);
    out.push(`${gutter} | ${shown}`, `${' '.repeat(gutter.length)} | ${shown.slice(0, caretAt).replace(/[^\t]/g, ' ')}^`);
  }
  if (d.hint !== undefined) out.push(oneLine(`  hint: ${d.hint}`));
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
    path: formatPath(d.path),
    ...(d.hint !== undefined ? { hint: d.hint } : {}),
  };
}
