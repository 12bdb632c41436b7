import { type Diagnostic } from '../../report/diagnostic.js';
import { compareStrings } from '../../util/compare.js';
import { Defaults } from '../../model/defaults.js';
import { defineRule } from './rule.js';

/** Every secret the site defines is read by some output (secretsDefined checks the other way). */
export const secretsUsed = defineRule(
  {
    'secret-unused': { severity: 'warning', summary: 'a secret is defined but nothing uses it' },
  },
  ({ site, model, file }, { warning }) => {
    const out: Diagnostic[] = [];
    const declared = Object.keys(site.secrets ?? {});
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
