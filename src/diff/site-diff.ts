import { parse } from 'yaml';
import { EMITTERS, emitSite, type OutputKind } from '../emit/registry.js';
import { composeCliVariables, ENV_EXAMPLE_PATH } from '../emit/compose-env-example.js';
import { composeEnvFiles } from '../emit/compose-env.js';
import { describeSource, exprIdentity } from '../model/secret-identity.js';
import { BREAKING_ROTATIONS } from '../validate/rules/breaking-rotations-acknowledged.js';
import type { SecretSpec, SiteModel } from '../model/site-model.js';
import { compareStrings } from '../util/compare.js';
import { plural } from '../report/format.js';
import { REDACTED, SecretValue } from '../secrets/secret-value.js';
import { isRecord } from '../util/record.js';

/**
 * The semantic difference between two compiles of one site (the site at a base ref and now): what
 * a reviewer needs to know about a merge request, by output and path, never a secret value. Pure.
 *
 * Both sides are compiled with every secret replaced by the redaction placeholder, literal
 * development values too: no secret value exists anywhere in a diff, so none can be printed.
 */

/** One changed leaf: a values path, a Chart.yaml dependency field or a .env variable. */
export interface Change {
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
  /** JSON text of the old value (absent when added). */
  readonly old?: string;
  /** JSON text of the new value (absent when removed). */
  readonly new?: string;
  /** The old value itself, for --format json (absent when added). */
  readonly before?: unknown;
  /** The new value itself (absent when removed). */
  readonly after?: unknown;
}

/** The changes in one output file (relative to out/<site>/). */
export interface FileDiff {
  readonly file: string;
  readonly status: 'added' | 'removed' | 'changed';
  readonly changes: readonly Change[];
}

/** What changed about one Secret or one named secret: names and keys, never a value. */
export interface SecretChange {
  /** The Kubernetes Secret (`alps-db`) or the named secret (`db-password`). */
  readonly name: string;
  readonly kind: 'secret' | 'key' | 'source';
  /** `added`, `removed`, `key smd-dsn added`, `rotated 1 → 2`, `source changed: … → …`. */
  readonly change: string;
}

/** Stable codes of the diff's warnings (what CI may branch on); the message says it for people. */
export type DiffWarningCode =
  | 'site-removed'
  | 'namespace-moved'
  | 'target-removed'
  | 'database-removed'
  | 'volume-resize'
  | 'database-restart'
  | 'nats-removed'
  | 'service-disabled'
  | 'secret-rotated'
  | 'services-restart';

export interface DiffWarning {
  readonly code: DiffWarningCode;
  readonly message: string;
}

export interface SiteDiff {
  readonly site: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly files: readonly FileDiff[];
  readonly secrets: readonly SecretChange[];
  /** Changes with consequences beyond the values: data, running services, credentials. */
  readonly warnings: readonly DiffWarning[];
}

/** The output documents of a model (as outputDocuments) and the output kind that writes each, from one rendering. */
export function documentsByKind(model: SiteModel): { documents: Map<string, unknown>; kinds: Map<string, OutputKind> } {
  const documents = new Map<string, unknown>();
  const kinds = new Map<string, OutputKind>();
  for (const kind of Object.keys(EMITTERS) as OutputKind[])
    for (const [path, document] of outputDocuments(model, [kind])) {
      documents.set(path, document);
      kinds.set(path, kind);
    }
  return { documents, kinds };
}

/** One side of a diff: the site's model, or undefined when the site does not exist there. */
export type DiffSide = SiteModel | undefined;

/** The outputs of a model, every secret redacted (also literal values), by path. */
/** Every secret of the model as the placeholder, literal development values too. */
const allRedacted = (model: SiteModel): Map<string, SecretValue> => new Map(model.secrets.map((s) => [s.name, new SecretValue(REDACTED)]));

export function redactedOutputs(model: SiteModel, kinds?: readonly OutputKind[]): Map<string, string> {
  return new Map(emitSite({ model, secrets: allRedacted(model), redacted: true }, kinds).map((f) => [f.path, f.contents]));
}

export function diffSite(site: string, before: DiffSide, after: DiffSide): SiteDiff {
  const files = diffFiles(before, after);
  const secrets = diffSecrets(before, after);
  const warnings = consequences(before, after);
  const status =
    before === undefined
      ? 'added'
      : after === undefined
        ? 'removed'
        : files.length + secrets.length + warnings.length > 0
          ? 'changed'
          : 'unchanged';
  return { site, status, files, secrets, warnings };
}

