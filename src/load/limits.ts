/** Input limits, each enforced with a diagnostic (README "Limits"). */
export const Limits = {
  /** Largest site file read, in bytes. */
  maxFileBytes: 1024 * 1024,
  /** Deepest nesting of maps and lists in a site file. */
  maxDepth: 32,
  /**
   * Lines, flow collections and flow items: bounds the parser's work and memory (1 MiB of `[],`
   * took 630 MB); a large real site has a few hundred.
   */
  maxNodes: 20_000,
  /** Most site files in one run. */
  maxSites: 500,
} as const;
