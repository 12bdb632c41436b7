import { checkParsed, readModel, type CheckedSite } from '../compile.js';
import { diffSite, diffValues, documentsByKind, leavesOf, outputDocuments, valueAt } from '../diff/site-diff.js';
import type { OutputKind } from '../emit/registry.js';
import { allFields, childrenOf, fieldAt, keysAt, type Field } from '../validate/schema-fields.js';
import type { SiteModel } from '../model/site-model.js';
import { formatPath, hasErrors, type PathSegment } from '../report/diagnostic.js';
import { compareStrings } from '../util/compare.js';
import { locateIn } from '../report/locate.js';
import { ownerOf } from '../layers/merge.js';
import { suggest } from '../validate/suggest.js';
import { isRecord } from '../util/record.js';

/**
 * `explain`: what a key of a site file means, what it is, where its value came from and what it
 * becomes in the outputs; or, for an output path, which keys of the site produce it. Pure.
 *
 * What a key feeds is found by trying: the site is compiled again with the key set to another
 * valid value, and every output that changes is one the key feeds. Nothing is hard-coded, so the
 * answer is what the compiler does. Secrets are redacted on both sides; no value is ever shown.
 */

/** One output place a key feeds, with its current value (JSON text). */
export interface Feed {
  /** Output file relative to out/<site>/, or `Secret <name>` for a key of a Secret. */
  readonly file: string;
  readonly path: string;
  readonly value: string | undefined;
}

export type Origin =
  | { readonly kind: 'set'; readonly file: string; readonly line: number; readonly column: number }
  /** `of`: the enclosing key whose default holds this one. */
  | { readonly kind: 'default'; readonly value: string; readonly of?: string }
  | { readonly kind: 'derived' };

export interface KeyExplanation {
  readonly kind: 'key';
  readonly path: string;
  readonly field: Pick<Field, 'path' | 'description' | 'type' | 'required'> & { readonly default?: string; readonly example?: string };
  /** The value as the site sets it, or the default (JSON text); undefined when derived or a secret. */
  readonly value: string | undefined;
  readonly origin: Origin;
  /** The keys below it, for a key that holds a map or an object. */
  readonly keys: readonly string[];
  readonly feeds: readonly Feed[];
  /** Whether the feeds could be traced (a value another valid value could replace). */
  readonly traced: boolean;
}

export interface OutputExplanation {
  readonly kind: 'output';
  readonly file: string;
  readonly path: string;
  readonly value: string;
  /** The site keys whose change changes this output value. */
  readonly sources: readonly { readonly path: string; readonly value: string | undefined; readonly origin: Origin }[];
}

export type Explanation = KeyExplanation | OutputExplanation;

/** An explain request that names no key or output: the message says what exists instead. */
export class ExplainError extends Error {
  override readonly name = 'ExplainError';
  constructor(
    message: string,
    /** path-unknown, or explain-too-large when tracing an output back would take too long. */
    readonly code: 'path-unknown' | 'explain-too-large' = 'path-unknown',
  ) {
    super(message);
  }
}

/**
 * The most keys tracing an output value back tries (it compiles the site once for each): about
 * 5 seconds on one core. The example sites have about 260; lists and maps a site fills (env,
 * affinity terms, providers) add theirs.
 */
export const MAX_TRACED_KEYS = 600;

