import { targetsOf } from '../../model/site-facts.js';
import { defineInputRule } from './rule.js';

/** The deployment decision keeps docker compose for development; other sites deploy with Helm. */
export const composeOnlyInDevelopment = defineInputRule(
  {
    'compose-outside-dev': { severity: 'warning', summary: 'the compose target is meant for development sites' },
  },
  ({ site, file }, { warning }) => {
    const environment = site.site.environment;
    if (!targetsOf(site).has('compose') || environment === 'development') return [];
    const index = (site.targets ?? ([] as string[])).indexOf('compose');
    return [
      warning(
        'compose-outside-dev',
        file,
        ['targets', index],
        `the compose target is meant for development; ${environment} sites deploy with Helm`,
      ),
    ];
  },
);
