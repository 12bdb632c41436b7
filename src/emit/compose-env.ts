import { renderText } from '../model/text-values.js';
import { COMPOSE_IMAGES, imageReference } from '../model/catalog.js';
import { composeBundled } from '../model/compose-stack.js';
import { secretKey, type EnvVar, type SiteModel } from '../model/site-model.js';
import { evaluateSecret } from '../secrets/evaluate.js';
import { revealSecret } from '../secrets/reveal.js';
import { REDACTED, type SecretValue } from '../secrets/secret-value.js';
import { headerLines } from './header.js';
import { renderTemplate } from './templates.js';
import type { Emitter, OutputFile } from './output.js';

/** One container's environment file: exactly the variables that container reads. */
export interface ComposeEnvFile {
  /** The compose service (`auth`, `cloud-init`, `postgres`). */
  readonly container: string;
  /** Relative to out/<site>/: `compose/env/<container>.env`. */
  readonly path: string;
  readonly title: string;
  readonly variables: { readonly name: string; readonly value: string }[];
}

/** Where a container's environment file sits, relative to out/<site>/ (and to the compose file: `env/…`). */
export function envFilePath(container: string): string {
  return `compose/env/${container}.env`;
}

/**
 * Every container's environment file, in start order (the database first): each enabled service gets
 * the variables of its Helm `env` and `secretEnv`, the bundled PostgreSQL its database, user and
 * password. Compose reads these through `env_file`, never through `${VAR}` interpolation, so a variable
 * of the developer's shell never replaces a site's value; one file per container, so no container
 * sees another's secrets. Exported for the parity tests and the docs.
 */
export function composeEnvFiles(model: SiteModel, secrets: ReadonlyMap<string, SecretValue>): ComposeEnvFile[] {
  const value = (v: EnvVar['value']): string => {
    if (v.kind === 'text') return renderText(v, 'compose');
    return revealSecret(evaluateSecret(secretKey(model, v.group, v.key).value, secrets, 'compose'));
  };
  const files: ComposeEnvFile[] = [];
  if (composeBundled(model).postgres) {
    const password = secretKey(model, 'db', 'password').value;
    files.push({
      container: 'postgres',
      path: envFilePath('postgres'),
      title: 'The bundled PostgreSQL (the postgres container).',
      variables: [
        { name: 'POSTGRES_DB', value: model.database.name },
        { name: 'POSTGRES_USER', value: model.database.user },
        { name: 'POSTGRES_PASSWORD', value: revealSecret(evaluateSecret(password, secrets, 'compose')) },
      ],
    });
  }
  for (const s of model.services) {
    if (!s.enabled) continue;
    files.push({
      container: s.info.composeService,
      path: envFilePath(s.info.composeService),
      title: `${s.info.chart} (the ${s.info.composeService} container).`,
      variables: s.env.map((e) => ({ name: e.name, value: value(e.value) })),
    });
  }
  return files;
}

/** A third-party compose image, through the site's docker.io mirror when it has one. */
export function composeImage(model: SiteModel, which: keyof typeof COMPOSE_IMAGES): string {
  const image = COMPOSE_IMAGES[which];
  const override = which === 'nats' ? model.events.images['container.image'] : undefined;
  const chosen = override ?? { ...image, registry: model.images.mirror ?? image.registry };
  return imageReference(chosen);
}

/** `compose/env/<container>.env`: the same service environment as the Helm values, one file per container. */
export const composeEnvEmitter: Emitter = {
  kind: 'compose-env',
  applies: (model) => model.targets.compose,
  emit: ({ model, secrets, redacted }) => {
    const note =
      model.environment === 'development' && redacted
        ? [
            'Development values, public by design (literals, or derived from the public development key):',
            `usable as they are, never outside development; fromEnv and fromFile secrets are placeholders (${REDACTED}).`,
          ]
        : redacted
          ? [`Secret values are placeholders (${REDACTED}); chamicore-compile --reveal writes real ones.`]
          : ['Holds real secret values: never commit it.'];
    return composeEnvFiles(model, secrets).map((f): OutputFile => ({
      path: f.path,
      contents: renderTemplate('compose.env.njk', {
        header: headerLines(model, [
          ...note,
          'docker-compose.yml gives it to one container through env_file: the shell never overrides it.',
        ]),
        sections: [{ title: f.title, variables: f.variables }],
      }),
      secret: true,
    }));
  },
};
