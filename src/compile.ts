import type { Site } from './generated/site.js';
import { parseSite, scalarSource, type ParsedSite } from './load/parse-site.js';
import type { SiteSource } from './load/site-source.js';
import { buildModel } from './model/build-model.js';
import type { SiteModel } from './model/site-model.js';
import { readBases } from './layers/bases.js';
import { mergeLayers, ownerOf } from './layers/merge.js';
import { formatPath, hasErrors, type Diagnostic, type PathSegment } from './report/diagnostic.js';
import { applyAllowances } from './validate/allowances.js';
import { RULE_CODES, runInputRules, runModelRules } from './validate/rules/index.js';

const WARNING_CODES: ReadonlySet<string> = new Set(RULE_CODES.filter((c) => c.severity === 'warning').map((c) => c.code));
import { validateSchema } from './validate/validate-schema.js';

/** The result of checking one site: everything a reporter or the emit stage needs. */
export interface CheckedSite {
  readonly source: SiteSource;
  /** The site file, parsed. */
  readonly parsed: ParsedSite;
  /**
   * Every file the site is made of, lowest first: the bases it extends, then the site file itself
   * (the last layer is `parsed`). A diagnostic's `file` names one of them.
   */
  readonly layers: readonly ParsedSite[];
  /** The site as the compiler reads it: the layers merged (the site file's data when it extends nothing). */
  readonly data: unknown;
  readonly site: Site | undefined;
  readonly model: SiteModel | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parse → schema → input rules → model → model rules. Pure. A site that fails the input rules never
 * reaches the model; `model` is set only when there is no error at all.
 */
export function checkSite(source: SiteSource): CheckedSite {
  const parsed = parseSite(source.file, source.bytes);
  const failed = (diagnostics: readonly Diagnostic[], layers: readonly ParsedSite[] = [parsed]): CheckedSite => ({
    source,
    parsed,
    layers,
    data: undefined,
    site: undefined,
    model: undefined,
    diagnostics,
  });
  if (parsed.diagnostics.length > 0) return failed(parsed.diagnostics);
  const bases = readBases(source, parsed);
  if (bases.layers.length === 0 && bases.diagnostics.length === 0)
    return checkParsed(source, parsed, parsed.data, (path) => scalarSource(parsed, path));
  const layers = [...bases.layers, parsed];
  if (bases.diagnostics.length > 0) return failed(bases.diagnostics, layers);
  const datas = layers.map((l) => l.data);
  const owner = (path: readonly PathSegment[]): ParsedSite => layers[ownerOf(datas, path)]!;
  const checked = checkParsed(source, parsed, mergeLayers(datas), (path) => scalarSource(owner(path), path), layers);
  // Each finding points into the file that holds the value: a base's key is fixed in the base.
  const diagnostics = checked.diagnostics.map((d) => (d.file === source.file ? { ...d, file: owner(d.path).file } : d));
  return { ...checked, diagnostics };
}

/**
 * The stages after parsing, on data: for a site file that parsed, and for `explain`'s trials, which
 * change one value of a parsed site (its scalars' sources then describe the original).
 */
export function checkParsed(
  source: SiteSource,
  parsed: ParsedSite,
  data: unknown,
  sourceOf: (path: readonly (string | number)[]) => string | undefined = () => undefined,
  layers: readonly ParsedSite[] = [parsed],
): CheckedSite {
  const { site, diagnostics } = validateSchema(source.file, data, sourceOf);
  if (site === undefined) return { source, parsed, layers, data, site: undefined, model: undefined, diagnostics };
  const context = { site, file: source.file, fileStem: source.stem };
  // Allowances are applied once, after every rule: applied to the input rules' findings alone, an
  // entry allowing a model-rule warning (secret-unused) would be reported unused before its warning exists.
  const inputDiagnostics = runInputRules(context);
  if (hasErrors(inputDiagnostics)) {
    // One pass where the site can still be read: the model rules run too when a model can be built
    // despite the input errors. The model asserts what the input rules guarantee, so building it may
    // fail here; the input errors are then the whole report (the site is invalid either way).
    let more: Diagnostic[] = [];
    try {
      more = runModelRules({ ...context, model: buildModel(site, source.label) });
    } catch {
      more = [];
    }
    // A key an input rule already refuses gets no second finding (a typo'd secret name is not also unused).
    const refused = new Set(inputDiagnostics.filter((d) => d.severity === 'error').map((d) => formatPath(d.path)));
    const extra = more.filter((d) => !refused.has(formatPath(d.path)));
    const all = applyAllowances(site, source.file, [...inputDiagnostics, ...extra], WARNING_CODES);
    return { source, parsed, layers, data, site, model: undefined, diagnostics: all };
  }
  const model = buildModel(site, source.label);
  const all = applyAllowances(site, source.file, [...inputDiagnostics, ...runModelRules({ ...context, model })], WARNING_CODES);
  return { source, parsed, layers, data, site, model: hasErrors(all) ? undefined : model, diagnostics: all };
}

/**
 * The model of a checked site even when rules found errors (for `explain`, which reads a site as
 * the compiler does while the operator is fixing it); undefined when the schema refused the site or
 * the model cannot be built without what the rules guarantee.
 */
export function readModel(checked: CheckedSite): SiteModel | undefined {
  if (checked.model !== undefined || checked.site === undefined) return checked.model;
  try {
    return buildModel(checked.site, checked.source.label);
  } catch {
    return undefined;
  }
}

export type { SiteSource };
