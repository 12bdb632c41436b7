import type { SiteModel } from '../model/site-model.js';
import { headerLines } from './header.js';
import type { Emitter } from './output.js';
import { renderTemplate } from './templates.js';

/** The compose files of the dev loop, as COMPOSE_FILE lists them (paths relative to compose/). */
export const DEV_LOOP_FILES = ['docker-compose.yml', 'docker-compose.dev.yml'] as const;

/** Where compose/.env.example is written. */
export const ENV_EXAMPLE_PATH = 'compose/.env.example';

/** The compose CLI's settings of the stack, as compose/.env.example writes them (and diff compares them). */
export function composeCliVariables(model: SiteModel): { name: string; value: string }[] {
  const profiles = [...new Set(Object.values(model.composeProfiles))].sort();
  const files = model.composeDev === undefined ? DEV_LOOP_FILES.slice(0, 1) : DEV_LOOP_FILES;
  return [
    { name: 'COMPOSE_PROJECT_NAME', value: model.composeProject },
    { name: 'COMPOSE_FILE', value: files.join(':') },
    ...(profiles.length > 0 ? [{ name: 'COMPOSE_PROFILES', value: profiles.join(',') }] : []),
  ];
}

/**
 * `compose/.env.example`, the ADR's `.env.example`: the docker compose CLI's own settings for this
 * stack, to copy to `.env` beside it (`cp .env.example .env && docker compose up`). It names the
 * project, the files (with the development overrides when the site has compose.dev) and every
 * profile of compose.profiles, so the copy starts the whole stack. No container reads it: each
 * reads only its env/<container>.env, and nothing in the compose files is interpolated, so what a
 * developer puts in .env changes how compose runs, never what a container gets.
 */
export const composeEnvExampleEmitter: Emitter = {
  kind: 'compose-env-example',
  applies: (model) => model.targets.compose,
  emit: ({ model }) => {
    const variables = composeCliVariables(model);
    const everyProfile = variables.some((v) => v.name === 'COMPOSE_PROFILES');
    return [
      {
        path: ENV_EXAMPLE_PATH,
        contents: renderTemplate('compose.env.njk', {
          header: headerLines(model, [
            "The docker compose CLI's settings for this stack; in this folder, cp .env.example .env,",
            `then docker compose up${model.composeDev === undefined ? '' : ' --watch'} starts all of it${everyProfile ? ' (every profile)' : ''}.`,
            'No container reads it: each reads only env/<container>.env, and the compose files interpolate nothing.',
          ]),
          sections: [
            {
              title:
                model.composeDev === undefined
                  ? 'The project and its compose file.'
                  : 'The project, and its compose files with the development overrides (compose.dev).',
              variables,
            },
          ],
        }),
        secret: false,
      },
    ];
  },
};
