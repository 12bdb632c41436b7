import { error } from '../../report/diagnostic.js';
import type { Rule } from './rule.js';

/** Dev mode turns off every token check; it is refused outside development sites. */
export const noDevModeOutsideDevelopment: Rule = ({ site, file }) =>
  site.auth?.devMode === true && site.site.environment !== 'development'
    ? [
        error(
          'prod-dev-mode',
          file,
          ['auth', 'devMode'],
          `auth.devMode turns off authentication; it is refused in a ${site.site.environment} site`,
        ),
      ]
    : [];
