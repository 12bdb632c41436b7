import { siteSchema } from '../generated/site-schema.js';

/**
 * The fields of the site file as the schema describes them: one walker for the generated reference
 * (docs/site-reference.md) and for `explain`. Pure: reads the schema module, nothing else.
 */

type Node = Readonly<Record<string, unknown>>;

export interface Field {
  /** Dotted path; `<name>` for any key of a map, `[]` for any item of a list. */
  readonly path: string;
  readonly required: boolean;
  readonly description: string;
  /** `string`, `integer, 1–100`, `list of string`, `map`, the enum values, … */
  readonly type: string;
  readonly enum: readonly unknown[] | undefined;
  readonly default: unknown;
  readonly examples: readonly unknown[] | undefined;
  /** The resolved schema node ($ref and allOf merged). */
  readonly node: Node;
}

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A node with its local `$ref` and `allOf` members merged in; the node's own keywords win. */
export function resolveNode(node: Node, schema: Node = siteSchema): Node {
  let out: Record<string, unknown> = { ...node };
  if (Array.isArray(out['allOf'])) {
    const members = (out['allOf'] as unknown[]).filter(isNode).map((m) => resolveNode(m, schema));
    const properties = Object.assign(
      {},
      ...members.map((m) => (isNode(m['properties']) ? m['properties'] : {})),
      out['properties'] ?? {},
    ) as Node;
    delete out['allOf'];
    out = { ...out, properties };
  }
  const ref = out['$ref'];
  if (typeof ref !== 'string' || !ref.startsWith('#/$defs/')) return out;
  const target = (schema['$defs'] as Record<string, Node>)[ref.slice('#/$defs/'.length)];
  delete out['$ref'];
  return target === undefined ? out : { ...resolveNode(target, schema), ...out };
}

function typeText(node: Node): string {
  const list = (values: readonly unknown[]) => values.map((v) => `\`${String(v)}\``);
  if (Array.isArray(node['enum'])) return list(node['enum']).join(' | ');
  if (node['type'] === 'array') {
    const item = isNode(node['items']) ? resolveNode(node['items']) : {};
    return `list of ${Array.isArray(item['enum']) ? list(item['enum']).join(', ') : typeof item['type'] === 'string' ? item['type'] : 'object'}`;
  }
  const base = node['propertyNames'] !== undefined ? 'map' : typeof node['type'] === 'string' ? node['type'] : 'object';
  const [min, max] = [node['minimum'], node['maximum']];
  return typeof min === 'number' && typeof max === 'number' ? `${base}, ${min}–${max}` : base;
}

function fieldOf(path: string, raw: Node, required: boolean): Field {
  const node = resolveNode(raw);
  return {
    path,
    required,
    description: typeof node['description'] === 'string' ? node['description'] : '',
    type: typeText(node),
    enum: Array.isArray(node['enum']) ? node['enum'] : undefined,
    default: node['default'],
    examples: Array.isArray(node['examples']) ? node['examples'] : undefined,
    node,
  };
}

/** The children of a resolved node: its properties, any key of a map, any item of a list. */
export function childrenOf(node: Node): { key: string; raw: Node; required: boolean; kind: 'property' | 'map' | 'item' }[] {
  const required = Array.isArray(node['required']) ? (node['required'] as string[]) : [];
  const out: { key: string; raw: Node; required: boolean; kind: 'property' | 'map' | 'item' }[] = [];
  if (isNode(node['properties']))
    for (const [key, raw] of Object.entries(node['properties']))
      if (isNode(raw)) out.push({ key, raw, required: required.includes(key), kind: 'property' });
  if (isNode(node['additionalProperties'])) out.push({ key: '<name>', raw: node['additionalProperties'], required: false, kind: 'map' });
  if (isNode(node['items'])) out.push({ key: '[]', raw: node['items'], required: false, kind: 'item' });
  return out;
}

/** Every field of the site file, in schema order, depth first. */
export function allFields(): Field[] {
  const fields: Field[] = [];
  const walk = (node: Node, path: string, depth: number) => {
    if (depth > 12) return;
    for (const c of childrenOf(node)) {
      const p = c.kind === 'item' ? `${path}[]` : path === '' ? c.key : `${path}.${c.key}`;
      const f = fieldOf(p, c.raw, c.required);
      fields.push(f);
      walk(f.node, p, depth + 1);
    }
  };
  walk(resolveNode(siteSchema), '', 0);
  return fields;
}

/**
 * The field a concrete path names (`services.bss.database.maxOpenConns`, `secrets.db-password.rotation`,
 * `auth.oidc.providers[0].issuerUrl`), with the path's segments; undefined when the schema has no such field.
 */
export function fieldAt(segments: readonly (string | number)[]): Field | undefined {
  let node = resolveNode(siteSchema);
  let pattern = '';
  let field: Field | undefined;
  for (const segment of segments) {
    const children = childrenOf(node);
    const child =
      typeof segment === 'number'
        ? children.find((c) => c.kind === 'item')
        : (children.find((c) => c.kind === 'property' && c.key === segment) ?? children.find((c) => c.kind === 'map'));
    if (child === undefined) return undefined;
    pattern = child.kind === 'item' ? `${pattern}[]` : pattern === '' ? child.key : `${pattern}.${child.key}`;
    field = fieldOf(pattern, child.raw, child.required);
    node = field.node;
  }
  return field;
}

/** The keys a node accepts at a path (for "did you mean" on an unknown path). */
export function keysAt(segments: readonly (string | number)[]): string[] {
  const node = segments.length === 0 ? resolveNode(siteSchema) : fieldAt(segments)?.node;
  return node === undefined
    ? []
    : childrenOf(node)
        .filter((c) => c.kind === 'property')
        .map((c) => c.key);
}
