/** The tool's version; a test keeps it equal to package.json. */
export const VERSION = '0.1.0';

/**
 * The site schema's version, as its $id names it (`…/schema/v1/site.schema.json`; a test keeps the
 * two equal): it changes when a site file valid for one version may be refused by the next. A
 * constant, so that --version and --help load no schema.
 */
export const SCHEMA_VERSION = 'v1';

/** What `--version` prints. */
export const VERSION_TEXT = `chamicore-compile ${VERSION} (site schema ${SCHEMA_VERSION})`;
