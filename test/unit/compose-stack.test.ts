/**
 * The development stack as the site says (issue 22): compose.profiles, compose.dev on development
 * sites only, Delve ports that collide, and compose/.env.example.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatPath } from '../../src/report/diagnostic.js';
import { diffSite } from '../../src/diff/site-diff.js';
import { checkData, compileData, minimalSite } from '../helpers/site.js';

const development = (more: Record<string, unknown> = {}) =>
  minimalSite({
    site: { name: 'mini', environment: 'development', domain: 'mini.localhost' },
    services: { 'kea-sync': { enabled: false }, discovery: { enabled: true }, power: { enabled: true }, mcp: { enabled: true } },
    events: { enabled: true },
    targets: ['compose'],
    ...more,
  });

/** Every diagnostic, as `severity code at path`. */
function findings(data: Record<string, unknown>): string[] {
  return checkData(data).diagnostics.map((d) => `${d.severity} ${d.code} at ${formatPath(d.path)}`);
}

function composeOf(data: Record<string, unknown>): { services: Record<string, Record<string, unknown>> } {
  const file = compileData(data).find((f) => f.path === 'compose/docker-compose.yml')!;
  return parse(file.contents) as { services: Record<string, Record<string, unknown>> };
}

describe('compose.profiles', () => {
  it('puts an optional container in its profile; NATS in a profile is no longer required by anyone', () => {
    const compose = composeOf(development({ compose: { profiles: { mcp: 'tools', nats: 'events' } } }));
    expect(compose.services['mcp']!['profiles']).toEqual(['tools']);
    expect(compose.services['nats']!['profiles']).toEqual(['events']);
    expect(compose.services['auth']!['profiles']).toBeUndefined();
    expect((compose.services['auth']!['depends_on'] as Record<string, unknown>)['nats']).toEqual({
      condition: 'service_started',
      required: false,
    });
    // Without a profile, NATS stays a (start-order) dependency.
    const plain = composeOf(development());
    expect((plain.services['auth']!['depends_on'] as Record<string, unknown>)['nats']).toEqual({ condition: 'service_started' });
  });

  it('refuses a profile on a container that one starting without it needs', () => {
    expect(findings(development({ compose: { profiles: { smd: 'inventory' } } }))).toEqual(
      ['bss', 'cloud-init', 'discovery', 'power', 'ui', 'mcp'].map(() => 'error compose-profile-needed at compose.profiles.smd'),
    );
    const message = checkData(development({ compose: { profiles: { power: 'hardware' } } })).diagnostics.map((d) => d.message);
    expect(message).toEqual([
      'power starts only with profile hardware, but ui needs it and starts without a profile',
      'power starts only with profile hardware, but mcp needs it and starts without a profile',
    ]);
    // The same profile for the container and all that need it is fine, as is one that nothing needs.
    expect(findings(development({ compose: { profiles: { power: 'hardware', ui: 'hardware', mcp: 'hardware' } } }))).toEqual([]);
    expect(findings(development({ compose: { profiles: { mcp: 'tools', 'otel-collector': 'observability' } } }))).toEqual([
      'warning setting-ineffective at compose.profiles.otel-collector',
    ]);
  });

  it('warns about a profile for a container the stack does not run, and refuses names compose refuses', () => {
    expect(findings(development({ events: { enabled: false }, compose: { profiles: { nats: 'x', 'kea-sync': 'y' } } }))).toEqual([
      'warning setting-ineffective at compose.profiles.nats',
      'warning setting-ineffective at compose.profiles.kea-sync',
    ]);
    expect(findings(development({ compose: { profiles: { mcp: 'Tools!' } } }))).toEqual(['error schema-pattern at compose.profiles.mcp']);
    expect(findings(development({ compose: { profiles: { postgres: 'db' } } }))[0]).toMatch(/^error schema-/);
  });
});

