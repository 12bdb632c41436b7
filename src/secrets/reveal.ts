/**
 * The secret fence. A SecretValue keeps its text in a private field; the only code that can read
 * it is revealSecret() below, whose reader is captured inside the class body. Import this module
 * only in the emitters that write Secret manifests or the compose .env (ESLint enforces the list);
 * everything else imports SecretValue from ./secret-value.js, which does not export the reader.
 */
let read: (secret: SecretValue) => string;

/**
 * A secret in transit. It prints as `[secret]` in strings, JSON and logs, and has no method or
 * property that returns its value.
 */
export class SecretValue {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  toString(): string {
    return '[secret]';
  }
  toJSON(): string {
    return '[secret]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'SecretValue([secret])';
  }
  static {
    read = (secret) => secret.#value;
  }
}

/** Reads a secret's value. */
export function revealSecret(secret: SecretValue): string {
  return read(secret);
}
