import { createHash } from 'node:crypto';
import type { SecretExpr, SecretSource, SecretSpec } from './site-model.js';

/**
 * What identifies the value of a secret without being it: the source and the rotation. A value
 * changes only when this does (or when an external source changes, which the operator guide says to
 * mark by bumping rotation). Literal values (development only) count by their hash.
 */
function sourceIdentity(source: SecretSource): unknown {
  switch (source.kind) {
    case 'generate':
      return { generate: source.spec };
    case 'env':
      return { fromEnv: source.variable };
    case 'file':
      return { fromFile: source.file };
    case 'value':
      return { value: sha256(source.value) };
  }
}

/** For reviewers: where a secret's value comes from, in a few words, never the value. */
export function describeSource(s: SecretSource): string {
  return s.kind === 'generate'
    ? s.spec.kind === 'chars'
      ? `generate ${s.spec.length} ${s.spec.alphabet} characters`
      : `generate ${s.spec.bytes} bytes ${s.spec.encoding}`
    : s.kind === 'env'
      ? `fromEnv ${s.variable}`
      : s.kind === 'file'
        ? `fromFile ${s.file}`
        : 'literal value';
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The secrets an expression reads, by name. */
export function exprSecrets(expr: SecretExpr): string[] {
  switch (expr.kind) {
    case 'named':
      return [expr.secret];
    case 'dsn':
      return [expr.passwordSecret];
    case 'nats-url':
      return [expr.tokenSecret];
    case 'dockerconfigjson':
      return expr.logins.map((l) => l.passwordSecret);
    case 'text':
      return [];
  }
}

/** Identity of one Secret key's value, as data; `specs` resolves the named secrets it reads. */
export function exprIdentity(expr: SecretExpr, specs: ReadonlyMap<string, SecretSpec>): unknown {
  const secrets = exprSecrets(expr).map((name) => {
    const spec = specs.get(name);
    return { name, source: spec === undefined ? null : sourceIdentity(spec.source), rotation: spec?.rotation ?? 0 };
  });
  return { ...expr, secrets };
}

/** For reviewers: a named secret's source and rotation. */
export function describeSecret(name: string, specs: ReadonlyMap<string, SecretSpec>): string {
  const spec = specs.get(name);
  return spec === undefined ? `${name}: undefined` : `${spec.name}: ${describeSource(spec.source)}, rotation ${spec.rotation}`;
}
