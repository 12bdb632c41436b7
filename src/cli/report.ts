import { toCodeQuality } from '../report/codequality.js';
import { blocks } from '../report/diagnostic.js';
import { ExitCode } from '../report/exit-codes.js';
import { countSummary, formatText, plural, toJson, type LocatedDiagnostic } from '../report/format.js';
import { toJunit } from '../report/junit.js';
import { oneLine } from '../report/printable.js';
import type { TreeDifference } from '../write/out-tree.js';
import type { CliIo } from './io.js';
import type { Command, OutputFormat } from './options.js';

/** What became of one site, by command: each status carries what it means. */
export type SiteReport = { readonly file: string; readonly site: string } & (
  | { readonly status: 'invalid' | 'valid' }
  | {
      readonly status: 'written' | 'unchanged';
      readonly out: string;
      readonly files: readonly string[];
      /** Files of Helm or compose left alone in the tree (helm/Chart.lock, …). */
      readonly kept: readonly string[];
    }
  | { readonly status: 'current' | 'stale'; readonly out: string; readonly differences: TreeDifference }
);

/** Everything a command found, for every reporter. */
export interface RunReport {
  readonly command: Command;
  /** --strict: warnings the site does not allow fail the run. */
  readonly strict: boolean;
  /** The output folder as shown. */
  readonly outShown: string;
  readonly sites: readonly SiteReport[];
  readonly diagnostics: readonly LocatedDiagnostic[];
  /** --check: folders in out/ that no site compiles to. */
  readonly extraSites: readonly string[];
  /** compile: such folders removed, and those left alone because chamicore-compile did not write them. */
  readonly removedSites: readonly string[];
  readonly keptSites: readonly string[];
  /** How long the run took (set by run() when it has a clock), for the text summary line only. */
  readonly elapsedMs?: number;
  /** --quiet: the text report prints only diagnostics and what failed. */
  readonly quiet?: boolean;
}

/** Errors that are missing or unusable reveal inputs (key, variable, file): unreadable input, exit 2. */
const REVEAL_INPUT_CODES: ReadonlySet<string> = new Set([
  'secret-key-missing',
  'secret-key-weak',
  'secret-env-missing',
  'secret-file-missing',
  'secret-file-outside',
  'secret-value-invalid',
]);

export const failed = (r: RunReport): boolean => r.diagnostics.some((d) => blocks(d, r.strict));
const stale = (r: RunReport): boolean => r.sites.some((s) => s.status === 'stale') || r.extraSites.length > 0;

export function exitCodeOf(r: RunReport): ExitCode {
  if (failed(r)) {
    const blocking = r.diagnostics.filter((d) => blocks(d, r.strict));
    return blocking.every((d) => REVEAL_INPUT_CODES.has(d.code)) ? ExitCode.usage : ExitCode.invalid;
  }
  return stale(r) ? ExitCode.invalid : ExitCode.ok;
}

/** One reporter per output format: adding a format is one entry here (and in FORMATS). */
export const REPORTERS: Readonly<Record<OutputFormat, (r: RunReport, io: CliIo) => void>> = {
  text: reportText,
  json: (r, io) => {
    const shown = (names: readonly string[]): string[] => names.map((s) => `${r.outShown}/${s}`);
    const document = {
      ok: !failed(r) && !stale(r),
      command: r.command,
      sites: r.sites,
      ...(r.command === 'check' ? { extraSites: shown(r.extraSites) } : {}),
      ...(r.command === 'compile' ? { removedSites: shown(r.removedSites) } : {}),
      diagnostics: r.diagnostics.map(toJson),
    };
    io.stdout(`${JSON.stringify(document, null, 2)}\n`);
  },
  codequality: (r, io) => {
    io.stdout(toCodeQuality(r.diagnostics));
  },
  junit: (r, io) => {
    io.stdout(
      toJunit(
        r.sites.map((s) => ({ file: s.file, valid: s.status !== 'invalid' })),
        r.diagnostics,
      ),
    );
  },
};

