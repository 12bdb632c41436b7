/**
 * Diagnostics are data: every stage returns them, nothing throws them. Codes are stable and
 * tested; wording may change. Positions are resolved late, from `path`, by the reporter.
 */

import type { RuleCode } from './rule-codes.js';

/**
 * The codes of the stages before and after the rules, with what each means. The rules declare
 * their own codes (src/validate/rules/); DiagnosticCode is the union of both.
 */
export const STAGE_CODES = {
  // reading the file
  'input-too-large': 'the site file is larger than the size limit',
  'input-invalid-utf8': 'the site file is not UTF-8',
  'input-nul': 'the site file holds a NUL character',
  'input-ill-formed-unicode': 'a string holds a lone UTF-16 surrogate escape',
  'input-too-deep': 'maps and lists nest deeper than the limit',
  'input-too-many-nodes': 'the file has more YAML nodes than the limit',
  'input-not-mapping': 'the file is empty or its top level is not a mapping',
  // YAML
  'yaml-syntax': 'the file is not well-formed YAML 1.2',
  'yaml-duplicate-key': 'a key appears twice in one mapping',
  'yaml-unknown-tag': 'a YAML tag is used',
  'yaml-merge-key': 'a merge key (<<) is used',
  'yaml-alias': 'an alias (*name) is used',
  'yaml-multiple-documents': 'the file holds more than one YAML document',
  'yaml-number-inexact': 'a number that is not finite (.nan, .inf) or an integer beyond 2^53, which no output can hold as written',
  // JSON Schema
  'schema-required': 'a required key is missing',
  'schema-unknown-key': 'a key the schema does not define',
  'schema-key-pattern': 'a key does not match the pattern for its map',
  'schema-type': 'a value has the wrong type',
  'schema-enum': 'a value is not one of the allowed values',
  'schema-pattern': 'a string does not match its pattern',
  'schema-range': 'a number is outside its range',
  'schema-length': 'a string or list is too short or too long',
  'schema-unique': 'a list holds a value twice',
  'schema-one-of': 'a value matches none, or more than one, of its alternatives',
  'schema-invalid': 'any other schema violation',
  // bases (extends)
  'base-not-found': 'a base the site extends is not a readable regular file bases/<name>.yaml beside the site file',
  'base-extends': 'a base extends another base (only site files extend bases)',
  'base-site-name': "a base sets site.name, which is each site file's own",
  // the development stack's source checkout (compose.dev.source), on disk
  'compose-dev-source-outside': 'compose.dev.source resolves outside the folder that holds this repository',
  'compose-dev-source-link': 'compose.dev.source goes through a symbolic link',
  // across the sites of one run
  'site-namespace-shared': 'two sites of one run deploy into the same Kubernetes namespace',
  'ingress-host-shared': 'two sites of one run serve the same ingress host',
  // the site's allowWarnings
  'allowance-invalid': 'an allowWarnings entry names a code that is not a warning',
  'allowance-unused': 'an allowWarnings entry matches no warning of the site',
  // diff, against the base
  'secret-changed-unrotated':
    'a secret whose change breaks the running site (database passwords, the auth encryption key) changes value against the base without a rotation',
  // reveal time
  'secret-key-missing': 'a generated secret needs the site key, and none was given',
  'secret-key-weak': 'the site key is too short',
  'secret-env-missing': 'a secret read from the environment is not set',
  'secret-file-missing': 'a secret read from a file is missing',
  'secret-file-outside': 'a secret file lies outside the secrets folder',
  'secret-value-invalid': 'a secret value no output can carry (a NUL, ill-formed Unicode)',
  'secret-dev-token': 'a secret outside development holds the public development token',
} as const;

/** Every diagnostic code the compiler can emit. */
export type DiagnosticCode = keyof typeof STAGE_CODES | RuleCode;

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
  /** The line may hold a credential (a password pasted where it does not belong): no code frame shows it. */
  readonly sensitive?: boolean;
  /** A warning the site accepts (allowWarnings): the reason it gives. */
  readonly allowed?: string;
}

export type DiagnosticBuilder<C extends string = DiagnosticCode> = (
  code: C,
  file: string,
  path: readonly PathSegment[],
  message: string,
  extra?: Partial<Pick<Diagnostic, 'onKey' | 'offset' | 'hint' | 'sensitive'>>,
) => Diagnostic;

const builder =
  (severity: Severity): DiagnosticBuilder =>
  (code, file, path, message, extra = {}) => ({ code, severity, message, file, path, ...extra });

/** Builds an error diagnostic. */
export const error: DiagnosticBuilder = builder('error');

/** Builds a warning diagnostic. */
export const warning: DiagnosticBuilder = builder('warning');

/** An error, or under --strict a warning the site does not allow: either stops the run. */
export const blocks = (d: Diagnostic, strict: boolean): boolean => d.severity === 'error' || (strict && d.allowed === undefined);

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Renders a path as `services.smd.replicas` or `auth.oidc.providers[0].name`. */
/**
 * A diagnostic's path as reports show it. A key under `secrets` that the schema does not know may be
 * a value pasted there (`secrets: {db-password: {<the password>: 1}}`): such a key is never shown.
 */
export function reportedPath(d: Pick<Diagnostic, 'path' | 'onKey'>): string {
  if (d.path[0] !== 'secrets' || d.onKey !== true || d.path.length < 2) return formatPath(d.path);
  return `${d.path.length === 2 ? 'secrets' : formatPath(d.path.slice(0, -1))}[<key not shown>]`;
}

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? '(root)' : out;
}
