import { OTEL_COLLECTOR_HOST } from '../../model/catalog.js';
import { composeBundled } from '../../model/compose-stack.js';
import { targetsOf } from '../../model/site-facts.js';
import type { Diagnostic } from '../../report/diagnostic.js';
import { defineRule } from './rule.js';

/** Domains reserved for examples and tests (RFC 2606, RFC 6761): `init` writes `<name>.example.org`. */
const PLACEHOLDER_DOMAIN = /(^|\.)(example\.(org|com|net)|example|test|invalid|localhost)$/;

/**
 * The deploy job turns each file variable SECRET_FILE_<NAME> into the file <name>, lower-cased with
 * `_` as `-` (scripts/ci-deploy.sh): a fromFile name it cannot produce is never supplied there.
 */
const DELIVERABLE_FILE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * A setting that does nothing passes review unnoticed and misleads the next reader: a mirror no
 * image goes through, persistence for a database the release does not run, NATS settings with events
 * off. A production site still on the placeholder domain of `init`, or with no ingress at all, or
 * with a fromFile secret the deploy job can never supply, is a mistake waiting for the deploy.
 */
export const settingsTakeEffect = defineRule(
  {
    'setting-ineffective': {
      severity: 'warning',
      summary:
        'a setting that changes no output (a mirror no image uses, persistence of an external database, NATS settings with events off)',
    },
    'prod-placeholder-domain': {
      severity: 'warning',
      summary: 'a production site on a domain reserved for examples (example.org, .test, …), as init writes it',
    },
    'prod-no-ingress': {
      severity: 'warning',
      summary: 'a production site on Helm with no ingress: nothing outside the cluster reaches the UI or the APIs',
    },
    'secret-file-undeliverable': {
      severity: 'warning',
      summary: 'a fromFile name the deploy job cannot supply (it writes lower-case names with dashes from SECRET_FILE_<NAME> variables)',
    },
  },
  ({ site, model, file }, { warning }) => {
    const out: Diagnostic[] = [];
    const bundledDatabase = model.database.mode === 'bundled';
    const bundledNats = model.events.enabled && model.events.mode === 'bundled';
    if (site.images?.mirror !== undefined && !bundledDatabase && !bundledNats)
      out.push(
        warning(
          'setting-ineffective',
          file,
          ['images', 'mirror'],
          'images.mirror changes nothing: no image of the site comes from docker.io (the database is external and NATS is not bundled)',
          {
            hint: 'remove images.mirror, or bundle the database or NATS',
          },
        ),
      );
    if (site.database?.persistence !== undefined && !bundledDatabase)
      out.push(
        warning(
          'setting-ineffective',
          file,
          ['database', 'persistence'],
          'database.persistence changes nothing: the database is external',
          {
            hint: 'remove database.persistence (it sizes the bundled PostgreSQL only)',
          },
        ),
      );
    const nats = site.events?.nats;
    if (nats !== undefined && !model.events.enabled)
      out.push(
        warning('setting-ineffective', file, ['events', 'nats'], 'events.nats changes nothing: events are off (events.enabled is false)', {
          hint: 'remove events.nats, or set events.enabled: true',
        }),
      );
    const dev = site.compose?.dev;
    if (site.compose !== undefined && !model.targets.compose)
      out.push(
        warning('setting-ineffective', file, ['compose'], 'compose changes nothing: the site has no compose target', {
          hint: 'add compose to targets, or remove compose',
        }),
      );
    else if (dev !== undefined)
      for (const id of Object.keys(dev.services))
        if (model.services.find((s) => s.id === id)?.enabled !== true)
          out.push(
            warning(
              'setting-ineffective',
              file,
              ['compose', 'dev', 'services', id],
              `compose.dev.services.${id} changes nothing: ${id} is not enabled`,
              {
                hint: `enable services.${id}, or remove it from compose.dev.services`,
              },
            ),
          );
    if (model.targets.compose) {
      const bundled = composeBundled(model);
      const inStack = (container: string): boolean =>
        container === 'nats'
          ? bundled.nats
          : container === OTEL_COLLECTOR_HOST
            ? bundled.otelCollector
            : model.services.some((s) => s.enabled && s.info.composeService === container);
      for (const container of Object.keys(site.compose?.profiles ?? {}))
        if (!inStack(container))
          out.push(
            warning(
              'setting-ineffective',
              file,
              ['compose', 'profiles', container],
              `compose.profiles.${container} changes nothing: the stack has no ${container} container`,
              {
                hint:
                  container === 'nats'
                    ? 'remove it, or bundle NATS (events.enabled: true, events.mode: bundled)'
                    : container === OTEL_COLLECTOR_HOST
                      ? 'remove it, or point observability.otlpEndpoint at http://otel-collector:4317'
                      : `remove it, or enable services.${container}`,
              },
            ),
          );
    }
    if (site.site.environment === 'production') {
      const host = site.kubernetes?.ingress?.host;
      for (const [value, path] of [
        [site.site.domain, ['site', 'domain']],
        [host, ['kubernetes', 'ingress', 'host']],
      ] as const)
        if (value !== undefined && PLACEHOLDER_DOMAIN.test(value.toLowerCase()))
          out.push(
            warning(
              'prod-placeholder-domain',
              file,
              [...path],
              `${value} lies in a domain reserved for examples: no production site is reached there`,
              {
                hint: "set the site's real domain (init writes <name>.example.org as a placeholder)",
              },
            ),
          );
      const ingress = site.kubernetes?.ingress;
      if (targetsOf(site).has('helm') && (ingress === undefined || ingress.enabled === false))
        out.push(
          warning(
            'prod-no-ingress',
            file,
            ingress === undefined ? ['kubernetes'] : ['kubernetes', 'ingress', 'enabled'],
            'a production site with no ingress: nothing outside the cluster reaches the UI or the APIs',
            {
              hint: 'set kubernetes.ingress.host (and its TLS), or allow this warning if another gateway fronts the services',
            },
          ),
        );
    }
    if (targetsOf(site).has('helm'))
      for (const [name, spec] of Object.entries(site.secrets ?? {}))
        if (spec !== undefined && 'fromFile' in spec && !DELIVERABLE_FILE.test(spec.fromFile))
          out.push(
            warning(
              'secret-file-undeliverable',
              file,
              ['secrets', name, 'fromFile'],
              `the deploy job can never supply the file of secret ${name}: it writes only lower-case names with dashes, from SECRET_FILE_<NAME> variables`,
              {
                hint: `name the file in lower case with dashes (${spec.fromFile
                  .toLowerCase()
                  .replace(/[^a-z0-9]+/g, '-')
                  .replace(/^-|-$/g, '')}), set as SECRET_FILE_<NAME>`,
              },
            ),
          );
    return out;
  },
);
