/**
 * A secret in transit. It prints as `[secret]` in strings, JSON and logs; only the
 * secret-aware emitters import `revealSecret` (src/secrets/reveal.ts) to read it.
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
  /** @internal Use revealSecret() from src/secrets/reveal.ts. */
  static unwrap(secret: SecretValue): string {
    return secret.#value;
  }
}

/**
 * What redacted output holds instead of every generated, environment or file secret: fixed, so
 * `out/` is deterministic without the site key, and obviously not a real credential.
 */
export const REDACTED = 'REDACTED-compile-with-reveal';
