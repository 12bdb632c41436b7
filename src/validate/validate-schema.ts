import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Site } from '../generated/site.js';
import { validate as generatedValidator } from '../generated/site-validator.js';
import { error, formatPath, type Diagnostic, type DiagnosticCode, type PathSegment } from '../report/diagnostic.js';
import { childrenOf, resolveNode } from './schema-fields.js';
import { suggest } from './suggest.js';

/**
 * The site validator: ajv's code for schema/site.schema.json, generated at build time (npm run gen)
 * with verbose errors. The only code that sees ajv's error objects.
 */
const validator = generatedValidator as ValidateFunction<Site>;

/** Validates plain site data against schema/site.schema.json; returns coded diagnostics. */
/** How a scalar was written in the site file (`1.10`, `yes`), when the caller knows: hints quote it as written. */
export type SourceOf = (path: readonly PathSegment[]) => string | undefined;

export function validateSchema(
  file: string,
  data: unknown,
  sourceOf: SourceOf = () => undefined,
): { site: Site | undefined; diagnostics: Diagnostic[] } {
  if (validator(data)) return { site: data, diagnostics: [] };
  return { site: undefined, diagnostics: convertErrors(file, data, validator.errors ?? [], sourceOf) };
}

/** ajv's errors as diagnostics (exported for the test of the fallback code). */
export function convertErrors(
  file: string,
  data: unknown,
  errors: readonly ErrorObject[],
  sourceOf: SourceOf = () => undefined,
): Diagnostic[] {
  // Errors inside a failed oneOf branch only restate the oneOf; report the oneOf alone.
  const oneOfPaths = errors.filter((e) => e.keyword === 'oneOf').map((e) => e.schemaPath);
  const kept = errors.filter(
    (e) =>
      e.keyword !== 'if' &&
      !e.schemaPath.includes('/propertyNames/') &&
      !oneOfPaths.some((p) => e.schemaPath !== p && e.schemaPath.startsWith(`${p}/`)),
  );
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of kept) {
    const d = convertError(file, data, e, sourceOf);
    const key = `${d.code}\0${d.path.join('\0')}\0${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/** The keys an object schema allows: its own properties and those of the `$defs` its allOf names. */
function propertyNames(node: Record<string, unknown> | undefined): string[] {
  return node === undefined
    ? []
    : childrenOf(resolveNode(node))
        .filter((c) => c.kind === 'property')
        .map((c) => c.key);
}

/** JSON Pointer to path segments, with sequence indexes as numbers. */
function toPath(data: unknown, pointer: string): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let cursor: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cursor)) {
      path.push(Number(seg));
      cursor = cursor[Number(seg)];
    } else {
      path.push(seg);
      cursor = cursor !== null && typeof cursor === 'object' ? (cursor as Record<string, unknown>)[seg] : undefined;
    }
  }
  return path;
}

function where(path: readonly PathSegment[]): string {
  return path.length === 0 ? 'at the top level' : `in ${formatPath(path)}`;
}

function yamlType(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return `a ${typeof value}`;
}

/** Quotes a user value for a message, short and with control characters escaped. */
function quoteValue(value: unknown): string {
  // JSON.stringify returns undefined for undefined, whatever its declared type says.
  const s = (JSON.stringify(value) as string | undefined) ?? String(value);
  return s.length > 64 ? `${s.slice(0, 60)}…"` : s;
}

function expected(e: ErrorObject): string | undefined {
  const x: unknown = e.parentSchema?.['x-expected'];
  return typeof x === 'string' ? x : undefined;
}

/** A key whose value names a secret: someone may paste the secret itself there. */
export function holdsSecretName(path: readonly PathSegment[]): boolean {
  const last = path[path.length - 1];
  return (path[0] === 'auth' && last === 'clientSecret') || (path[0] === 'kubernetes' && last === 'passwordSecret');
}

