import { hkdfSync } from 'node:crypto';
import type { GenerateSpec } from '../model/site-model.js';

const SALT = 'chamicore-compile/secret/v1';
const MAX_HKDF_BYTES = 255 * 32;

const ALPHABETS = {
  alphanumeric: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  'lowercase-alphanumeric': 'abcdefghijklmnopqrstuvwxyz0123456789',
  hex: '0123456789abcdef',
} as const;

/** HKDF-SHA256 output block `block` for one secret. The info binds site, name and rotation. */
function derive(siteKey: Uint8Array, site: string, name: string, rotation: number, block: number, length: number): Buffer {
  const info = `site=${site}\0secret=${name}\0rotation=${rotation}\0block=${block}`;
  return Buffer.from(hkdfSync('sha256', siteKey, SALT, info, length));
}

/**
 * Derives a secret value: the same key, site, name and rotation always give the same value,
 * and changing any of them gives an unrelated one. Characters are drawn without modulo bias.
 */
export function deriveSecret(siteKey: Uint8Array, site: string, name: string, rotation: number, spec: GenerateSpec): string {
  if (spec.kind === 'bytes') {
    const bytes = derive(siteKey, site, name, rotation, 0, spec.bytes);
    return spec.encoding === 'hex' ? bytes.toString('hex') : bytes.toString(spec.encoding);
  }
  const alphabet = ALPHABETS[spec.alphabet];
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  for (let block = 0; out.length < spec.length; block++) {
    for (const b of derive(siteKey, site, name, rotation, block, MAX_HKDF_BYTES)) {
      if (b >= limit) continue;
      out += alphabet.charAt(b % alphabet.length);
      if (out.length === spec.length) break;
    }
  }
  return out;
}
