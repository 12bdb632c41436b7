import { defineRule } from './rule.js';

/** The deployment decision keeps docker compose for development; other sites deploy with Helm. */
export const composeOnlyInDevelopment = defineRule(
  {
    'compose-outside-dev': { severity: 'warning', summary: 'the compose target is meant for development sites' },
  },
  ({ site, model, file }, { warning }) => {
    if (!model.targets.compose || model.environment === 'development') return [];
    const index = (site.targets ?? ([] as string[])).indexOf('compose');
    return [
      warning(
        'compose-outside-dev',
        file,
        ['targets', index],
        `the compose target is meant for development; ${model.environment} sites deploy with Helm`,
      ),
    ];
  },
);