function convertError(file: string, data: unknown, e: ErrorObject, sourceOf: SourceOf): Diagnostic {
  const path = toPath(data, e.instancePath);
  const params = e.params as Record<string, unknown>;
  // Anything under secrets may be a value pasted by mistake (a password in fromEnv), and so may a key
  // that names a secret (an OIDC clientSecret, a registry passwordSecret): never quoted nor framed.
  const pasted = holdsSecretName(path);
  const quote =
    path[0] === 'secrets'
      ? (): string => 'a value (not shown: it is under secrets)'
      : pasted
        ? (): string => "a value (not shown: a secret's name belongs here, and this may be the secret itself)"
        : quoteValue;
  const mk = (code: DiagnosticCode, message: string, extra: Parameters<typeof error>[4] = {}, p = path) =>
    error(code, file, p, message, pasted ? { ...extra, sensitive: true } : extra);
  switch (e.keyword) {
    case 'required':
      return mk('schema-required', `missing required key "${String(params['missingProperty'])}" ${where(path)}`);
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = String(params['additionalProperty'] ?? params['unevaluatedProperty']);
      const props = propertyNames(e.parentSchema);
      const near = suggest(key, props);
      return mk(
        'schema-unknown-key',
        `unknown key ${quote(key)} ${where(path)}${near ? ` (did you mean "${near}"?)` : ''}`,
        { onKey: true, hint: props.length > 0 ? `allowed keys: ${props.sort().join(', ')}` : undefined },
        [...path, key],
      );
    }
    case 'propertyNames': {
      const key = String(params['propertyName']);
      const names = (e.parentSchema as Record<string, unknown>)['propertyNames'] as Record<string, unknown> | undefined;
      const what = typeof names?.['x-expected'] === 'string' ? names['x-expected'] : 'a valid key';
      return mk('schema-key-pattern', `key ${quote(key)} ${where(path)}: expected ${what}`, { onKey: true }, [...path, key]);
    }
    case 'type': {
      const want = String(params['type']);
      const got = yamlType(e.data);
      const scalar = typeof e.data === 'number' || typeof e.data === 'boolean' || typeof e.data === 'string';
      const hint =
        want === 'string' && scalar
          ? path[0] === 'secrets'
            ? 'quote the value, so YAML reads it as a string'
            : `quote it, so YAML reads it as the string ${JSON.stringify(sourceOf(path) ?? String(e.data))}`
          : want === 'array' && scalar && path[0] !== 'secrets'
            ? `write a list: [${sourceOf(path) ?? JSON.stringify(e.data)}], or one "- ${sourceOf(path) ?? String(e.data)}" line per item`
            : want === 'boolean' && typeof e.data === 'string' && path[0] !== 'secrets'
              ? `write true or false; site files are YAML 1.2, where ${sourceOf(path) ?? e.data} is a string`
              : undefined;
      const wanted = { integer: 'an integer', array: 'a list', object: 'a mapping', boolean: 'true or false' }[want] ?? `a ${want}`;
      return mk('schema-type', `expected ${wanted}, got ${got}`, { hint });
    }
    case 'enum': {
      const allowed = (e.schema as unknown[]).map((v) => String(v));
      const near = typeof e.data === 'string' ? suggest(e.data, allowed) : undefined;
      return mk('schema-enum', `expected one of ${allowed.join(', ')}; got ${quote(e.data)}${near ? ` (did you mean "${near}"?)` : ''}`);
    }
    case 'const':
      return mk('schema-enum', `expected ${quote(params['allowedValue'])}`);
    case 'pattern':
      return mk('schema-pattern', `expected ${expected(e) ?? `a value matching ${String(params['pattern'])}`}; got ${quote(e.data)}`);
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const words: Record<string, string> = {
        minimum: 'at least',
        exclusiveMinimum: 'more than',
        maximum: 'at most',
        exclusiveMaximum: 'less than',
      };
      return mk('schema-range', `expected ${words[e.keyword]} ${String(params['limit'])}; got ${quote(e.data)}`);
    }
    case 'minLength':
    case 'maxLength':
      // Never quote the value: it may be a secret literal.
      return mk('schema-length', `expected ${e.keyword === 'minLength' ? 'at least' : 'at most'} ${String(params['limit'])} characters`);
    case 'minItems':
    case 'maxItems':
      return mk('schema-length', `expected ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${String(params['limit'])} items`);
    case 'minProperties':
    case 'maxProperties':
      return mk('schema-length', `expected ${e.keyword === 'minProperties' ? 'at least' : 'at most'} ${String(params['limit'])} entries`);
    case 'uniqueItems':
      return mk('schema-unique', `items ${String(params['j'])} and ${String(params['i'])} are the same; each item may appear once`);
    case 'oneOf': {
      const branches = ((e.schema as Record<string, unknown>[] | undefined) ?? []).map((b) =>
        Array.isArray(b['required']) ? String(b['required'][0]) : '?',
      );
      const data = e.data !== null && typeof e.data === 'object' ? (e.data as Record<string, unknown>) : {};
      const given = branches.filter((b) => b in data);
      const found = given.length === 0 ? 'found none' : `found ${given.join(' and ')}`;
      return mk('schema-one-of', `expected exactly one of ${branches.join(', ')} ${where(path)}; ${found}`);
    }
    default:
      return mk('schema-invalid', `${e.message ?? 'invalid value'} ${where(path)}`);
  }
}
