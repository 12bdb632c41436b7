/** Types of scripts/build.mjs, for the test setup and tests that import it. */
export const BUNDLE_DIR: string;
export const BUNDLE_ENTRY: string;
export function buildAll(root?: string): Promise<void>;
export const BUNDLE_CLI: string;
