import { compareStrings } from '../../util/compare.js';
import { defineInputRule } from './rule.js';

/** A literal `value` puts the secret into the repository: development sites only. */
export const noLiteralSecretsOutsideDevelopment = defineInputRule(
  {
    'secret-value-outside-dev': { severity: 'error', summary: 'literal secret values are only allowed in development' },
  },
  ({ site, file }, { error }) =>
    site.site.environment === 'development'
      ? []
      : Object.entries(site.secrets ?? {})
          .filter(([, s]) => s !== undefined && 'value' in s)
          .sort(([a], [b]) => compareStrings(a, b))
          .map(([name]) =>
            error(
              'secret-value-outside-dev',
              file,
              ['secrets', name, 'value'],
              `secret "${name}" has a literal value; literal values are allowed only in development sites`,
              {
                hint: 'use generate, fromEnv or fromFile',
              },
            ),
          ),
);
