import { SHARED_ENV } from '../model/service-env.js';
import { renderText } from '../model/text-values.js';
import { COMPOSE_IMAGES } from '../model/catalog.js';
import { secretKey, type EnvVar, type SiteModel } from '../model/site-model.js';
import { evaluateSecret } from '../secrets/evaluate.js';
import { revealSecret } from '../secrets/reveal.js';
import { REDACTED, type SecretValue } from '../secrets/secret-value.js';
import { compareStrings } from '../report/diagnostic.js';
import { headerLines } from './header.js';
import { renderTemplate } from './templates.js';
import type { Emitter } from './output.js';

interface Section {
  readonly title: string;
  readonly variables: { readonly name: string; readonly value: string }[];
}

/** Every variable the compose .env holds, by section; exported for the parity test. */
export function composeSections(model: SiteModel, secrets: ReadonlyMap<string, SecretValue>): Section[] {
  const value = (v: EnvVar['value']): string => {
    if (v.kind === 'text') return renderText(v, 'compose');
    return revealSecret(evaluateSecret(secretKey(model, v.group, v.key).value, secrets, 'compose'));
  };
  const enabled = model.services.filter((s) => s.enabled);
  const bundled = composeBundled(model);
  const sections: Section[] = [
    {
      title: 'Compose project (docker-compose.yml beside this file runs every enabled service).',
      variables: [{ name: 'COMPOSE_PROJECT_NAME', value: model.composeProject }],
    },
    {
      title: 'Images.',
      variables: [
        { name: 'CHAMICORE_REGISTRY', value: model.images.registry },
        { name: 'CHAMICORE_VERSION', value: model.images.tag },
        ...enabled.map((s) => ({
          name: imageVariable(s.info.token),
          value: `${s.image.registry}/${s.image.repository}:${s.image.tag}`,
        })),
        ...(bundled.postgres ? [{ name: imageVariable('POSTGRES'), value: composeImage(model, 'postgres') }] : []),
        ...(bundled.nats ? [{ name: imageVariable('NATS'), value: composeImage(model, 'nats') }] : []),
      ],
    },
  ];
  if (model.database.mode === 'bundled') {
    const password = secretKey(model, 'db', 'password').value;
    sections.push({
      title: 'Bundled PostgreSQL (the postgres container).',
      variables: [
        { name: 'POSTGRES_DB', value: model.database.name },
        { name: 'POSTGRES_USER', value: model.database.user },
        { name: 'POSTGRES_PASSWORD', value: revealSecret(evaluateSecret(password, secrets, 'compose')) },
      ],
    });
  }
  if (bundled.nats) {
    sections.push({
      title: 'Bundled NATS (the nats container): its token.',
      variables: [{ name: 'NATS_TOKEN', value: revealSecret(evaluateSecret({ kind: 'named', secret: 'nats-token' }, secrets, 'compose')) }],
    });
  }
  const shared = new Map<string, string>();
  for (const s of enabled) for (const e of s.env) if (SHARED_ENV.has(e.name)) shared.set(e.name, value(e.value));
  sections.push({
    title: 'Shared by every service.',
    variables: [...shared.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([name, v]) => ({ name, value: v })),
  });
  for (const s of enabled) {
    sections.push({
      title: `${s.info.chart}.`,
      variables: s.env.filter((e) => !SHARED_ENV.has(e.name)).map((e) => ({ name: e.name, value: value(e.value) })),
    });
  }
  return sections;
}

/** The compose variable holding a component's image (`CHAMICORE_SMD_IMAGE`, `CHAMICORE_POSTGRES_IMAGE`). */
export function imageVariable(token: string): string {
  return `CHAMICORE_${token}_IMAGE`;
}

/** Which third-party containers the compose stack runs. */
export function composeBundled(model: SiteModel): { postgres: boolean; nats: boolean } {
  return { postgres: model.database.mode === 'bundled', nats: model.events.enabled && model.events.mode === 'bundled' };
}

/** A third-party compose image, through the site's docker.io mirror when it has one. */
function composeImage(model: SiteModel, which: keyof typeof COMPOSE_IMAGES): string {
  const image = COMPOSE_IMAGES[which];
  const override = which === 'nats' ? model.events.images['container.image'] : undefined;
  const chosen = override ?? { ...image, registry: model.images.mirror ?? image.registry };
  return `${chosen.registry}/${chosen.repository}:${chosen.tag}`;
}

/** `compose/.env`: the same service environment as the Helm values, for docker compose. */
export const composeEnvEmitter: Emitter = {
  kind: 'compose-env',
  applies: (model) => model.targets.compose,
  emit: ({ model, secrets, redacted }) => {
    const note = redacted
      ? [`Secret values are placeholders (${REDACTED}); chamicore-compile --reveal writes real ones.`]
      : ['Holds real secret values: never commit it.'];
    const contents = renderTemplate('compose.env.njk', { header: headerLines(model, note), sections: composeSections(model, secrets) });
    return [{ path: 'compose/.env', contents, secret: true }];
  },
};
