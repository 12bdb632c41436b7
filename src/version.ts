import { siteSchema } from './generated/site-schema.js';

/** The tool's version; a test keeps it equal to package.json. */
export const VERSION = '0.1.0';

/**
 * The site schema's version, from its $id (`…/schema/v1/site.schema.json`): it changes when a site
 * file valid for one version may be refused by the next.
 */
export const SCHEMA_VERSION: string = /\/schema\/(v\d+)\//.exec(String(siteSchema['$id']))?.[1] ?? 'unversioned';

/** What `--version` prints. */
export const VERSION_TEXT = `chamicore-compile ${VERSION} (site schema ${SCHEMA_VERSION})`;
