import type { Explanation, Feed, Origin } from './explain.js';

/** `set at sites/alps.yaml:34:15`, `the default`, `derived by the compiler`. */
function origin(o: Origin): string {
  return o.kind === 'set'
    ? `set at ${o.file}:${o.line}:${o.column}`
    : o.kind === 'default'
      ? `not set: the default${o.of !== undefined ? ` (of ${o.of})` : ''}`
      : 'not set: derived by the compiler, as its description says';
}

function feedLine(f: Feed): string {
  return f.value === undefined ? `  ${f.file}: ${f.path}` : `  ${f.file}: ${f.path} = ${f.value}`;
}

export function renderExplainText(e: Explanation, file: string): string {
  if (e.kind === 'output') {
    const lines = [`${e.file}:${e.path} = ${e.value} (${file})`];
    if (e.sources.length === 0) lines.push('  no key of the site changes it: the compiler sets it itself');
    else
      lines.push(
        'comes from:',
        ...e.sources.map((s) => `  ${s.path}${s.value === undefined ? '' : ` = ${s.value}`} (${origin(s.origin)})`),
      );
    return `${lines.join('\n')}\n`;
  }
  const f = e.field;
  const lines = [`${e.path}${f.path !== e.path ? ` (${f.path})` : ''}${f.required ? ', required' : ''}`];
  if (f.description !== '') lines.push(`  ${f.description}`);
  lines.push(`  type: ${f.type.replace(/`/g, '')}`);
  if (f.default !== undefined) lines.push(`  default: ${f.default} (schema/site.schema.json)`);
  if (f.example !== undefined) lines.push(`  example: ${f.example}`);
  lines.push(`  value: ${e.value ?? (e.path.startsWith('secrets.') ? '(a secret: not shown)' : '(none)')}, ${origin(e.origin)}`);
  if (e.keys.length > 0) lines.push(`  keys: ${e.keys.join(', ')}`);
  if (e.feeds.length > 0) lines.push('feeds:', ...e.feeds.map(feedLine));
  else if (e.keys.length === 0)
    lines.push(e.traced ? 'feeds: nothing in the outputs' : 'feeds: not traced (no other valid value to try here)');
  return `${lines.join('\n')}\n`;
}

export function renderExplainJson(e: Explanation, file: string): string {
  return `${JSON.stringify({ command: 'explain', file, ...e }, null, 2)}\n`;
}
