import type { Site } from '../../generated/site.js';
import type { PathSegment } from '../../report/diagnostic.js';
import { defineInputRule } from './rule.js';

/**
 * Every secret the site names (an OIDC provider's clientSecret, a registry login's
 * passwordSecret) is defined under secrets.
 */
export const secretsDefined = defineInputRule(
  {
    'secret-undefined': { severity: 'error', summary: 'a secret is referenced but not defined' },
  },
  ({ site, file }, { error }) =>
    referencedSecrets(site)
      .filter((r) => !Object.hasOwn(site.secrets ?? {}, r.name))
      .map((r) =>
        error('secret-undefined', file, r.path, `secret "${r.name}" is not defined under secrets`, {
          hint: `define it, for example secrets.${r.name}.fromEnv: <VARIABLE>`,
        }),
      ),
);

/** The secrets a site names outside secrets, each with where it names it. */
export function referencedSecrets(site: Site): { name: string; path: PathSegment[] }[] {
  return [
    ...(site.auth?.oidc?.providers ?? []).flatMap((p, i) =>
      p.clientSecret === undefined ? [] : [{ name: p.clientSecret, path: ['auth', 'oidc', 'providers', i, 'clientSecret'] }],
    ),
    ...(site.kubernetes?.registryCredentials ?? []).map((c, i) => ({
      name: c.passwordSecret,
      path: ['kubernetes', 'registryCredentials', i, 'passwordSecret'],
    })),
  ];
}
