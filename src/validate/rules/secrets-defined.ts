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
        looksLikeName(r.name)
          ? error('secret-undefined', file, r.path, `secret "${r.name}" is not defined under secrets`, {
              hint: `define it, for example secrets.${r.name}.fromEnv: <VARIABLE>`,
            })
          : // A long word with no dash is more likely the secret itself, pasted where its name belongs.
            error(
              'secret-undefined',
              file,
              r.path,
              'the secret named here is not defined under secrets (the name is not shown: it looks like a pasted credential)',
              {
                hint: 'put the name of an entry of secrets here (oidc-keycloak), never the secret itself; define that entry with fromEnv or fromFile',
                sensitive: true,
              },
            ),
      ),
);

/** A secret's name as people write them (`oidc-keycloak`), not a token: one with a dash, or short. */
function looksLikeName(name: string): boolean {
  return name.includes('-') || name.length < 20;
}

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
