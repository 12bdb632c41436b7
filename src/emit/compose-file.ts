import { composeBundled, imageVariable } from './compose-env.js';
import { headerLines } from './header.js';
import { renderYamlFile, type Emitter } from './output.js';
import type { YamlValue } from './safe-yaml.js';

/** `${NAME?…}`: compose refuses to start when the .env lacks a variable, instead of running with "". */
function fromEnv(name: string): string {
  return `\${${name}?not in the .env}`;
}

/**
 * `compose/docker-compose.yml`: the development stack from the same model as the Helm values.
 * Every enabled service runs its image from the .env and sees exactly the variables it reads
 * there (no service sees another's secrets); the bundled PostgreSQL and NATS come with volumes and
 * healthchecks; `depends_on` follows the start order of the reference (§5). Chamicore images are
 * distroless, so they have no healthcheck and their dependants wait for them to start.
 */
export const composeFileEmitter: Emitter = {
  kind: 'compose-file',
  applies: (model) => model.targets.compose,
  emit: ({ model }) => {
    const bundled = composeBundled(model);
    const enabled = model.services.filter((s) => s.enabled);
    const services: Record<string, YamlValue> = {};
    const volumes: Record<string, YamlValue> = {};
    if (bundled.postgres) {
      services['postgres'] = {
        image: fromEnv(imageVariable('POSTGRES')),
        restart: 'unless-stopped',
        command: ['postgres', '-c', `max_connections=${String(model.database.maxConnections)}`],
        environment: Object.fromEntries(['POSTGRES_DB', 'POSTGRES_USER', 'POSTGRES_PASSWORD'].map((n) => [n, fromEnv(n)])),
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
        image: fromEnv(imageVariable('NATS')),
        restart: 'unless-stopped',
        command: ['--jetstream', '--store_dir=/data', '--http_port=8222', `--auth=${fromEnv('NATS_TOKEN')}`],
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
      // NATS is never a hard dependency (services fall back to polling): start order only.
      if (bundled.nats) dependsOn['nats'] = { condition: 'service_started' };
      for (const id of s.info.after) {
        const dep = enabled.find((e) => e.id === id);
        if (dep !== undefined) dependsOn[dep.info.composeService] = { condition: 'service_started' };
      }
      const service: Record<string, YamlValue> = {
        image: fromEnv(imageVariable(s.info.token)),
        restart: 'unless-stopped',
        environment: Object.fromEntries(s.env.map((e) => [e.name, fromEnv(e.name)])),
      };
      if (s.info.port !== undefined) service['ports'] = [`127.0.0.1:${String(s.info.port)}:${String(s.info.port)}`];
      if (Object.keys(dependsOn).length > 0) service['depends_on'] = dependsOn;
      services[s.info.composeService] = service;
    }
    const file: Record<string, YamlValue> = { name: model.composeProject, services };
    if (Object.keys(volumes).length > 0) file['volumes'] = volumes;
    return [
      renderYamlFile(
        'compose/docker-compose.yml',
        headerLines(model, [
          'The whole development stack, from the same model as the Helm values:',
          `  docker compose --env-file out/${model.name}/compose/.env -f out/${model.name}/compose/docker-compose.yml up`,
        ]),
        file,
      ),
    ];
  },
};
