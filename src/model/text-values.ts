import { serviceInfo, THIRD_PARTY, type ServiceId } from './catalog.js';
import type { HostRef, SecretRef, TextPart, TextValue } from './site-model.js';

/**
 * Environment values as the model holds them: text whose host names are resolved per target
 * (Helm: in-cluster Service names; compose: service names), or a reference to a Secret key.
 */
export const text = (...parts: TextPart[]): TextValue => ({ kind: 'text', parts });
export const bool = (b: boolean): TextValue => text(b ? 'true' : 'false');
export const num = (n: number): TextValue => text(String(n));
export const url = (id: ServiceId, port: number, suffix = ''): TextValue =>
  text('http://', { host: { kind: 'service', id } }, `:${port}${suffix}`);
export const secretRef = (group: string, key: string): SecretRef => ({ kind: 'secret', group, key });

/** Upper-cases a name for use inside an environment variable name. */
export function envToken(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** Resolves a host for a target. */
export function hostFor(host: HostRef, target: 'helm' | 'compose'): string {
  switch (host.kind) {
    case 'service':
      return target === 'helm' ? serviceInfo(host.id).chart : serviceInfo(host.id).composeService;
    case 'postgresql':
      return THIRD_PARTY.postgresql.host[target];
    case 'nats':
      return THIRD_PARTY.nats.host[target];
    case 'external':
      return host.host;
  }
}

/** Renders a text value for a target. */
export function renderText(value: TextValue, target: 'helm' | 'compose'): string {
  return value.parts.map((p) => (typeof p === 'string' ? p : hostFor(p.host, target))).join('');
}
