import type { Diagnostic } from '../../report/diagnostic.js';
import { defineInputRule } from './rule.js';

/**
 * Registry logins (kubernetes.registryCredentials) a docker config can hold: one per registry (the
 * config is a map by registry, so a second login would silently replace the first), each password
 * read from the environment or a file. A generated password cannot be any registry's: the
 * compiler would invent a credential no registry accepts, and the pods could never pull.
 */
export const registryCredentialsValid = defineInputRule(
  {
    'registry-credential-duplicate': { severity: 'error', summary: 'two registry logins name the same registry' },
    'registry-password-generated': {
      severity: 'error',
      summary: "a registry login's password is a generated secret, which no registry accepts (read it fromEnv or fromFile)",
    },
  },
  ({ site, file }, { error }) => {
    const out: Diagnostic[] = [];
    const seen = new Map<string, number>();
    (site.kubernetes?.registryCredentials ?? []).forEach((c, i) => {
      const first = seen.get(c.registry);
      if (first !== undefined) {
        out.push(
          error(
            'registry-credential-duplicate',
            file,
            ['kubernetes', 'registryCredentials', i, 'registry'],
            `registry ${c.registry} already has a login (kubernetes.registryCredentials[${String(first)}])`,
            { hint: 'keep one login per registry' },
          ),
        );
      } else seen.set(c.registry, i);
      const own = Object.hasOwn(site.secrets ?? {}, c.passwordSecret) ? site.secrets?.[c.passwordSecret] : undefined;
      // A secret the site does not define (a built-in one included) is secret-undefined's.
      if (own !== undefined && 'generate' in own) {
        out.push(
          error(
            'registry-password-generated',
            file,
            ['kubernetes', 'registryCredentials', i, 'passwordSecret'],
            `secret "${c.passwordSecret}" is generated: no registry accepts a password the compiler invents`,
            { hint: `read it from the registry's robot account: secrets.${c.passwordSecret}.fromEnv: <VARIABLE> (or fromFile)` },
          ),
        );
      }
    });
    return out;
  },
);
