import { type Diagnostic } from '../../report/diagnostic.js';
import { compareStrings } from '../../util/compare.js';
import { defineInputRule } from './rule.js';

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|CREDENTIAL)/;

/**
 * Extra environment variables land in values.yaml, which is committed and readable: a name that
 * says it holds a secret is almost always a mistake.
 */
export const extraEnvNotSecret = defineInputRule(
  {
    'env-secret-name': {
      severity: 'warning',
      summary: 'an extra environment variable is named like a secret and would sit in values.yaml in the clear',
    },
  },
  ({ site, file }, { warning }) => {
    const out: Diagnostic[] = [];
    for (const [id, service] of Object.entries(site.services ?? {}).sort(([a], [b]) => compareStrings(a, b))) {
      for (const name of Object.keys(service.env ?? {}).sort(compareStrings)) {
        if (!SECRET_NAME.test(name)) continue;
        out.push(
          warning(
            'env-secret-name',
            file,
            ['services', id, 'env', name],
            `${name} looks like a secret, but env values are written to values.yaml in the clear`,
            {
              onKey: true,
              hint: 'keep secrets under secrets: and out of env',
              // Its value is what the rule calls a credential: the line is not shown.
              sensitive: true,
            },
          ),
        );
      }
    }
    return out;
  },
);
