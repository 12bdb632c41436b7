/**
 * The host of an image registry (`host[:port]/path`) or of a URL (`oci://host/path`,
 * `http://otel-collector:4317`), lower-cased, without its port.
 */
export function hostOf(location: string): string {
  const rest = location.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return (rest.split(/[/?#]/)[0] ?? '').replace(/:\d+$/, '').toLowerCase();
}