function reportText(r: RunReport, io: CliIo): void {
  for (const d of r.diagnostics) io.stderr(formatText(d));
  const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = r.diagnostics.length - errors;
  const outShown = oneLine(r.outShown);
  if (r.quiet === true) {
    // Only what needs a person: the diagnostics (above), a failure, and what is out of date.
    if (failed(r)) io.stderr(`chamicore-compile: ${countSummary(errors, warnings)}; nothing was written\n`);
    else if (r.command === 'check' && stale(r)) {
      for (const s of r.sites)
        if (s.status === 'stale')
          for (const p of [...s.differences.differing, ...s.differences.missing, ...s.differences.extra])
            io.stdout(`${oneLine(s.out)}/${p}: differs\n`);
      for (const s of r.extraSites) io.stdout(`${outShown}/${s}: extra (no site file compiles to it)\n`);
      io.stderr(`chamicore-compile: ${outShown} is not current; run chamicore-compile without --check and commit the result\n`);
    }
    return;
  }
  if (failed(r)) {
    const strictly = errors === 0 ? ' (--strict: warnings fail the run unless the site allows them in allowWarnings)' : '';
    const invalid = r.sites.filter((s) => s.status === 'invalid').length;
    const which = r.sites.length > 1 ? `${invalid} of ${r.sites.length} sites invalid: ` : '';
    io.stderr(`chamicore-compile: ${which}${countSummary(errors, warnings)}; nothing was written${strictly}${took(r)}\n`);
    return;
  }
  for (const s of r.sites) {
    const file = oneLine(s.file);
    switch (s.status) {
      case 'valid':
      case 'invalid':
        io.stdout(`${file}: valid\n`);
        break;
      case 'written':
      case 'unchanged':
        io.stdout(
          `${file}: ${s.status === 'unchanged' ? 'unchanged' : 'wrote'} ${oneLine(s.out)} (${plural(s.files.length, 'file')}${s.kept.length > 0 ? `; left alone: ${s.kept.map(oneLine).join(', ')}` : ''})\n`,
        );
        break;
      case 'current':
      case 'stale': {
        const out = oneLine(s.out);
        for (const p of s.differences.differing) {
          io.stdout(`${out}/${p}: differs\n`);
          const patch = s.differences.patches?.find((x) => x.path === p);
          if (patch !== undefined) io.stdout(patch.text.replace(/^/gm, '    ').replace(/ +$/gm, ''));
        }
        for (const p of s.differences.missing) io.stdout(`${out}/${p}: missing\n`);
        for (const p of s.differences.extra) io.stdout(`${out}/${p}: extra\n`);
        if (s.status === 'current') io.stdout(`${out}: current\n`);
        break;
      }
    }
  }
  for (const s of r.extraSites) io.stdout(`${outShown}/${s}: extra (no site file compiles to it)\n`);
  if (warnings > 0) io.stderr(`chamicore-compile: ${plural(warnings, 'warning')}\n`);
  if (r.command === 'check' && stale(r)) {
    io.stderr(`chamicore-compile: ${outShown} is not current; run chamicore-compile without --check and commit the result\n`);
  }
  for (const s of r.removedSites) io.stdout(`${outShown}/${s}: removed (no site file compiles to it)\n`);
  for (const s of r.keptSites)
    io.stderr(`chamicore-compile: ${outShown}/${s} has no site file but holds files chamicore-compile did not write; left alone\n`);
  if (r.sites.length > 1) io.stderr(`chamicore-compile: ${summaryOf(r)}${took(r)}\n`);
}

/** ` (0.41 s)` when a multi-site run was timed. */
const took = (r: RunReport): string => (r.elapsedMs === undefined || r.sites.length < 2 ? '' : ` (${(r.elapsedMs / 1000).toFixed(2)} s)`);

/** `3 sites: 1 written, 2 unchanged`: one line that ends a multi-site run. */
function summaryOf(r: RunReport): string {
  const counts = new Map<string, number>();
  for (const s of r.sites) {
    const word = s.status === 'written' ? 'written' : s.status;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  if (r.removedSites.length > 0) counts.set('removed', r.removedSites.length);
  return `${plural(r.sites.length, 'site')}: ${[...counts].map(([word, n]) => `${n} ${word}`).join(', ')}`;
}
