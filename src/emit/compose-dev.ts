import { composeImage } from './compose-env.js';
import { headerLines } from './header.js';
import { renderYamlFile, type Emitter } from './output.js';
import type { YamlValue } from './safe-yaml.js';

/** Delve, run with go run at this pinned version. */
export const DELVE = 'github.com/go-delve/delve/cmd/dlv@v1.25.2';
/** Where Delve listens inside the container. */
const DELVE_PORT = 2345;

/**
 * `compose/docker-compose.dev.yml` (compose.dev): the development overrides of the ADR, laid over
 * docker-compose.yml — `docker compose -f docker-compose.yml -f docker-compose.dev.yml up --watch`.
 * Each listed service runs from the checkout instead of its image: the Go toolchain image runs `go
 * run` of its main package (or Delve, headless, on 127.0.0.1:<debugPort>), with the source mounted
 * read-only, Go's caches in the container's /tmp, debug log level, and restarts when a file of the
 * service changes (`develop.watch`, action restart). It keeps the base file's hardening (nobody,
 * read-only root, no capabilities) except SYS_PTRACE for Delve. Nothing in it reaches Helm; no value
 * is interpolated, so the shell changes nothing.
 */
export const composeDevEmitter: Emitter = {
  kind: 'compose-dev',
  applies: (model) => model.targets.compose && model.composeDev !== undefined,
  emit: ({ model }) => {
    const dev = model.composeDev!;
    const image = composeImage(model, 'go');
    const services: Record<string, YamlValue> = {};
    for (const d of dev.services) {
      const s = model.services.find((x) => x.id === d.id)!;
      if (!s.enabled) continue;
      const dir = `/src/services/${s.info.chart}`;
      const run = d.debug
        ? [
            'go',
            'run',
            DELVE,
            'debug',
            d.main,
            '--headless',
            `--listen=:${String(DELVE_PORT)}`,
            '--api-version=2',
            '--accept-multiclient',
            '--continue',
          ]
        : ['go', 'run', d.main];
      const service: Record<string, YamlValue> = {
        image,
        working_dir: dir,
        command: run,
        environment: {
          HOME: '/tmp',
          GOPATH: '/tmp/go',
          GOCACHE: '/tmp/go-build',
          GOFLAGS: '-buildvcs=false',
          [`CHAMICORE_${s.info.token}_LOG_LEVEL`]: 'debug',
        },
        volumes: [{ type: 'bind', source: dev.source, target: '/src', read_only: true }],
        develop: { watch: [{ action: 'restart', path: `${dev.source.replace(/\/+$/, '')}/services/${s.info.chart}` }] },
      };
      if (d.debug) {
        service['ports'] = [`127.0.0.1:${String(d.debugPort)}:${String(DELVE_PORT)}`];
        service['cap_add'] = ['SYS_PTRACE'];
      }
      services[s.info.composeService] = service;
    }
    return [
      renderYamlFile(
        'compose/docker-compose.dev.yml',
        headerLines(model, [
          'Development overrides (compose.dev): services from the source checkout, live reload, Delve.',
          `  docker compose -f out/${model.name}/compose/docker-compose.yml -f out/${model.name}/compose/docker-compose.dev.yml up --watch`,
        ]),
        { name: model.composeProject, services },
      ),
    ];
  },
};