/** `services.bss.database.maxOpenConns`, `auth.oidc.providers[0].name`, `secrets["a.b"]` → segments. */
export function parseKeyPath(text: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const re = /(^|\.)([^.[\]"]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/y;
  while (re.lastIndex < text.length) {
    const at = re.lastIndex;
    const m = re.exec(text);
    // A name starts the path or follows a dot; nothing else may come between segments.
    if (m === null || (m[2] !== undefined && (m[1] === '') !== (at === 0)))
      throw new ExplainError(`${text}: not a key path (write it as services.smd.replicas or auth.oidc.providers[0].name)`);
    if (m[2] !== undefined) segments.push(/^\d+$/.test(m[2]) && at > 0 ? Number(m[2]) : m[2]);
    else if (m[3] !== undefined) segments.push(Number(m[3]));
    else segments.push(JSON.parse(`"${m[4]!}"`) as string);
  }
  if (segments.length === 0) throw new ExplainError('the key path is empty (write it as services.smd.replicas)');
  return segments;
}

function getIn(data: unknown, path: readonly PathSegment[]): unknown {
  let node = data;
  for (const s of path) {
    if (Array.isArray(node) && typeof s === 'number') node = node[s] as unknown;
    else if (isRecord(node) && typeof s === 'string') node = node[s];
    else return undefined;
  }
  return node;
}

function setIn(data: unknown, path: readonly PathSegment[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [PathSegment, ...PathSegment[]];
  if (typeof head === 'number') {
    const list = Array.isArray(data) ? [...(data as unknown[])] : [];
    list[head] = setIn(list[head], rest, value);
    return list;
  }
  const record = isRecord(data) ? { ...data } : {};
  record[head] = setIn(record[head], rest, value);
  return record;
}

/** The key path is secret material: its value is never shown. */
const isSecretPath = (path: readonly PathSegment[]): boolean => path[0] === 'secrets' && path.length >= 3 && path[2] === 'value';

/** Other valid values to try for a key, first the likeliest to be accepted. */
function candidates(field: Field, current: unknown): unknown[] {
  const node = field.node;
  const out: unknown[] = [];
  if (Array.isArray(node['enum'])) out.push(...(node['enum'] as unknown[]));
  if (node['type'] === 'boolean') out.push(current !== true, current === true);
  if (node['type'] === 'integer' || node['type'] === 'number') {
    const n = typeof current === 'number' ? current : typeof field.default === 'number' ? field.default : 1;
    out.push(n + 1, n - 1, n * 2);
  }
  if (node['type'] === 'string' || out.length === 0) {
    for (const base of [current, field.default, ...(field.examples ?? [])]) {
      if (typeof base !== 'string') continue;
      out.push(...(field.examples ?? []));
      // The last number in it, one up: durations (30s), quantities (250m), versions (1.4.2).
      const m = /(\d+)(?!.*\d)/.exec(base);
      if (m !== null) out.push(`${base.slice(0, m.index)}${Number(m[1]) + 1}${base.slice(m.index + m[1]!.length)}`);
      out.push(`${base}x`, `${base}-x`);
    }
  }
  return out.filter(
    (v, i) => JSON.stringify(v) !== JSON.stringify(current) && out.findIndex((w) => JSON.stringify(w) === JSON.stringify(v)) === i,
  );
}

/** The site compiled with `value` at `path` (from its data: no YAML text in between); undefined when not valid. */
function compileWith(checked: CheckedSite, path: readonly PathSegment[], value: unknown): SiteModel | undefined {
  const trial = checkParsed(checked.source, checked.parsed, setIn(checked.data, path, value), undefined, checked.layers);
  // A site with rule errors is explained as the compiler reads it: trials need not fix those errors.
  return hasErrors(checked.diagnostics) ? readModel(trial) : trial.model;
}

/** What a trial changes: every output value (by the paths diff prints), and the Secret keys by name. */
function feedsOf(base: Baseline, other: SiteModel): Feed[] {
  const feeds: Feed[] = [];
  const documents = outputDocuments(other);
  for (const file of new Set([...base.documents.keys(), ...documents.keys()]))
    for (const c of diffValues(base.documents.get(file) ?? {}, documents.get(file) ?? {})) feeds.push({ file, path: c.path, value: c.old });
  for (const s of diffSite(base.model.name, base.model, other).secrets)
    if (s.kind !== 'source')
      feeds.push({
        file: `Secret ${s.name}`,
        path: s.change.replace(/^key (\S+) .*$/, '$1').replace(/^(added|removed) .*$/, '(the whole Secret)'),
        value: undefined,
      });
  return feeds;
}

/** The site as it compiles now: what every trial is compared with. */
interface Baseline {
  readonly checked: CheckedSite;
  readonly model: SiteModel;
  readonly documents: ReadonlyMap<string, unknown>;
  readonly kinds: ReadonlyMap<string, OutputKind>;
}

function baselineOf(checked: CheckedSite): Baseline {
  const model = readModel(checked);
  if (model === undefined) throw new Error('internal: explain needs a site the compiler can read');
  return { checked, model, ...documentsByKind(model) };
}

/** The default of a key: its own, or the part of an enclosing key's default (`services.bss.database`) it names. */
function defaultAt(path: readonly PathSegment[]): { value: unknown; of: string | undefined } | undefined {
  for (let i = path.length; i >= 1; i--) {
    const field = fieldAt(path.slice(0, i));
    if (field?.default === undefined) continue;
    const value = getIn(field.default, path.slice(i));
    if (value !== undefined) return { value, of: i < path.length ? formatPath(path.slice(0, i)) : undefined };
  }
  return undefined;
}

/** The value the compiler uses: as set in the site, else the default; undefined when derived. */
function effectiveValue(checked: CheckedSite, path: readonly PathSegment[]): unknown {
  return getIn(checked.data, path) ?? defaultAt(path)?.value;
}

function originOf(checked: CheckedSite, path: readonly PathSegment[]): Origin {
  if (getIn(checked.data, path) !== undefined) {
    // The file that holds the value: the site file, or a base it extends.
    const layer =
      checked.layers[
        ownerOf(
          checked.layers.map((l) => l.data),
          path,
        )
      ] ?? checked.parsed;
    const pos = locateIn({ path }, layer);
    return { kind: 'set', file: layer.file, line: pos.line, column: pos.col };
  }
  const d = defaultAt(path);
  return d !== undefined
    ? { kind: 'default', value: JSON.stringify(d.value), ...(d.of !== undefined ? { of: d.of } : {}) }
    : { kind: 'derived' };
}

/** Finds another valid value that changes the outputs, and what it changes. Undefined when no candidate is valid or changes anything. */
function trace(base: Baseline, path: readonly PathSegment[], field: Field): Feed[] | undefined {
  const current = effectiveValue(base.checked, path);
  for (const value of candidates(field, current)) {
    const other = compileWith(base.checked, path, value);
    if (other === undefined) continue;
    const feeds = feedsOf(base, other);
    if (feeds.length > 0) return feeds;
  }
  return undefined;
}

function unknownKey(path: readonly PathSegment[]): never {
  for (let i = 0; i < path.length; i++) {
    if (fieldAt(path.slice(0, i + 1)) !== undefined) continue;
    const keys = keysAt(path.slice(0, i));
    const near = typeof path[i] === 'string' ? suggest(path[i] as string, keys) : undefined;
    const where = i === 0 ? 'at the top of a site file' : `under ${formatPath(path.slice(0, i))}`;
    throw new ExplainError(
      `${formatPath(path)}: no key ${JSON.stringify(path[i])} ${where}${near !== undefined ? ` (did you mean ${near}?)` : ''}; keys there: ${keys.join(', ') || 'none'}`,
    );
  }
  throw new ExplainError(`${formatPath(path)}: no such key`);
}

/** Explains a key of the site. `checked` must hold a model (a valid site). */
export function explainKey(checked: CheckedSite, path: readonly PathSegment[]): KeyExplanation {
  const field = fieldAt(path) ?? unknownKey(path);
  const set = getIn(checked.data, path);
  const isLeaf = childrenOf(field.node).length === 0 || Array.isArray(field.node['enum']);
  // A secret's literal value, or anything holding one, is never shown.
  const secret = isSecretPath(path) || (path[0] === 'secrets' && !isLeaf);
  const effective = effectiveValue(checked, path);
  const value = secret || effective === undefined ? undefined : JSON.stringify(effective);
  const keys = isLeaf
    ? []
    : isRecord(set)
      ? Object.keys(set)
      : childrenOf(field.node)
          .filter((c) => c.kind === 'property')
          .map((c) => c.key);
  const feeds = isLeaf && !secret ? trace(baselineOf(checked), path, field) : undefined;
  return {
    kind: 'key',
    path: formatPath(path),
    field: {
      path: field.path,
      description: field.description,
      type: field.type,
      required: field.required,
      ...(field.default !== undefined ? { default: JSON.stringify(field.default) } : {}),
      ...(field.examples?.[0] !== undefined ? { example: JSON.stringify(field.examples[0]) } : {}),
    },
    value,
    origin: originOf(checked, path),
    keys,
    feeds: feeds ?? [],
    traced: feeds !== undefined,
  };
}

/** Every scalar key a site could set, as concrete paths: maps over the site's own entries, every service. */
function leafPaths(checked: CheckedSite): PathSegment[][] {
  const out: PathSegment[][] = [];
  for (const f of allFields()) {
    if (childrenOf(f.node).length > 0 && !Array.isArray(f.node['enum'])) continue;
    if (f.node['type'] === 'array' || f.node['type'] === 'object') continue;
    let paths: PathSegment[][] = [[]];
    for (const segment of f.path.replace(/\[\]/g, '.[]').split('.')) {
      paths = paths.flatMap((p) => {
        if (segment !== '<name>' && segment !== '[]') return [[...p, segment]];
        const node = getIn(checked.data, p);
        if (segment === '[]') return Array.isArray(node) ? node.map((_, i) => [...p, i]) : [];
        return isRecord(node) ? Object.keys(node).map((k) => [...p, k]) : [];
      });
    }
    out.push(...paths.filter((p) => !isSecretPath(p)));
  }
  return out;
}

/** Explains a generated value: which keys of the site change it. */
export function explainOutput(checked: CheckedSite, file: string, path: string): OutputExplanation {
  const base = baselineOf(checked);
  const model = base.model;

  const documents = base.documents;
  const names = [...documents.keys()].sort(compareStrings);
  const target = names.find((n) => n === file) ?? names.find((n) => n.endsWith(`/${file}`));
  if (target === undefined) throw new ExplainError(`${file}: no such output of site ${model.name}; its outputs: ${names.join(', ')}`);
  const leaves = leavesOf(documents.get(target));
  const value = leaves.get(path);
  if (value === undefined) {
    const near = suggest(path, [...leaves.keys()]);
    throw new ExplainError(`${target}:${path}: no such value${near !== undefined ? ` (did you mean ${near}?)` : ''}`);
  }
  const sources: OutputExplanation['sources'][number][] = [];
  const paths = leafPaths(checked);
  if (paths.length > MAX_TRACED_KEYS)
    throw new ExplainError(
      `site ${model.name} has ${String(paths.length)} keys; tracing ${target}:${path} back compiles the site once per key, so it is limited to sites of at most ${String(MAX_TRACED_KEYS)} keys: explain a key of the site instead (explain <site> <key>)`,
      'explain-too-large',
    );
  const kind = [base.kinds.get(target)!];
  const current = valueAt(documents.get(target), path);
  for (const p of paths) {
    const field = fieldAt(p);
    if (field === undefined) continue;
    // The first other value the site accepts decides (a key that feeds the value changes it); only
    // that one value of the output is compared, not the whole file.
    let other: SiteModel | undefined;
    for (const value of candidates(field, effectiveValue(checked, p))) if ((other ??= compileWith(checked, p, value)) !== undefined) break;
    if (other === undefined) continue;
    // A key that drops the whole file (a service disabled, another target) is not one the value comes from.
    const document = outputDocuments(other, kind).get(target);
    if (document === undefined || (isRecord(document) && Object.keys(document).length === 0) || valueAt(document, path) === current)
      continue;
    const effective = effectiveValue(checked, p);
    sources.push({
      path: formatPath(p),
      value: effective === undefined ? undefined : JSON.stringify(effective),
      origin: originOf(checked, p),
    });
  }
  return { kind: 'output', file: target, path, value, sources };
}