/** Every output file but the Secrets (diffed from the model, by name and key): YAML by path, .env by variable. */
function diffFiles(before: DiffSide, after: DiffSide): FileDiff[] {
  const old = before === undefined ? new Map<string, unknown>() : outputDocuments(before);
  const now = after === undefined ? new Map<string, unknown>() : outputDocuments(after);
  const paths = [...new Set([...old.keys(), ...now.keys()])].sort(compareStrings);
  const out: FileDiff[] = [];
  for (const path of paths) {
    const a = old.get(path);
    const b = now.get(path);
    // The third-party charts' values, where a site's pass-through values land, are shown leaf by leaf.
    // A changed secrets checksum is a restart, which the warnings name once (`restarts auth, smd: …`),
    // not a 64-character line per service.
    const changes = diffValues(a ?? {}, b ?? {}, '', (p) => path === 'helm/values.yaml' && THIRD_PARTY_VALUES.test(p)).filter(
      (c) => !(path === 'helm/values.yaml' && c.kind === 'changed' && CHECKSUM_PATH.test(c.path)),
    );
    // A file whose text differs only in comments (the header) has no change worth a line.
    if (changes.length === 0 && a !== undefined && b !== undefined) continue;
    out.push({ file: path, status: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed', changes });
  }
  return out;
}

/** A secret whose change breaks the running site, changed against the base without a rotation. */
export interface UnrotatedChange {
  readonly name: string;
  /** What changed, without any value: `generate (32 bytes, hex) → fromEnv DB_PASSWORD`, `literal value changed`. */
  readonly what: string;
  /** What the operator must do first (BREAKING_ROTATIONS). */
  readonly step: string;
}

/**
 * The secrets whose change breaks the running site (BREAKING_ROTATIONS: the bundled database's
 * passwords, the auth encryption key) that change value between two compiles of a site with the
 * same rotation: a new source, length, alphabet or encoding, or another literal. Such a change must
 * go through a rotation, which the site acknowledges (rule secret-rotation-unacknowledged).
 */
export function unrotatedBreakingChanges(before: SiteModel, after: SiteModel): UnrotatedChange[] {
  const newSpecs = new Map(after.secrets.map((s) => [s.name, s]));
  const out: UnrotatedChange[] = [];
  for (const a of before.secrets) {
    const b = newSpecs.get(a.name);
    if (b === undefined || a.rotation !== b.rotation) continue;
    const breaking = Object.hasOwn(BREAKING_ROTATIONS, a.name) ? BREAKING_ROTATIONS[a.name] : undefined;
    if (breaking === undefined || (breaking.bundledOnly && after.database.mode !== 'bundled')) continue;
    const [x, y] = [describeSource(a.source), describeSource(b.source)];
    const literalChanged = a.source.kind === 'value' && b.source.kind === 'value' && a.source.value !== b.source.value;
    if (x !== y || literalChanged)
      out.push({ name: a.name, what: literalChanged ? 'literal value changed' : `${x} → ${y}`, step: breaking.step });
  }
  return out;
}

/**
 * The outputs of a model as documents, by path relative to out/<site>/: each YAML file as data, each
 * compose environment file as its variables. Secrets are left out: they are compared by name and key
 * only (nats.conf holds nothing else a site sets).
 */
export function outputDocuments(model: SiteModel, kinds?: readonly OutputKind[]): Map<string, unknown> {
  const wanted = (k: OutputKind): boolean => kinds === undefined || kinds.includes(k);
  const secrets = allRedacted(model);
  const entries: [string, unknown][] = [];
  // The environment files as their variables, taken from the model: nothing is rendered to be read again.
  const variables = (vs: readonly { name: string; value: string }[]): unknown => Object.fromEntries(vs.map((v) => [v.name, v.value]));
  if (model.targets.compose && wanted('compose-env'))
    for (const f of composeEnvFiles(model, secrets)) entries.push([f.path, variables(f.variables)]);
  if (model.targets.compose && wanted('compose-env-example')) entries.push([ENV_EXAMPLE_PATH, variables(composeCliVariables(model))]);
  // The YAML files carry their documents (what their text reads back as): no parse of what was just rendered.
  const yamlKinds = (Object.keys(EMITTERS) as OutputKind[]).filter((k) => wanted(k) && !NOT_DOCUMENTS.has(k));
  for (const f of emitSite({ model, secrets, redacted: true }, yamlKinds))
    entries.push([f.path, f.document ?? (parse(f.contents) as unknown)]);
  return new Map(entries.sort(([a], [b]) => compareStrings(a, b)));
}

/** Outputs diff does not compare as documents: environment files (by variable, above), Secrets (by name and key), nats.conf. */
const NOT_DOCUMENTS: ReadonlySet<OutputKind> = new Set(['compose-env', 'compose-env-example', 'secrets', 'compose-nats']);

const PLAIN_KEY = /^[A-Za-z_][\w-]*$/;
/** The pod annotation of a service whose change restarts it (values.yaml). */
const CHECKSUM_PATH = /^chamicore-[a-z-]+\.podAnnotations\["chamicore\.io\/secrets-checksum"\]$/;
/** Paths of values.yaml under the third-party charts (pass-through values land there). */
const THIRD_PARTY_VALUES = /^(postgresql|nats)\./;
/** Fields that name an entry of a list (Chart.yaml dependencies by name, Ingress paths by path, bom.yaml images by reference). */
const ENTRY_KEYS = ['name', 'path', 'host', 'image'];
/** A subtree added or removed whole is shown as its JSON when it is at most this long. */
const SHOWN_WHOLE = 80;

/** A list as a map from its entries' names when one field names each entry once, else by position. */
function entries(value: unknown): [string, unknown][] | undefined {
  if (Array.isArray(value)) {
    for (const key of ENTRY_KEYS) {
      const names = value.map((v: unknown) => (isRecord(v) && typeof v[key] === 'string' ? v[key] : undefined));
      if (value.length > 0 && names.every((n) => n !== undefined) && new Set(names).size === names.length)
        return value.map((v: unknown, i) => [`[${names[i]!}]`, v]);
    }
    return value.map((v: unknown, i) => [`[${i}]`, v]);
  }
  if (isRecord(value)) return Object.keys(value).map((k) => [PLAIN_KEY.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`, value[k]]);
  return undefined;
}

function leafCount(value: unknown): number {
  const e = entries(value);
  return e === undefined || e.length === 0 ? 1 : e.reduce((n, [, v]) => n + leafCount(v), 0);
}

/** A value for a diff line: JSON, or for a large subtree its size. */
function shown(value: unknown): string {
  const json = JSON.stringify(value ?? null);
  if (json.length <= SHOWN_WHOLE || entries(value) === undefined) return json;
  return `${Array.isArray(value) ? '[…]' : '{…}'} (${plural(leafCount(value), 'value')})`;
}

/** Every leaf of a document, by the path diffValues prints for it, its value as JSON text. */
export function leavesOf(value: unknown, path = '', into = new Map<string, string>()): Map<string, string> {
  const e = entries(value);
  if (e === undefined || e.length === 0) into.set(path, JSON.stringify(value ?? null));
  else for (const [key, v] of e) leavesOf(v, key.startsWith('.') && path === '' ? key.slice(1) : `${path}${key}`, into);
  return into;
}

/**
 * The value at `path` (a path as leavesOf and diffValues name it) as JSON text, or undefined when
 * there is none: walks only the keys on the way, not the whole document.
 */
export function valueAt(value: unknown, path: string, at = ''): string | undefined {
  if (at === path) return JSON.stringify(value ?? null);
  for (const [key, v] of entries(value) ?? []) {
    const p = key.startsWith('.') && at === '' ? key.slice(1) : `${at}${key}`;
    if (p !== path && !path.startsWith(`${p}.`) && !path.startsWith(`${p}[`)) continue;
    const found = valueAt(v, path, p);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The changes from `a` to `b` below `path`: leaves by path; a subtree only on one side is one
 * change, unless `whole` says its paths are shown leaf by leaf.
 */
export function diffValues(a: unknown, b: unknown, path = '', whole: (path: string) => boolean = () => false): Change[] {
  const ea = entries(a);
  const eb = entries(b);
  const at = (p: string) => (p.startsWith('.') && path === '' ? p.slice(1) : `${path}${p}`);
  if (ea === undefined || eb === undefined || Array.isArray(a) !== Array.isArray(b) || (ea.length === 0) !== (eb.length === 0)) {
    if (JSON.stringify(a) === JSON.stringify(b)) return [];
    return [
      { path: path === '' ? '(document)' : path, kind: 'changed', old: shown(a), new: shown(b), before: a ?? null, after: b ?? null },
    ];
  }
  const ma = new Map(ea);
  const mb = new Map(eb);
  const changes: Change[] = [];
  for (const key of [...new Set([...ma.keys(), ...mb.keys()])]) {
    const p = at(key);
    if (!mb.has(key)) {
      if (whole(p))
        for (const [leaf, v] of leavesOf(ma.get(key), p))
          changes.push({ path: leaf, kind: 'removed', old: v, before: JSON.parse(v) as unknown });
      else changes.push({ path: p, kind: 'removed', old: shown(ma.get(key)), before: ma.get(key) ?? null });
    } else if (!ma.has(key)) {
      if (whole(p))
        for (const [leaf, v] of leavesOf(mb.get(key), p))
          changes.push({ path: leaf, kind: 'added', new: v, after: JSON.parse(v) as unknown });
      else changes.push({ path: p, kind: 'added', new: shown(mb.get(key)), after: mb.get(key) ?? null });
    } else changes.push(...diffValues(ma.get(key), mb.get(key), p, whole));
  }
  return changes;
}

/** The Kubernetes Secrets by name and key, and the named secrets by source and rotation. */
function diffSecrets(before: DiffSide, after: DiffSide): SecretChange[] {
  const changes: SecretChange[] = [];
  const helm = (m: DiffSide) => (m !== undefined && m.targets.helm ? m.secretGroups : []);
  const specsOf = (m: DiffSide) => new Map<string, SecretSpec>((m?.secrets ?? []).map((s) => [s.name, s]));
  const oldSpecs = specsOf(before);
  const newSpecs = specsOf(after);
  const oldGroups = new Map(helm(before).map((g) => [g.name, g]));
  const newGroups = new Map(helm(after).map((g) => [g.name, g]));
  for (const name of [...new Set([...oldGroups.keys(), ...newGroups.keys()])].sort(compareStrings)) {
    const a = oldGroups.get(name);
    const b = newGroups.get(name);
    if (a === undefined || b === undefined) {
      const keys = (a ?? b)!.keys.map((k) => k.key).join(', ');
      changes.push({ name, kind: 'secret', change: `${a === undefined ? 'added' : 'removed'} (keys ${keys})` });
      continue;
    }
    const oldKeys = new Map(a.keys.map((k) => [k.key, k.value]));
    const newKeys = new Map(b.keys.map((k) => [k.key, k.value]));
    for (const key of [...new Set([...oldKeys.keys(), ...newKeys.keys()])].sort(compareStrings)) {
      const x = oldKeys.get(key);
      const y = newKeys.get(key);
      if (x === undefined) changes.push({ name, kind: 'key', change: `key ${key} added` });
      else if (y === undefined) changes.push({ name, kind: 'key', change: `key ${key} removed` });
      // The identity holds names, hosts, sources and rotations, never a value (literal values by hash).
      else if (JSON.stringify(exprIdentity(x, oldSpecs)) !== JSON.stringify(exprIdentity(y, newSpecs)))
        changes.push({ name, kind: 'key', change: `key ${key} changes value` });
    }
  }
  for (const name of [...new Set([...oldSpecs.keys(), ...newSpecs.keys()])].sort(compareStrings)) {
    const a = oldSpecs.get(name);
    const b = newSpecs.get(name);
    if (a === undefined) changes.push({ name, kind: 'source', change: `added (${describeSource(b!.source)}, rotation ${b!.rotation})` });
    else if (b === undefined) changes.push({ name, kind: 'source', change: `removed (was ${describeSource(a.source)})` });
    else {
      const [x, y] = [describeSource(a.source), describeSource(b.source)];
      if (x !== y) changes.push({ name, kind: 'source', change: `source changed: ${x} → ${y}` });
      // Compared, never shown: a literal value counts as changed, nothing more.
      else if (a.source.kind === 'value' && b.source.kind === 'value' && a.source.value !== b.source.value)
        changes.push({ name, kind: 'source', change: 'literal value changed' });
      if (a.rotation !== b.rotation) changes.push({ name, kind: 'source', change: `rotated ${a.rotation} → ${b.rotation}` });
    }
  }
  return changes;
}

/** Changes a reviewer must not miss: data that stops being managed, services that stop, credentials that change. */
function consequences(before: DiffSide, after: DiffSide): DiffWarning[] {
  if (before === undefined) return [];
  if (after === undefined)
    return [
      {
        code: 'site-removed',
        message: `site removed: its release (namespace ${before.namespace}) is no longer compiled from this repository`,
      },
    ];
  const warnings: DiffWarning[] = [];
  const warn = (code: DiffWarningCode, message: string): void => {
    warnings.push({ code, message });
  };
  if (before.namespace !== after.namespace)
    warn(
      'namespace-moved',
      `namespace ${before.namespace} → ${after.namespace}: the release moves; nothing is removed from the old namespace`,
    );
  for (const [target, label] of [
    ['helm', 'Helm'],
    ['compose', 'compose'],
  ] as const) {
    if (before.targets[target] && !after.targets[target])
      warn('target-removed', `target ${label} removed: its outputs are no longer written`);
  }
  const bundledDb = (m: SiteModel, target: 'helm' | 'compose') => m.targets[target] && m.database.mode === 'bundled';
  if (bundledDb(before, 'helm') && !bundledDb(after, 'helm'))
    warn(
      'database-removed',
      'bundled PostgreSQL removed from the Helm release: its StatefulSet goes; its PersistentVolumeClaim stays but nothing manages it',
    );
  if (bundledDb(before, 'compose') && !bundledDb(after, 'compose'))
    warn(
      'database-removed',
      'bundled PostgreSQL removed from compose: the postgres-data volume is no longer declared (down -v would not remove it)',
    );
  if (bundledDb(before, 'helm') && bundledDb(after, 'helm') && before.database.persistence.size !== after.database.persistence.size)
    warn(
      'volume-resize',
      `bundled PostgreSQL volume ${before.database.persistence.size} → ${after.database.persistence.size}: a StatefulSet's volume claim cannot change in place; the upgrade fails until the PVC is resized by hand`,
    );
  if (bundledDb(before, 'helm') && bundledDb(after, 'helm')) {
    // The bundled PostgreSQL is one pod: a new max_connections or new resources restart it, and
    // every service loses its connections meanwhile (more replicas of a service raise max_connections).
    const [a, b] = [before.database, after.database];
    const why = [
      ...(a.maxConnections !== b.maxConnections ? [`max_connections ${String(a.maxConnections)} → ${String(b.maxConnections)}`] : []),
      ...(JSON.stringify(a.resources) !== JSON.stringify(b.resources) ? ['its resources'] : []),
    ];
    if (why.length > 0)
      warn(
        'database-restart',
        `bundled PostgreSQL restarts (${why.join(', ')}): its single pod goes down, and every service with it, for the restart`,
      );
  }
  const bundledNats = (m: SiteModel) => m.events.enabled && m.events.mode === 'bundled';
  if (bundledNats(before) && !bundledNats(after)) warn('nats-removed', 'bundled NATS removed: its stream storage is no longer managed');
  if (bundledNats(before) && bundledNats(after) && before.events.storageSize !== after.events.storageSize)
    warn(
      'volume-resize',
      `bundled NATS volume ${before.events.storageSize} → ${after.events.storageSize}: a StatefulSet's volume claim cannot change in place; the upgrade fails until each PVC is resized by hand`,
    );
  for (const s of before.services) {
    const now = after.services.find((x) => x.id === s.id);
    if (s.enabled && now?.enabled !== true) warn('service-disabled', `service ${s.id} disabled: it stops on the next deploy`);
  }
  const newSpecs = new Map(after.secrets.map((s) => [s.name, s]));
  for (const a of before.secrets) {
    const b = newSpecs.get(a.name);
    if (b === undefined || a.rotation === b.rotation) continue;
    warn('secret-rotated', `secret ${a.name} rotated ${a.rotation} → ${b.rotation}: a new value on the next deploy`);
  }
  const restarted = after.services
    .filter((s) => {
      const was = before.services.find((x) => x.id === s.id);
      return s.enabled && was?.enabled === true && was.secretsChecksum !== s.secretsChecksum;
    })
    .map((s) => s.id);
  if (restarted.length > 0 && after.targets.helm)
    warn(
      'services-restart',
      `restarts ${restarted.join(', ')}: the Secrets they read change (their chamicore.io/secrets-checksum annotation)`,
    );
  return warnings;
}
