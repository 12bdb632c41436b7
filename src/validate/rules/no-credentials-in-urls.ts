import type { Diagnostic, PathSegment } from '../../report/diagnostic.js';
import { defineInputRule } from './rule.js';

/** Query parameters that carry a credential (`?token=…`, `api_key`, `X-Amz-Signature`, …). */
const CREDENTIAL_PARAMETER = /(token|key|secret|passw(or)?d|pwd|auth|credential|signature|sig)$/i;

/**
 * URLs go into values.yaml and the compose .env, which are committed: a URL may not carry a
 * credential, as user:password@ or as a query parameter. The message never quotes the URL.
 */
export const noCredentialsInUrls = defineInputRule(
  {
    'url-credentials': {
      severity: 'error',
      summary: 'a URL holds a credential (user:password@ or a key in the query), which would sit in values.yaml in the clear',
    },
  },
  ({ site, file }, { error }) => {
    const urls: { url: string | undefined; path: PathSegment[] }[] = [
      { url: site.events?.nats?.url, path: ['events', 'nats', 'url'] },
      { url: site.observability?.otlpEndpoint, path: ['observability', 'otlpEndpoint'] },
      { url: site.dhcp?.kea?.url, path: ['dhcp', 'kea', 'url'] },
      ...(site.auth?.oidc?.providers ?? []).map((p, i) => ({ url: p.issuerUrl, path: ['auth', 'oidc', 'providers', i, 'issuerUrl'] })),
    ];
    const out: Diagnostic[] = [];
    for (const { url, path } of urls) {
      if (url === undefined) continue;
      const what = credentialIn(url);
      if (what === undefined) continue;
      out.push(
        error('url-credentials', file, path, `${path.join('.')} holds ${what}: values.yaml and the compose .env are committed`, {
          hint: 'remove it from the URL; a credential belongs under secrets, never in a URL of the site file',
          sensitive: true,
        }),
      );
    }
    return out;
  },
);

/** What credential a URL carries, in a few words (never the value), or undefined. */
export function credentialIn(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The schema's patterns admit only URLs WHATWG parses; anything else has a user part if it has an @ before the path.
    return /^[a-z]+:\/\/[^/?#]*@/i.test(text) ? 'a user name or password (user:password@)' : undefined;
  }
  if (url.username !== '' || url.password !== '') return 'a user name or password (user:password@)';
  for (const name of url.searchParams.keys()) {
    if (CREDENTIAL_PARAMETER.test(name.replace(/[-_]/g, ''))) return `a credential in its query (parameter ${name})`;
  }
  return undefined;
}
