import type { Site } from '../../generated/site.js';
import type { SiteModel } from '../../model/site-model.js';
import {
  error as errorOf,
  warning as warningOf,
  type Diagnostic,
  type DiagnosticBuilder,
  type DiagnosticCode,
  type Severity,
} from '../../report/diagnostic.js';

/** What every semantic rule sees: the schema-valid input (for paths) and the normalised model. */
export interface RuleContext {
  readonly site: Site;
  readonly model: SiteModel;
  /** Site file as shown in diagnostics. */
  readonly file: string;
  /** The file's name without `.yaml`/`.yml`. */
  readonly fileStem: string;
}

/** A code a rule may report: its severity and the one line the README's rule table shows. */
export interface CodeInfo {
  readonly severity: Severity;
  readonly summary: string;
}

type CodesWith<D, S extends Severity> = { [K in keyof D]: D[K] extends { severity: S } ? K : never }[keyof D] & string;

/** The builders a rule reports with: each accepts only the codes the rule declares, at their declared severity. */
export interface RuleBuilders<D> {
  readonly error: DiagnosticBuilder<CodesWith<D, 'error'>>;
  readonly warning: DiagnosticBuilder<CodesWith<D, 'warning'>>;
}

/** One semantic rule: the codes it declares and its check. Adding a rule is one file plus a line in index.ts. */
export interface Rule<D extends Readonly<Record<string, CodeInfo>> = Readonly<Record<string, CodeInfo>>> {
  readonly codes: D;
  readonly check: (ctx: RuleContext) => Diagnostic[];
}

export function defineRule<const D extends Readonly<Record<string, CodeInfo>>>(
  codes: D,
  check: (ctx: RuleContext, report: RuleBuilders<D>) => Diagnostic[],
): Rule<D> {
  // The declared codes are part of DiagnosticCode (derived from the registry in index.ts).
  const report: RuleBuilders<D> = {
    error: (code, ...rest) => errorOf(code as DiagnosticCode, ...rest),
    warning: (code, ...rest) => warningOf(code as DiagnosticCode, ...rest),
  };
  return { codes, check: (ctx) => check(ctx, report) };
}
