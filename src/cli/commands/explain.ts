import { checkSite, readModel } from '../../compile.js';
import { ExplainError, explainKey, explainOutput, parseKeyPath, type Explanation } from '../../explain/explain.js';
import { readSiteSource, resolveSiteArgs } from '../../load/read-sites.js';
import { UsageError } from '../../report/exit-codes.js';
import { formatText, type LocatedDiagnostic } from '../../report/format.js';
import { locateLayered } from '../../layers/locate.js';
import type { CliIo } from '../io.js';

/**
 * `chamicore-compile explain <site> <path>`: a key of the site (`services.smd.replicas`) or a
 * generated value (`values.yaml:chamicore-smd.replicaCount`). Returns the explanation, or the
 * site's errors when it is invalid (nothing can be traced through an invalid site).
 */
export async function explain(
  siteArg: string,
  pathArg: string,
  io: CliIo,
): Promise<{ file: string; explanation?: Explanation; errors: LocatedDiagnostic[] }> {
  const { files } = await resolveSiteArgs([siteArg], io.cwd);
  if (files.length !== 1)
    throw new UsageError('site-not-found', `${siteArg}: explain takes one site file, not a folder of ${files.length}`);
  const checked = checkSite(readSiteSource(files[0]!, io.cwd));
  const file = checked.source.file;
  const errors = locateLayered(
    checked.diagnostics.filter((d) => d.severity === 'error'),
    checked.layers,
  );
  // A site with rule errors is still explained (as the compiler reads it); one it cannot read is not.
  if (readModel(checked) === undefined) return { file, errors };
  try {
    const colon = pathArg.indexOf(':');
    const explanation =
      colon > 0 ? explainOutput(checked, pathArg.slice(0, colon), pathArg.slice(colon + 1)) : explainKey(checked, parseKeyPath(pathArg));
    return { file, explanation, errors };
  } catch (e) {
    if (e instanceof ExplainError)
      throw e.code === 'explain-too-large' ? new UsageError('explain-too-large', e.message) : new UsageError('path-unknown', e.message);
    throw e;
  }
}

export const errorsText = (errors: readonly LocatedDiagnostic[]): string => errors.map(formatText).join('');
