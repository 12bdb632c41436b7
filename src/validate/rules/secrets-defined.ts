import { defineInputRule } from './rule.js';

/** Every secret the site names (an OIDC provider's clientSecret) is defined under secrets. */
export const secretsDefined = defineInputRule(
  {
    'secret-undefined': { severity: 'error', summary: 'a secret is referenced but not defined' },
  },
  ({ site, file }, { error }) =>
    (site.auth?.oidc?.providers ?? []).flatMap((p, i) =>
      p.clientSecret !== undefined && !Object.hasOwn(site.secrets ?? {}, p.clientSecret)
        ? [
            error(
              'secret-undefined',
              file,
              ['auth', 'oidc', 'providers', i, 'clientSecret'],
              `secret "${p.clientSecret}" is not defined under secrets`,
              { hint: `define it, for example secrets.${p.clientSecret}.fromEnv: <VARIABLE>` },
            ),
          ]
        : [],
    ),
);
