import { renderText, SHARED_ENV } from '../model/build-model.js';
import type { EnvVar, SiteModel } from '../model/site-model.js';
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
    const expr = model.secretGroups.find((g) => g.id === v.group)?.keys.find((k) => k.key === v.key)?.value;
    if (expr === undefined) throw new Error(`internal: no secret ${v.group}/${v.key}`);
    return revealSecret(evaluateSecret(expr, secrets, 'compose'));
  };
  const enabled = model.services.filter((s) => s.enabled);
  const profiles = enabled.map((s) => s.info.composeService);
  if (model.database.mode === 'bundled') profiles.push('postgres');
  if (model.events.enabled && model.events.mode === 'bundled') profiles.push('nats');
  const sections: Section[] = [
    {
      title: 'Compose project: every service runs under a profile named after it.',
      variables: [
        { name: 'COMPOSE_PROJECT_NAME', value: `chamicore-${model.name}` },
        { name: 'COMPOSE_PROFILES', value: profiles.join(',') },
      ],
    },
    {
      title: 'Images.',
      variables: [
        { name: 'CHAMICORE_REGISTRY', value: model.images.registry },
        { name: 'CHAMICORE_VERSION', value: model.images.tag },
        ...enabled.map((s) => ({
          name: `CHAMICORE_${s.info.token}_IMAGE`,
          value: `${s.image.registry}/${s.image.repository}:${s.image.tag}`,
        })),
      ],
    },
  ];
  if (model.database.mode === 'bundled') {
    const password = model.secretGroups.find((g) => g.id === 'db')?.keys.find((k) => k.key === 'password')?.value;
    if (password === undefined) throw new Error('internal: no database password');
    sections.push({
      title: 'Bundled PostgreSQL (the postgres container).',
      variables: [
        { name: 'POSTGRES_DB', value: model.database.name },
        { name: 'POSTGRES_USER', value: model.database.user },
        { name: 'POSTGRES_PASSWORD', value: revealSecret(evaluateSecret(password, secrets, 'compose')) },
      ],
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
