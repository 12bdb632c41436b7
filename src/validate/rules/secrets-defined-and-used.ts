import { compareStrings, type Diagnostic } from '../../report/diagnostic.js';
import { Defaults } from '../../model/defaults.js';
import { defineRule } from './rule.js';

/** Every secret an output needs is defined; every secret the site defines is used. */
export const secretsDefinedAndUsed = defineRule(
  {
    'secret-undefined': { severity: 'error', summary: 'a secret is referenced but not defined' },
    'secret-unused': { severity: 'warning', summary: 'a secret is defined but nothing uses it' },
  },
  ({ site, model, file }, { error, warning }) => {
    const out: Diagnostic[] = [];
    const declared = Object.keys(site.secrets ?? {});
    (site.auth?.oidc?.providers ?? []).forEach((p, i) => {
      if (p.clientSecret !== undefined && !declared.includes(p.clientSecret)) {
        out.push(
          error(
            'secret-undefined',
            file,
            ['auth', 'oidc', 'providers', i, 'clientSecret'],
            `secret "${p.clientSecret}" is not defined under secrets`,
          ),
        );
      }
    });
    const used = new Set(model.secrets.map((s) => s.name));
    for (const name of declared.sort(compareStrings)) {
      if (used.has(name)) continue;
      const builtIn = Object.hasOwn(Defaults.secrets, name);
      out.push(
        warning(
          'secret-unused',
          file,
          ['secrets', name],
          `secret "${name}" is not used by any output of this site${builtIn ? ' (its consumer is disabled)' : ''}`,
          {
            onKey: true,
          },
        ),
      );
    }
    return out;
  },
);
