import { parseSite, type ParsedSite } from '../load/parse-site.js';
import type { SiteSource } from '../load/site-source.js';
import { error, type Diagnostic } from '../report/diagnostic.js';
import { isMapping } from './merge.js';

/** A base's name: its file name in `bases/` without `.yaml` (the schema's pattern for `extends` entries). */
export const BASE_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Where the bases of a folder of sites live, relative to that folder. */
export const BASES_FOLDER = 'bases';

/**
 * The names a parsed site file extends, in its order: only well-formed names (the schema reports
 * the others, and a name that is not one is never looked up as a file).
 */
export function extendsNames(data: unknown): string[] {
  if (!isMapping(data) || !Array.isArray(data['extends'])) return [];
  return data['extends'].filter((n): n is string => typeof n === 'string' && BASE_NAME.test(n));
}

/**
 * Parses the bases a site extends (read at the edge into `source.bases`), lowest first. A base is
 * a partial site file under the same rules as a site file (YAML 1.2, no anchors, the same limits);
 * it cannot extend another base (one level keeps the origin of every value obvious) and cannot
 * name the site (`site.name` is each site's own). Pure.
 */
export function readBases(source: SiteSource, parsed: ParsedSite): { layers: ParsedSite[]; diagnostics: Diagnostic[] } {
  const layers: ParsedSite[] = [];
  const diagnostics: Diagnostic[] = [];
  const names: unknown[] = isMapping(parsed.data) && Array.isArray(parsed.data['extends']) ? parsed.data['extends'] : [];
  names.forEach((name, i) => {
    // Ill-formed names and repeats are the schema's to report; a name that is not one is never looked up.
    if (typeof name !== 'string' || !BASE_NAME.test(name) || names.indexOf(name) !== i) return;
    const base = source.bases?.find((b) => b.name === name);
    if (base?.bytes === undefined) {
      diagnostics.push(
        error('base-not-found', source.file, ['extends', i], `no base ${name}: ${base?.problem ?? 'it was not read'}`, {
          hint: `a base is a file ${BASES_FOLDER}/<name>.yaml in the folder of the site file; create it or remove ${name} from extends`,
        }),
      );
      return;
    }
    const layer = parseSite(base.file, base.bytes);
    // Kept even when it does not parse: its diagnostics are placed in its own text.
    layers.push(layer);
    diagnostics.push(...layer.diagnostics);
    if (layer.diagnostics.length > 0) return;
    if (isMapping(layer.data) && Object.hasOwn(layer.data, 'extends'))
      diagnostics.push(
        error('base-extends', base.file, ['extends'], 'a base cannot extend another base', {
          onKey: true,
          hint: 'list every base in the site file instead: extends: [first, second] (later ones win)',
        }),
      );
    const site = isMapping(layer.data) ? layer.data['site'] : undefined;
    if (isMapping(site) && Object.hasOwn(site, 'name'))
      diagnostics.push(
        error('base-site-name', base.file, ['site', 'name'], 'a base cannot set site.name: each site file names its own site', {
          onKey: true,
          hint: 'remove site.name from the base; set it in each site file',
        }),
      );
  });
  return { layers, diagnostics };
}
