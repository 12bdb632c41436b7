// A secret in transit, for every module that passes secrets along without reading them. The
// class lives in ./reveal.js, with the one function that can read it; that function is not
// exported from here.
export { SecretValue } from './reveal.js';

/**
 * What redacted output holds instead of every generated, environment or file secret: fixed, so
 * `out/` is deterministic without the site key, and obviously not a real credential.
 */
export const REDACTED = 'REDACTED-compile-with-reveal';
