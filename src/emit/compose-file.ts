import { imageReference, OTEL_COLLECTOR_HOST } from '../model/catalog.js';
import { composeBundled } from '../model/compose-stack.js';
import { composeImage, envFilePath } from './compose-env.js';
import { NATS_CONF_PATH } from './compose-nats.js';
import { headerLines } from './header.js';
import { renderYamlFile, type Emitter } from './output.js';
import type { YamlValue } from './safe-yaml.js';

/** A container's environment file, relative to the compose file; compose refuses to start without it. */
/** The compose config of the collector, and what it holds: OTLP in, the debug exporter out, for every signal. */
const OTEL_CONFIG = 'otel-collector';
const OTEL_COLLECTOR_CONFIG = [
  'receivers:',
  '  otlp:',
  '    protocols:',
  '      grpc:',
  '        endpoint: 0.0.0.0:4317',
  '      http:',
  '        endpoint: 0.0.0.0:4318',
  'exporters:',
  '  debug:',
  '    verbosity: basic',
  'service:',
  '  pipelines:',
  ...['traces', 'metrics', 'logs'].flatMap((p) => [`    ${p}:`, '      receivers: [otlp]', '      exporters: [debug]']),
  '',
].join('\n');

/** The compose secret that holds nats.conf. */
const NATS_SECRET = 'nats-conf';

function envFile(container: string): YamlValue {
  return [{ path: envFilePath(container).replace(/^compose\//, ''), required: true }];
}

/** The Chamicore images are distroless and run as nobody: nothing of them needs root, a capability or a writable root. */
const HARDENED: Record<string, YamlValue> = {
  user: '65534:65534',
  read_only: true,
  tmpfs: ['/tmp'],
  cap_drop: ['ALL'],
  security_opt: ['no-new-privileges:true'],
};

/**
 * `compose/docker-compose.yml`: the development stack from the same model as the Helm values.
 * Nothing in it is interpolated: images and ports are written out, and every container reads exactly
 * its own variables from its environment file (`env/<service>.env`, through `env_file`), so neither a
 * variable of the developer's shell nor a `.env` beside it changes what a container gets, and no
 * service sees another's secrets. The bundled PostgreSQL and NATS come with volumes and healthchecks
 * (NATS reads its token from nats.conf, mounted as a secret); `depends_on` follows the start order
 * of the reference (§5). Chamicore images are distroless, so they have no healthcheck and their
 * dependants wait for them to start; they run hardened (HARDENED).
 */
export const composeFileEmitter: Emitter = {
  kind: 'compose-file',
  applies: (model) => model.targets.compose,
  emit: ({ model }) => {
    const bundled = composeBundled(model);
    const profiles = model.composeProfiles;
    const enabled = model.services.filter((s) => s.enabled);
    const services: Record<string, YamlValue> = {};
    const volumes: Record<string, YamlValue> = {};
    if (bundled.postgres) {
      services['postgres'] = {
        image: composeImage(model, 'postgres'),
        restart: 'unless-stopped',
        command: ['postgres', '-c', `max_connections=${String(model.database.maxConnections)}`],
        env_file: envFile('postgres'),
        security_opt: ['no-new-privileges:true'],
        volumes: ['postgres-data:/var/lib/postgresql/data'],
        healthcheck: {
          test: ['CMD-SHELL', 'pg_isready -U "$${POSTGRES_USER}" -d "$${POSTGRES_DB}"'],
          interval: '5s',
          timeout: '5s',
          retries: 20,
        },
      };
      volumes['postgres-data'] = {};
    }
    if (bundled.nats) {
      services['nats'] = {
        image: composeImage(model, 'nats'),
        restart: 'unless-stopped',
        command: ['--config', `/run/secrets/${NATS_SECRET}`],
        secrets: [NATS_SECRET],
        security_opt: ['no-new-privileges:true'],
        volumes: ['nats-data:/data'],
        healthcheck: {
          test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8222/healthz'],
          interval: '5s',
          timeout: '5s',
          retries: 20,
        },
      };
      volumes['nats-data'] = {};
    }
    for (const s of enabled) {
      const dependsOn: Record<string, YamlValue> = {};
      if (bundled.postgres && s.info.dbSchema !== undefined) dependsOn['postgres'] = { condition: 'service_healthy' };
      // NATS is never a hard dependency (services fall back to polling): start order only, and none
      // at all when a profile leaves it out.
      if (bundled.nats)
        dependsOn['nats'] =
          profiles['nats'] === undefined ? { condition: 'service_started' } : { condition: 'service_started', required: false };
      for (const id of s.info.after) {
        const dep = enabled.find((e) => e.id === id);
        if (dep !== undefined) dependsOn[dep.info.composeService] = { condition: 'service_started' };
      }
      const service: Record<string, YamlValue> = {
        image: imageReference(s.image),
        restart: 'unless-stopped',
        env_file: envFile(s.info.composeService),
        ...HARDENED,
      };
      if (s.info.port !== undefined) service['ports'] = [`127.0.0.1:${String(s.info.port)}:${String(s.info.port)}`];
      if (Object.keys(dependsOn).length > 0) service['depends_on'] = dependsOn;
      services[s.info.composeService] = service;
    }
    const file: Record<string, YamlValue> = { name: model.composeProject, services };
    if (bundled.otelCollector) {
      // The site's OTLP endpoint names the stack's own collector: run it, receiving OTLP on 4317 (gRPC)
      // and 4318 (HTTP) and printing what it gets (a developer reads it with docker compose logs).
      services[OTEL_COLLECTOR_HOST] = {
        image: composeImage(model, 'otelCollector'),
        restart: 'unless-stopped',
        command: ['--config=/etc/otelcol/chamicore.yaml'],
        configs: [{ source: OTEL_CONFIG, target: '/etc/otelcol/chamicore.yaml' }],
        read_only: true,
        cap_drop: ['ALL'],
        security_opt: ['no-new-privileges:true'],
      };
      file['configs'] = { [OTEL_CONFIG]: { content: OTEL_COLLECTOR_CONFIG } };
    }
    // compose.profiles: an optional container starts only with its profile (the rules keep every
    // container another one needs out of profiles, except NATS, which nothing requires).
    for (const [container, profile] of Object.entries(profiles)) {
      const service = services[container] as Record<string, YamlValue> | undefined;
      if (service !== undefined) services[container] = { profiles: [profile], ...service };
    }
    if (Object.keys(volumes).length > 0) file['volumes'] = volumes;
    if (bundled.nats) file['secrets'] = { [NATS_SECRET]: { file: NATS_CONF_PATH.replace(/^compose\//, '') } };
    return [
      renderYamlFile(
        'compose/docker-compose.yml',
        headerLines(model, [
          'The whole development stack, from the same model as the Helm values:',
          `  docker compose -f out/${model.name}/compose/docker-compose.yml up`,
          ...(Object.keys(profiles).length > 0
            ? ["Containers of compose.profiles start only with their profile (--profile '*': all)."]
            : []),
          'Generated secrets in env/ and nats.conf are placeholders unless written with --reveal.',
        ]),
        file,
      ),
    ];
  },
};
