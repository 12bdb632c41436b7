/**
 * Diagnostics are data: every stage returns them, nothing throws them. Codes are stable and
 * tested; wording may change. Positions are resolved late, from `path`, by the reporter.
 */

/** Every diagnostic code the compiler can emit. */
export type DiagnosticCode =
  // reading the file
  | 'input-unreadable'
  | 'input-too-large'
  | 'input-invalid-utf8'
  | 'input-nul'
  | 'input-ill-formed-unicode'
  | 'input-too-deep'
  | 'input-too-many-nodes'
  | 'input-not-mapping'
  // YAML
  | 'yaml-syntax'
  | 'yaml-duplicate-key'
  | 'yaml-unknown-tag'
  | 'yaml-merge-key'
  | 'yaml-alias'
  | 'yaml-multiple-documents'
  // JSON Schema
  | 'schema-required'
  | 'schema-unknown-key'
  | 'schema-key-pattern'
  | 'schema-type'
  | 'schema-enum'
  | 'schema-pattern'
  | 'schema-format'
  | 'schema-range'
  | 'schema-length'
  | 'schema-unique'
  | 'schema-one-of'
  | 'schema-invalid'
  // semantic rules
  | 'site-name-mismatch'
  | 'prod-dev-mode'
  | 'secret-value-outside-dev'
  | 'secret-dev-token'
  | 'secret-undefined'
  | 'secret-unused'
  | 'prod-latest-tag'
  | 'image-tag-invalid'
  | 'external-db-host'
  | 'kea-sync-url'
  | 'events-nats-url'
  | 'ingress-host-domain'
  | 'prod-replicas'
  | 'env-reserved'
  | 'env-conflict'
  | 'env-secret-name'
  | 'k8s-name-invalid'
  | 'oidc-duplicate-provider'
  | 'prod-ingress-tls'
  | 'compose-outside-dev'
  | 'db-connection-budget'
  | 'secret-rotation-unacknowledged'
  | 'chart-values-reserved'
  | 'chart-values-secret'
  | 'chart-values-unknown'
  | 'third-party-image-tag'
  | 'third-party-unused'
  // reveal time
  | 'secret-key-missing'
  | 'secret-key-weak'
  | 'secret-env-missing'
  | 'secret-file-missing'
  | 'secret-file-outside'
  | 'secret-value-invalid';

export type Severity = 'error' | 'warning';

/** One segment of a path into the site document: a map key or a sequence index. */
export type PathSegment = string | number;

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  /** Site file as shown to the user (relative, `/`-separated). */
  readonly file: string;
  /** Where in the document; resolved to line:col by the reporter. */
  readonly path: readonly PathSegment[];
  /** Point at the key rather than the value (unknown keys). */
  readonly onKey?: boolean;
  /** A character offset in the file, used when there is no path (syntax errors). */
  readonly offset?: number;
  readonly hint?: string;
}

type DiagnosticBuilder = (
  code: DiagnosticCode,
  file: string,
  path: readonly PathSegment[],
  message: string,
  extra?: Partial<Pick<Diagnostic, 'onKey' | 'offset' | 'hint'>>,
) => Diagnostic;

const builder =
  (severity: Severity): DiagnosticBuilder =>
  (code, file, path, message, extra = {}) => ({ code, severity, message, file, path, ...extra });

/** Builds an error diagnostic. */
export const error: DiagnosticBuilder = builder('error');

/** Builds a warning diagnostic. */
export const warning: DiagnosticBuilder = builder('warning');

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Code-unit string order, never locale order: output must not depend on the machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Renders a path as `services.smd.replicas` or `auth.oidc.providers[0].name`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? '(root)' : out;
}
