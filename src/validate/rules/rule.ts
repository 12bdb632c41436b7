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

/** What an input rule sees: the schema-valid input (for paths). */
export interface InputContext {
  readonly site: Site;
  /** Site file as shown in diagnostics. */
  readonly file: string;
  /** The file's name without `.yaml`/`.yml`. */
  readonly fileStem: string;
}

/** What a model rule sees besides: the normalised model, built only for a site the input rules passed. */
export interface RuleContext extends InputContext {
  readonly model: SiteModel;
}

/**
 * When a rule runs. Input rules run on the schema-valid site before the model is built: they refuse
 * what the model cannot represent (a missing host, an undefined secret), so the model never has to
 * guess. Model rules check facts the model derives (pools × replicas, names the compiler sets,
 * secrets the outputs read); a site failing one leaves checkSite without a model.
 */
export type RuleStage = 'input' | 'model';

/** A code a rule may report: its severity and the one line the rule table of docs/operator-guide.md shows. */
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
export type Rule<D extends Readonly<Record<string, CodeInfo>> = Readonly<Record<string, CodeInfo>>> =
  | { readonly stage: 'input'; readonly codes: D; readonly check: (ctx: InputContext) => Diagnostic[] }
  | { readonly stage: 'model'; readonly codes: D; readonly check: (ctx: RuleContext) => Diagnostic[] };

/** A rule's check with the builders for its declared codes bound. */
function bind<C, D>(check: (ctx: C, report: RuleBuilders<D>) => Diagnostic[]): (ctx: C) => Diagnostic[] {
  // The declared codes are part of DiagnosticCode (derived from the registry in index.ts).
  const report: RuleBuilders<D> = {
    error: (code, ...rest) => errorOf(code as DiagnosticCode, ...rest),
    warning: (code, ...rest) => warningOf(code as DiagnosticCode, ...rest),
  };
  return (ctx) => check(ctx, report);
}

/** A rule on the schema-valid input, run before the model is built. */
export function defineInputRule<const D extends Readonly<Record<string, CodeInfo>>>(
  codes: D,
  check: (ctx: InputContext, report: RuleBuilders<D>) => Diagnostic[],
): Rule<D> {
  return { stage: 'input', codes, check: bind(check) };
}

/** A rule on the model, run once the input rules passed. */
export function defineRule<const D extends Readonly<Record<string, CodeInfo>>>(
  codes: D,
  check: (ctx: RuleContext, report: RuleBuilders<D>) => Diagnostic[],
): Rule<D> {
  return { stage: 'model', codes, check: bind(check) };
}
