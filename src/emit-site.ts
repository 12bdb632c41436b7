import type { SiteModel } from './model/site-model.js';
import { hasErrors, type Diagnostic } from './report/diagnostic.js';
import { resolveSecrets, type SecretInputs } from './secrets/resolve.js';
import { emitSite } from './emit/registry.js';
import type { OutputFile } from './emit/output.js';

/**
 * The emit stage of a checked site, apart from compile.ts so that checking a site (validate) loads
 * no emitter and no template.
 */

/** Resolves secrets and renders every output file of a checked site. Pure. */
export function emitCheckedSite(
  model: SiteModel,
  file: string,
  reveal: boolean,
  inputs: SecretInputs | undefined,
): { files: OutputFile[] | undefined; diagnostics: Diagnostic[] } {
  const { values, diagnostics } = resolveSecrets(model, reveal, inputs, file);
  if (hasErrors(diagnostics)) return { files: undefined, diagnostics };
  return { files: emitSite({ model, secrets: values, redacted: !reveal }), diagnostics };
}

/** A valid site's redacted files. */
export function emitRedacted(model: SiteModel, file: string): OutputFile[] {
  const files = emitCheckedSite(model, file, false, undefined).files;
  // A valid redacted site always renders (only reveal inputs can be missing); a bug otherwise.
  if (files === undefined) throw new Error(`${file}: a valid site rendered no files`);
  return files;
}
