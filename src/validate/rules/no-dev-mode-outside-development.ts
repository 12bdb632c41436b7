import { defineInputRule } from './rule.js';

/** Dev mode turns off every token check; it is refused outside development sites. */
export const noDevModeOutsideDevelopment = defineInputRule(
  {
    'prod-dev-mode': { severity: 'error', summary: 'dev mode (no authentication) is only allowed in development' },
  },
  ({ site, file }, { error }) =>
    site.auth?.devMode === true && site.site.environment !== 'development'
      ? [
          error(
            'prod-dev-mode',
            file,
            ['auth', 'devMode'],
            `auth.devMode turns off authentication; it is refused in a ${site.site.environment} site`,
          ),
        ]
      : [],
);
