import { warning } from '../../report/diagnostic.js';
import type { Rule } from './rule.js';

/** The deployment decision keeps docker compose for development; other sites deploy with Helm. */
export const composeOnlyInDevelopment: Rule = ({ site, model, file }) => {
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
};
