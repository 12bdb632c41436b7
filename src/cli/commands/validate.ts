import { checkSites, locatedOf, validityOf } from '../check-sites.js';
import type { CliIo } from '../io.js';
import type { SiteOptions } from '../options.js';
import type { RunReport } from '../report.js';

/** `chamicore-compile validate`: the schema and the rules, nothing written. */
export async function validate(args: readonly string[], opts: SiteOptions, io: CliIo): Promise<RunReport> {
  // validate keeps no model: memory grows only with the diagnostics, whatever the number of sites.
  const run = await checkSites(args, io, 0);
  return {
    command: 'validate',
    strict: opts.strict,
    outShown: '',
    sites: validityOf(run, opts.strict),
    diagnostics: locatedOf(run),
    extraSites: [],
    removedSites: [],
    keptSites: [],
  };
}
