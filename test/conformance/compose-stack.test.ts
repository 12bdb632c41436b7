/**
 * The generated compose stack (out/<site>/compose/docker-compose.yml with its .env), loaded by
 * Docker Compose's own loader (compose-go v2 `cli`/`loader`, what `docker compose config` runs,
 * built into test/conformance/readers), with nothing from the process environment: the project
 * has exactly the enabled services, every container's environment is that service's Helm `env`
 * plus its secrets (hostnames aside), every `${VAR}` resolves, and the start order is the
 * reference's (§5).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SiteModel } from '../../src/model/site-model.js';
import { compileInto, HOSTILE_SITE, removeTemps, revealInto, ROOT, temp } from '../helpers/cli.js';
import { intendedDotenv, realSiteModel, siteModel } from '../helpers/sites.js';
import { runTool, toolPath } from '../helpers/tools.js';

interface ComposeService {
  image: string;
  command?: string[];
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: { source: string; target: string }[];
  ports?: { host_ip: string; published: string; target: number }[];
}

interface Project {
  name: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

function load(dir: string): Project {
  const r = runTool('readers', ['compose', join(dir, 'compose/.env'), join(dir, 'compose/docker-compose.yml')]);
  if (r.code !== 0) throw new Error(`compose could not load the project (${String(r.code)}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Project;
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
  let project: Project;
  beforeAll(() => {
    project = load(dir());
  });

  it('has exactly the enabled services, the bundled database and NATS, each image from the .env', () => {
    const want = model.services.filter((s) => s.enabled).map((s) => s.info.composeService);
    if (model.database.mode === 'bundled') want.push('postgres');
    if (model.events.enabled && model.events.mode === 'bundled') want.push('nats');
    expect(Object.keys(project.services).sort()).toEqual(want.sort());
    expect(project.name).toBe(`chamicore-${model.name}`);
    const dotenv = intendedDotenv(model, reveal);
    for (const s of model.services.filter((x) => x.enabled)) {
      expect(project.services[s.info.composeService]!.image).toBe(`${s.image.registry}/${s.image.repository}:${s.image.tag}`);
      expect(project.services[s.info.composeService]!.image).toBe(dotenv.get(`CHAMICORE_${s.info.token}_IMAGE`));
    }
  });

  it("gives each container exactly its service's Helm env plus its secrets (hostnames aside), and nobody else's", () => {
    const values = parse(readFileSync(join(dir(), 'helm/values.yaml'), 'utf8')) as Record<
      string,
      { env?: Record<string, string>; secretEnv?: Record<string, { existingSecret: string; key: string }> }
    >;
    const dotenv = intendedDotenv(model, reveal);
    for (const s of model.services.filter((x) => x.enabled)) {
      const helm = values[s.info.chart]!;
      const env = project.services[s.info.composeService]!.environment ?? {};
      expect(Object.keys(env).sort(), s.id).toEqual([...Object.keys(helm.env ?? {}), ...Object.keys(helm.secretEnv ?? {})].sort());
      for (const [name, value] of Object.entries(helm.env ?? {})) expect(env[name], `${s.id} ${name}`).toBe(composeHosts(value));
      for (const name of Object.keys(helm.secretEnv ?? {})) expect(env[name], `${s.id} ${name}`).toBe(dotenv.get(name));
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

  it('runs PostgreSQL with a pg_isready healthcheck and a volume, NATS with JetStream, a token and a volume', () => {
    const pg = project.services['postgres'];
    if (pg !== undefined) {
      expect(pg.healthcheck?.test.join(' ')).toContain('pg_isready');
      expect(pg.volumes?.map((v) => v.target)).toEqual(['/var/lib/postgresql/data']);
      expect(pg.environment?.['POSTGRES_PASSWORD']).toBe(intendedDotenv(model, reveal).get('POSTGRES_PASSWORD'));
    }
    const nats = project.services['nats'];
    if (nats !== undefined) {
      expect(nats.command).toContain('--jetstream');
      expect(nats.command).toContain(`--auth=${intendedDotenv(model, reveal).get('NATS_TOKEN') ?? ''}`);
      expect(nats.volumes?.map((v) => v.target)).toEqual(['/data']);
    }
  });
});

describe('compose stack: failures', () => {
  it('refuses to load without the .env (every ${VAR} must resolve)', () => {
    const out = compileInto(['sites/dev.yaml']);
    const empty = join(temp(), 'empty.env');
    writeFileSync(empty, '');
    const r = runTool('readers', ['compose', empty, join(out, 'dev/compose/docker-compose.yml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not in the .env');
  });
});
