/** Input limits, each enforced with a diagnostic (README "Limits"). */
export const Limits = {
  /** Largest site file read, in bytes. */
  maxFileBytes: 1024 * 1024,
  /** Deepest nesting of maps and lists in a site file. */
  maxDepth: 32,
  /** Most site files in one run. */
  maxSites: 500,
} as const;
