/** Input limits, each enforced with a diagnostic (docs/operator-guide.md, "Limits"). */
export const Limits = {
  /** Largest site file read, in bytes. */
  maxFileBytes: 1024 * 1024,
  /** Deepest nesting of maps and lists in a site file. */
  maxDepth: 32,
  /**
   * YAML nodes (scalars, collections, entries), counted on the lexer's tokens: bounds the parser's
   * work and memory (1 MiB of `[],` took 630 MB); a large real site has under a thousand.
   */
  maxNodes: 40_000,
} as const;
