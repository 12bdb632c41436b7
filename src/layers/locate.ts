import type { ParsedSite } from '../load/parse-site.js';
import { type Diagnostic } from '../report/diagnostic.js';
import { compareStrings } from '../util/compare.js';
import { locateAll, type LocatedDiagnostic } from '../report/format.js';

/**
 * Places diagnostics in the file each names: the site file or one of the bases it extends
 * (`layers`, the site file last). Sorted by file, then position, as locateAll sorts.
 */
export function locateLayered(diagnostics: readonly Diagnostic[], layers: readonly ParsedSite[]): LocatedDiagnostic[] {
  const site = layers[layers.length - 1];
  if (layers.length <= 1) return locateAll(diagnostics, site);
  const files = [...new Set(diagnostics.map((d) => d.file))].sort(compareStrings);
  return files.flatMap((file) =>
    locateAll(
      diagnostics.filter((d) => d.file === file),
      layers.find((l) => l.file === file) ?? site,
    ),
  );
}
