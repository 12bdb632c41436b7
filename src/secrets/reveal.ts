import { SecretValue } from './secret-value.js';

/** Reads a secret's value. Import only in emitters that write Secret manifests or the compose .env. */
export function revealSecret(secret: SecretValue): string {
  return SecretValue.unwrap(secret);
}