describe('compose.dev', () => {
  const dev = { source: '../../../../chamicore', services: { smd: { main: './cmd/chamicore-smd', debug: true } } };

  it('runs a main package inside the service folder: no .. and no hidden folder', () => {
    for (const main of ['./../../../usr/local/go/src/cmd/x', './cmd/../../x', './.git/hooks', `./${'a/'.repeat(20)}`])
      expect(findings(development({ compose: { dev: { ...dev, services: { smd: { main } } } } })), main).toEqual([
        'error schema-pattern at compose.dev.services.smd.main',
      ]);
    expect(findings(development({ compose: { dev: { ...dev, services: { smd: { main: './cmd/chamicore-smd/' } } } } }))).toEqual([]);
  });

  it('is for development sites only', () => {
    expect(findings(minimalSite({ targets: ['compose'], compose: { dev } }))).toEqual([
      'warning compose-outside-dev at targets[0]',
      'error compose-dev-outside-dev at compose.dev',
    ]);
  });

  it("refuses a Delve port that is a published port of the stack, or another service's Delve port", () => {
    expect(findings(development({ compose: { dev: { ...dev, services: { smd: { ...dev.services.smd, debugPort: 3333 } } } } }))).toEqual([
      'error compose-dev-port-conflict at compose.dev.services.smd.debugPort',
    ]);
    const both = development({
      compose: {
        dev: {
          ...dev,
          services: { smd: { main: './a', debug: true, debugPort: 41000 }, bss: { main: './b', debug: true, debugPort: 41000 } },
        },
      },
    });
    expect(findings(both)).toEqual(['error compose-dev-port-conflict at compose.dev.services.bss.debugPort']);
    expect(checkData(both).diagnostics[0]!.message).toBe('Delve of bss would listen on 127.0.0.1:41000, already the debugPort of smd');
    // Without debug: true there is no Delve, so no port to collide.
    expect(findings(development({ compose: { dev: { ...dev, services: { smd: { main: './a', debugPort: 3333 } } } } }))).toEqual([]);
    expect(findings(development({ compose: { dev } }))).toEqual([]);
  });
});

describe('compose/.env.example', () => {
  it("holds the compose CLI's settings that start the whole stack: project, files (with the dev overrides), profiles", () => {
    const example = (data: Record<string, unknown>) => compileData(data).find((f) => f.path === 'compose/.env.example')!.contents;
    const plain = example(development());
    expect(plain.split('\n').filter((l) => !l.startsWith('#') && l !== '')).toEqual([
      'COMPOSE_PROJECT_NAME="chamicore-mini"',
      'COMPOSE_FILE="docker-compose.yml"',
    ]);
    const full = example(
      development({
        compose: {
          profiles: { mcp: 'tools', nats: 'events', 'otel-collector': 'events' },
          dev: { source: '../src', services: { smd: { main: './cmd/smd' } } },
        },
      }),
    );
    expect(full.split('\n').filter((l) => !l.startsWith('#') && l !== '')).toEqual([
      'COMPOSE_PROJECT_NAME="chamicore-mini"',
      'COMPOSE_FILE="docker-compose.yml:docker-compose.dev.yml"',
      'COMPOSE_PROFILES="events,tools"',
    ]);
    expect(full).toContain('then docker compose up --watch starts all of it (every profile).');
    // Only for sites with the compose target.
    expect(compileData(minimalSite()).some((f) => f.path === 'compose/.env.example')).toBe(false);
  });
});

describe('diff of the compose CLI settings', () => {
  it('shows a profile added to compose/.env.example as the variable it changes', () => {
    const before = checkData(development()).model!;
    const after = checkData(development({ compose: { profiles: { mcp: 'tools' } } })).model!;
    const file = diffSite('mini', before, after).files.find((f) => f.file === 'compose/.env.example');
    expect(file?.changes.map((c) => [c.path, c.kind])).toEqual([['COMPOSE_PROFILES', 'added']]);
  });
});
