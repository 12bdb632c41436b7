/**
 * The generated compose stack (out/<site>/compose/: docker-compose.yml, env/<container>.env and
 * nats.conf), loaded by the real Docker Compose CLI (`docker-compose config`, built from its Go
 * module by `npm run tools`): the project has exactly the enabled services, every container's
 * environment is that service's Helm `env` plus its secrets (hostnames aside) and nothing else,
 * nothing is interpolated (a hostile shell changes no value), NATS reads its token from a mounted
 * file, the Chamicore containers run hardened, and the start order is the reference's (§5).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SiteModel } from '../../src/model/site-model.js';
import { BIN, cli, compileInto, HOSTILE_SITE, removeTemps, revealInto, ROOT, temp } from '../helpers/cli.js';
import { intendedEnvFiles, intendedNatsToken, realSiteModel, siteModel } from '../helpers/sites.js';
import { composeConfig, composeConfigIn, runTool, toolPath, type ComposeProject } from '../helpers/tools.js';

/** The project with every profile on (as the integration job runs it), unless `env` says otherwise. */
function load(dir: string, env: Record<string, string> = {}): ComposeProject {
  const r = composeConfig(join(dir, 'compose/docker-compose.yml'), { env: { COMPOSE_PROFILES: '*', ...env } });
  if (r.project === undefined) throw new Error(`compose could not load the project (${String(r.code)}): ${r.stderr}`);
  return r.project;
}

/** In-cluster host names → compose service names: the only difference allowed between Helm and compose. */
function composeHosts(value: string): string {
  return value
    .replace(/chamicore-postgresql/g, 'postgres')
    .replace(/chamicore-nats/g, 'nats')
    .replace(/chamicore-([a-z-]+)(?=[:/]|$)/g, '$1');
}

interface Case {
  name: string;
  model: SiteModel;
  dir: () => string;
  reveal: boolean;
}

let hostileRedacted = '';
let revealed = '';
beforeAll(() => {
  toolPath('docker-compose');
  toolPath('readers');
  hostileRedacted = compileInto([HOSTILE_SITE]);
  revealed = revealInto(['sites/dev.yaml', HOSTILE_SITE]);
});
afterAll(removeTemps);

const cases: Case[] = [
  { name: 'dev (committed)', model: realSiteModel('dev'), dir: () => join(ROOT, 'out/dev'), reveal: false },
  { name: 'dev (revealed)', model: realSiteModel('dev'), dir: () => join(revealed, 'dev'), reveal: true },
  { name: 'hostile (redacted)', model: siteModel(HOSTILE_SITE, 'hostile'), dir: () => join(hostileRedacted, 'hostile'), reveal: false },
  { name: 'hostile (revealed)', model: siteModel(HOSTILE_SITE, 'hostile'), dir: () => join(revealed, 'hostile'), reveal: true },
];

