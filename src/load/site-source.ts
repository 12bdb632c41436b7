/** A site file as read at the edge. */
export interface SiteSource {
  /** Path shown in diagnostics (relative to the working directory when possible). */
  readonly file: string;
  /** Path named in generated headers: `<folder>/<file>`, the same from any working directory. */
  readonly label: string;
  /** File name without `.yaml`/`.yml`. */
  readonly stem: string;
  readonly bytes: Uint8Array;
  /**
   * The bases the site file names in `extends:`, as read at the edge (`<folder of the site>/bases/<name>.yaml`):
   * the bytes, or why they could not be read. Absent when the site extends nothing.
   */
  readonly bases?: readonly BaseSource[];
}

/** A base (shared defaults) a site extends, as read at the edge. */
export interface BaseSource {
  /** The name the site's `extends:` gives. */
  readonly name: string;
  /** Path shown in diagnostics. */
  readonly file: string;
  /** Its bytes, or undefined when it could not be read (`problem` says why). */
  readonly bytes: Uint8Array | undefined;
  readonly problem?: string;
}
