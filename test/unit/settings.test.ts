/** Settings that do nothing, and production sites that cannot work as written, are warnings (issue 20). */
import { describe, expect, it } from 'vitest';
import { formatPath } from '../../src/report/diagnostic.js';
import { checkData, minimalSite } from '../helpers/site.js';

/** The warnings of a site with `overrides`, as `code at path`. */
function warnings(overrides: Record<string, unknown>): string[] {
  return checkData(minimalSite(overrides))
    .diagnostics.filter((d) => d.severity === 'warning')
    .map((d) => `${d.code} at ${formatPath(d.path)}`);
}

const ingress = { ingress: { host: 'chamicore.mini.example.com', tls: { certManagerIssuer: 'x' } } };
const production = (more: Record<string, unknown> = {}) => ({
  site: { name: 'mini', environment: 'production', domain: 'mini.cscs.ch' },
  kubernetes: { ingress: { host: 'chamicore.mini.cscs.ch', tls: { certManagerIssuer: 'x' } } },
  services: {
    ...Object.fromEntries(['auth', 'smd', 'bss', 'cloud-init', 'ui'].map((s) => [s, { replicas: 2 }])),
    'kea-sync': { enabled: false },
  },
  ...more,
});

describe('settings that change no output', () => {
  it('a mirror no image goes through', () => {
    expect(warnings({ images: { mirror: 'm.example.org/dh' }, database: { mode: 'external', host: 'db.x' } })).toEqual([
      'setting-ineffective at images.mirror',
    ]);
    // Used by the bundled database, or by bundled NATS.
    expect(warnings({ images: { mirror: 'm.example.org/dh' } })).toEqual([]);
    expect(
      warnings({ images: { mirror: 'm.example.org/dh' }, database: { mode: 'external', host: 'db.x' }, events: { enabled: true } }),
    ).toEqual([]);
  });

  it('compose overrides without the compose target, or for a service that is off', () => {
    const dev = { source: '../src', services: { smd: { main: './cmd/smd' }, power: { main: './cmd/power' } } };
    expect(warnings({ compose: { dev } })).toEqual(['setting-ineffective at compose']);
    expect(
      warnings({ site: { name: 'mini', environment: 'development', domain: 'mini.localhost' }, targets: ['compose'], compose: { dev } }),
    ).toEqual(['setting-ineffective at compose.dev.services.power']);
  });

  it('persistence of an external database, NATS settings with events off', () => {
    expect(warnings({ database: { mode: 'external', host: 'db.x', persistence: { size: '20Gi' } } })).toEqual([
      'setting-ineffective at database.persistence',
    ]);
    expect(warnings({ events: { enabled: false, nats: { replicas: 3 } } })).toEqual(['setting-ineffective at events.nats']);
    expect(warnings({ events: { enabled: true, nats: { replicas: 3 } } })).toEqual([]);
  });
});

describe('production sites that cannot work as written', () => {
  it('the placeholder domain of init, or any domain reserved for examples', () => {
    expect(warnings(production())).toEqual([]);
    expect(
      warnings(production({ site: { name: 'mini', environment: 'production', domain: 'mini.example.com' }, kubernetes: ingress })),
    ).toEqual(['prod-placeholder-domain at site.domain', 'prod-placeholder-domain at kubernetes.ingress.host']);
    for (const domain of ['cluster.test', 'x.invalid', 'a.localhost', 'example.org'])
      expect(
        warnings(
          production({
            site: { name: 'mini', environment: 'production', domain },
            kubernetes: { ingress: { host: `chamicore.${domain}`, tls: { certManagerIssuer: 'x' } } },
          }),
        ),
      ).toContain('prod-placeholder-domain at site.domain');
    // Staging may live anywhere.
    expect(warnings({ site: { name: 'mini', environment: 'staging', domain: 'mini.example.org' } })).toEqual([]);
  });

  it('no ingress at all on Helm', () => {
    const site = production();
    delete (site as Record<string, unknown>)['kubernetes'];
    expect(warnings(site)).toEqual(['prod-no-ingress at kubernetes']);
    expect(warnings(production({ kubernetes: { ingress: { enabled: false, host: 'chamicore.mini.cscs.ch' } } }))).toEqual([
      'prod-no-ingress at kubernetes.ingress.enabled',
    ]);
  });

  it('a fromFile secret the deploy job can never supply', () => {
    expect(warnings({ secrets: { 'ui-session-key': { fromFile: 'UI_Session.key' } } })).toEqual([
      'secret-file-undeliverable at secrets.ui-session-key.fromFile',
    ]);
    expect(warnings({ secrets: { 'ui-session-key': { fromFile: 'ui-session-key' } } })).toEqual([]);
  });
});
