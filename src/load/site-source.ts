/** A site file as read at the edge. */
export interface SiteSource {
  /** Path shown in diagnostics (relative to the working directory when possible). */
  readonly file: string;
  /** Path named in generated headers: `<folder>/<file>`, the same from any working directory. */
  readonly label: string;
  /** File name without `.yaml`/`.yml`. */
  readonly stem: string;
  readonly bytes: Uint8Array;
}