describe.each(cases)('compose stack: $name', ({ model, dir, reveal }) => {
  let project: ComposeProject;
  beforeAll(() => {
    project = load(dir());
  });

  it('has exactly the enabled services, the bundled database, NATS and collector, each with its image', () => {
    const want = model.services.filter((s) => s.enabled).map((s) => s.info.composeService);
    if (model.database.mode === 'bundled') want.push('postgres');
    if (model.events.enabled && model.events.mode === 'bundled') want.push('nats');
    if (/^[a-z]+:\/\/otel-collector[:/]/.test(model.otlpEndpoint ?? '')) want.push('otel-collector');
    expect(Object.keys(project.services).sort()).toEqual(want.sort());
    expect(project.name).toBe(`chamicore-${model.name}`);
    for (const s of model.services.filter((x) => x.enabled)) {
      const pinned = s.image.digest !== undefined ? `@${s.image.digest}` : `:${s.image.tag}`;
      expect(project.services[s.info.composeService]!.image).toBe(`${s.image.registry}/${s.image.repository}${pinned}`);
    }
  });

  it("gives each container exactly its service's Helm env plus its secrets (hostnames aside), and nobody else's", () => {
    const values = parse(readFileSync(join(dir(), 'helm/values.yaml'), 'utf8')) as Record<
      string,
      { env?: Record<string, string>; secretEnv?: Record<string, { existingSecret: string; key: string }> }
    >;
    const files = intendedEnvFiles(model, reveal);
    for (const s of model.services.filter((x) => x.enabled)) {
      const helm = values[s.info.chart]!;
      const env = project.services[s.info.composeService]!.environment ?? {};
      const intended = files.get(`compose/env/${s.info.composeService}.env`)!;
      expect(Object.keys(env).sort(), s.id).toEqual([...Object.keys(helm.env ?? {}), ...Object.keys(helm.secretEnv ?? {})].sort());
      for (const [name, value] of Object.entries(helm.env ?? {})) expect(env[name], `${s.id} ${name}`).toBe(composeHosts(value));
      for (const name of Object.keys(helm.secretEnv ?? {})) expect(env[name], `${s.id} ${name}`).toBe(intended.get(name));
    }
  });

  it('follows the documented start order', () => {
    const deps = (svc: string): Record<string, string> =>
      Object.fromEntries(Object.entries(project.services[svc]?.depends_on ?? {}).map(([k, v]) => [k, v.condition]));
    const has = (svc: string): boolean => svc in project.services;
    const db = model.database.mode === 'bundled';
    const nats = has('nats');
    // Written from the reference (§5), independently of the compiler's table.
    const edges: [string, string, string][] = [
      ['auth', 'postgres', 'service_healthy'],
      ['smd', 'postgres', 'service_healthy'],
      ['smd', 'auth', 'service_started'],
      ['bss', 'smd', 'service_started'],
      ['cloud-init', 'smd', 'service_started'],
      ['kea-sync', 'smd', 'service_started'],
      ['power', 'smd', 'service_started'],
      ['discovery', 'smd', 'service_started'],
      ['discovery', 'auth', 'service_started'],
      ['ui', 'auth', 'service_started'],
      ['ui', 'bss', 'service_started'],
      ['ui', 'cloud-init', 'service_started'],
      ['mcp', 'smd', 'service_started'],
      ['mcp', 'power', 'service_started'],
    ];
    let checked = 0;
    for (const [from, to, condition] of edges) {
      if (!has(from) || !has(to) || (to === 'postgres' && !db)) continue;
      expect(deps(from)[to], `${from} → ${to}`).toBe(condition);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(5);
    for (const s of model.services.filter((x) => x.enabled)) {
      if (nats) expect(deps(s.info.composeService)['nats'], `${s.id} → nats`).toBe('service_started');
      expect('postgres' in deps(s.info.composeService)).toBe(db && s.info.dbSchema !== undefined);
    }
    // depends_on has no cycle: a start order exists.
    const started = new Set<string>();
    for (let round = 0; round < Object.keys(project.services).length; round += 1) {
      for (const svc of Object.keys(project.services)) if (Object.keys(deps(svc)).every((d) => started.has(d))) started.add(svc);
    }
    expect(started.size).toBe(Object.keys(project.services).length);
  });

  it('runs PostgreSQL with a pg_isready healthcheck and a volume, NATS from nats.conf (no secret argument) and a volume', () => {
    const pg = project.services['postgres'];
    if (pg !== undefined) {
      expect(pg.healthcheck?.test.join(' ')).toContain('pg_isready');
      expect(pg.volumes?.map((v) => v.target)).toEqual(['/var/lib/postgresql/data']);
      expect(pg.environment).toEqual(Object.fromEntries(intendedEnvFiles(model, reveal).get('compose/env/postgres.env')!));
    }
    const nats = project.services['nats'];
    if (nats !== undefined) {
      expect(nats.command).toEqual(['--config', '/run/secrets/nats-conf']);
      expect(nats.secrets?.map((x) => x.source)).toEqual(['nats-conf']);
      expect(project.secrets?.['nats-conf']?.file).toBe(join(dir(), 'compose/nats.conf'));
      expect(nats.environment ?? {}).toEqual({});
      expect(nats.volumes?.map((v) => v.target)).toEqual(['/data']);
      // nats-server's own parser reads the site's token back exactly, whatever it holds.
      const file = join(dir(), 'compose/nats.conf');
      const r = runTool('readers', ['natsconf', file]);
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as Record<string, unknown>)[file]).toEqual({
        port: 4222,
        http_port: 8222,
        jetstream: { store_dir: '/data' },
        authorization: { token: intendedNatsToken(model, reveal) },
      });
    }
  });

  it("runs the OpenTelemetry collector the site's OTLP endpoint names, and none otherwise", () => {
    const wanted = /^[a-z]+:\/\/otel-collector[:/]/.test(model.otlpEndpoint ?? '');
    expect('otel-collector' in project.services).toBe(wanted);
    if (!wanted) return;
    const collector = project.services['otel-collector']!;
    expect(collector.command).toEqual(['--config=/etc/otelcol/chamicore.yaml']);
    expect(collector.read_only).toBe(true);
    expect(collector.cap_drop).toEqual(['ALL']);
    const config = parse(project.configs!['otel-collector']!.content!) as {
      receivers: { otlp: { protocols: { grpc: { endpoint: string } } } };
      service: { pipelines: Record<string, { receivers: string[] }> };
    };
    expect(config.receivers.otlp.protocols.grpc.endpoint).toBe('0.0.0.0:4317');
    expect(Object.keys(config.service.pipelines).sort()).toEqual(['logs', 'metrics', 'traces']);
  });

  it('pulls exactly the images bom.yaml lists for compose', () => {
    const bom = parse(readFileSync(join(dir(), 'bom.yaml'), 'utf8')) as { images: { image: string; usedBy: string[] }[] };
    const pulled = [...new Set(Object.values(project.services).map((s) => s.image))].sort();
    expect(bom.images.filter((i) => i.usedBy.includes('compose')).map((i) => i.image)).toEqual(pulled);
  });

  it('runs every Chamicore container as nobody, read-only, with no capability and no new privileges', () => {
    for (const s of model.services.filter((x) => x.enabled)) {
      const c = project.services[s.info.composeService]!;
      expect(c.user, s.id).toBe('65534:65534');
      expect(c.read_only, s.id).toBe(true);
      expect(c.cap_drop, s.id).toEqual(['ALL']);
      expect(c.security_opt, s.id).toEqual(['no-new-privileges:true']);
      expect(c.tmpfs, s.id).toEqual(['/tmp']);
    }
  });

  it('gives every container exactly the same values whatever the shell and a .env beside the file hold', () => {
    // Every name the stack uses, plus the ones compose itself reads, set to hostile values in the shell.
    const hostile: Record<string, string> = { HOME: '/hostile', AWS_SECRET_ACCESS_KEY: 'hostile' };
    for (const svc of Object.values(project.services)) for (const name of Object.keys(svc.environment ?? {})) hostile[name] = 'hostile';
    for (const n of ['NATS_TOKEN', 'POSTGRES_PASSWORD', 'CHAMICORE_REGISTRY', 'CHAMICORE_VERSION']) hostile[n] = 'hostile';
    for (const s of model.services) hostile[`CHAMICORE_${s.info.token}_IMAGE`] = 'evil.example/x:1';
    const copy = join(temp(), model.name);
    mkdirSync(copy);
    for (const f of ['compose/docker-compose.yml', 'compose/nats.conf', ...intendedEnvFiles(model, reveal).keys()]) {
      try {
        const text = readFileSync(join(dir(), f), 'utf8');
        mkdirSync(join(copy, f, '..'), { recursive: true });
        writeFileSync(join(copy, f), text);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    writeFileSync(
      join(copy, 'compose/.env'),
      Object.entries(hostile)
        .map(([k]) => `${k}=from-dotenv`)
        .join('\n'),
    );
    const attacked = load(copy, hostile);
    rmSync(copy, { recursive: true, force: true });
    const strip = (p: ComposeProject): unknown =>
      JSON.parse(JSON.stringify(p.services).split(join(copy, 'compose')).join('<dir>').split(join(dir(), 'compose')).join('<dir>'));
    expect(strip(attacked)).toEqual(strip(project));
  });
});

describe('compose stack: profiles and .env.example', () => {
  it('starts a profiled container only with its profile, and the rest without it', () => {
    const all = Object.keys(load(join(ROOT, 'out/dev')).services);
    const plain = Object.keys(load(join(ROOT, 'out/dev'), { COMPOSE_PROFILES: '' }).services);
    expect(all.filter((s) => !plain.includes(s))).toEqual(['mcp']);
    expect(Object.keys(load(join(ROOT, 'out/dev'), { COMPOSE_PROFILES: 'mcp' }).services).sort()).toEqual([...all].sort());
  });

  it('copied to .env beside the stack of a site from init --environment development, loads it as it is', () => {
    const w = temp();
    expect(cli(['init', 'devx', '--environment', 'development', '--domain', 'devx.localhost'], { cwd: w }).code).toBe(0);
    expect(cli(['sites/devx', '--out', 'out'], { cwd: w }).code).toBe(0);
    const dir = join(w, 'out/devx/compose');
    cpSync(join(dir, '.env.example'), join(dir, '.env'));
    const r = composeConfigIn(dir);
    expect(r.code, r.stderr).toBe(0);
    const project = r.project!;
    expect(project.name).toBe('chamicore-devx');
    expect(Object.keys(project.services).sort()).toEqual(['auth', 'bss', 'cloud-init', 'postgres', 'smd', 'ui']);
    // No generated secret is a placeholder: a development site's stack runs as compiled.
    expect(JSON.stringify(project.services)).not.toContain('REDACTED');
  });

  it('copied to .env, starts the documented dev loop: both files, every profile, no -f needed', () => {
    const dir = join(temp(), 'compose');
    cpSync(join(ROOT, 'out/dev/compose'), dir, { recursive: true });
    cpSync(join(dir, '.env.example'), join(dir, '.env'));
    const r = composeConfigIn(dir);
    expect(r.code, r.stderr).toBe(0);
    const project = r.project as ComposeProject & { services: Record<string, { command?: string[] }> };
    expect(project.name).toBe('chamicore-dev');
    expect(Object.keys(project.services)).toContain('mcp');
    expect(project.services['smd']!.command?.slice(0, 2)).toEqual(['go', 'run']);
    // What the .env says reaches compose, never a container: every environment is what it was.
    const base = load(join(ROOT, 'out/dev'));
    for (const [name, service] of Object.entries(base.services))
      expect(project.services[name]!.environment, name).toEqual(
        name === 'smd' || name === 'bss' ? expect.anything() : (service as { environment?: unknown }).environment,
      );
  });
});

describe('compose stack: the development overrides (docker-compose.dev.yml)', () => {
  it('runs the listed services from the checkout, reloading on change, smd under Delve, as hardened as the base, and nothing else', () => {
    const dir = join(ROOT, 'out/dev/compose');
    const home = temp();
    const r = spawnSync(
      toolPath('docker-compose'),
      ['-f', 'docker-compose.yml', '-f', 'docker-compose.dev.yml', 'config', '--format', 'json'],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] ?? '', HOME: home, DOCKER_CONFIG: join(home, '.docker') },
      },
    );
    expect(r.status, r.stderr).toBe(0);
    type Dev = ComposeProject['services'][string] & {
      working_dir?: string;
      cap_add?: string[];
      develop?: { watch: { action: string; path: string }[] };
    };
    const project = JSON.parse(r.stdout) as { services: Record<string, Dev> };
    const base = load(join(ROOT, 'out/dev'));
    const checkout = join(ROOT, '..', 'chamicore');
    for (const [svc, debug] of [
      ['smd', true],
      ['bss', false],
    ] as const) {
      const s = project.services[svc]!;
      expect(s.image).toBe('docker.io/library/golang:1.26.8-bookworm');
      expect(s.working_dir).toBe(`/src/services/chamicore-${svc}`);
      expect(s.command!.slice(0, 2)).toEqual(['go', 'run']);
      expect(s.command).toContain(`./cmd/chamicore-${svc}`);
      expect(s.volumes).toEqual([expect.objectContaining({ type: 'bind', source: checkout, target: '/src', read_only: true })]);
      expect(s.develop?.watch).toEqual([expect.objectContaining({ action: 'restart', path: join(checkout, `services/chamicore-${svc}`) })]);
      expect(s.environment?.[`CHAMICORE_${svc.toUpperCase()}_LOG_LEVEL`]).toBe('debug');
      // The base file's environment and hardening stay.
      expect(s.environment?.['CHAMICORE_INTERNAL_TOKEN']).toBe(base.services[svc]!.environment?.['CHAMICORE_INTERNAL_TOKEN']);
      expect([s.user, s.read_only, s.cap_drop]).toEqual(['65534:65534', true, ['ALL']]);
      expect(s.cap_add ?? []).toEqual(debug ? ['SYS_PTRACE'] : []);
      const debugPorts = (s.ports ?? []).filter((p) => p.target === 2345).map((p) => [p.host_ip, p.published]);
      expect(debugPorts).toEqual(debug ? [['127.0.0.1', '40001']] : []);
    }
    // The other services run their images, as in the base file.
    expect(project.services['auth']!.image).toBe(base.services['auth']!.image);
    // What the overrides add to what compose pulls is what bom.yaml lists for them.
    const bom = parse(readFileSync(join(ROOT, 'out/dev/bom.yaml'), 'utf8')) as { images: { image: string; usedBy: string[] }[] };
    const baseImages = new Set(Object.values(base.services).map((x) => x.image));
    const added = [...new Set(Object.values(project.services).map((x) => x.image))].filter((i) => !baseImages.has(i));
    expect(bom.images.filter((i) => i.usedBy.includes('compose-dev')).map((i) => i.image)).toEqual(added);
    expect(added).toEqual(['docker.io/library/golang:1.26.8-bookworm']);
    // Nothing of it reaches Helm: dev's values.yaml is what the site compiles to without compose.dev.
    const site = readFileSync(join(ROOT, 'sites/dev.yaml'), 'utf8').replace(/\ncompose:\n( {2}.*\n| {4}.*\n| {6}.*\n)+/, '\n');
    expect(site).not.toContain('compose:\n  dev:');
    const ws = temp();
    mkdirSync(join(ws, 'sites'));
    writeFileSync(join(ws, 'sites/dev.yaml'), site);
    const out = join(ws, 'out');
    const c = spawnSync(process.execPath, [BIN, '--out', out, 'sites/dev.yaml'], { cwd: ws, encoding: 'utf8' });
    expect(c.status, c.stderr).toBe(0);
    expect(readFileSync(join(out, 'dev/helm/values.yaml'), 'utf8')).toBe(readFileSync(join(ROOT, 'out/dev/helm/values.yaml'), 'utf8'));
  });
});

describe('compose stack: failures', () => {
  it('refuses to start a container whose environment file is missing, instead of running it without', () => {
    const out = compileInto(['sites/dev.yaml']);
    rmSync(join(out, 'dev/compose/env/smd.env'));
    const r = composeConfig(join(out, 'dev/compose/docker-compose.yml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('smd.env');
  });
});
