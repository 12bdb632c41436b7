import type { Site } from '../../generated/site.js';
import type { SiteModel } from '../../model/site-model.js';
import type { Diagnostic } from '../../report/diagnostic.js';

/** What every semantic rule sees: the schema-valid input (for paths) and the normalised model. */
export interface RuleContext {
  readonly site: Site;
  readonly model: SiteModel;
  /** Site file as shown in diagnostics. */
  readonly file: string;
  /** The file's name without `.yaml`/`.yml`. */
  readonly fileStem: string;
}

export type Rule = (ctx: RuleContext) => Diagnostic[];
