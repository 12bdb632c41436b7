/** The bill of materials (issue 21): what a site pulls, what to mirror first, and the air-gap rule. */
import { describe, expect, it } from 'vitest';
import { diffSite } from '../../src/diff/site-diff.js';
import { billOfMaterials } from '../../src/model/bom.js';
import { checkData, codes, minimalSite } from '../helpers/site.js';
import { realSiteModel } from '../helpers/sites.js';

const airgapped = (more: Record<string, unknown> = {}) =>
  minimalSite({
    images: { registry: 'mirror.x.cscs.ch/openchami', mirror: 'mirror.x.cscs.ch/dockerhub' },
    release: { version: '1.4.2', chartRepository: 'oci://mirror.x.cscs.ch/charts' },
    events: { enabled: true },
    ...more,
  });

describe('bill of materials', () => {
  it('eiger, air-gapped, pulls nothing from the internet: every chart and image from its mirror, with its source', () => {
    const bom = billOfMaterials(realSiteModel('eiger'));
    for (const c of bom.charts) expect(c.repository, c.name).toBe('oci://mirror.eiger.cscs.ch/openchami/charts');
    for (const i of bom.images) expect(i.image, i.image).toMatch(/^mirror\.eiger\.cscs\.ch:5000\//);
    expect(bom.charts.find((c) => c.name === 'nats')).toEqual({
      name: 'nats',
      version: '1.3.7',
      repository: 'oci://mirror.eiger.cscs.ch/openchami/charts',
      source: 'https://nats-io.github.io/k8s/helm/charts/ nats 1.3.7',
    });
    // What to copy first: each artefact once, from its public home to where the site pulls it.
    expect(bom.mirror).toContainEqual({
      kind: 'image',
      from: 'docker.io/library/nats:2.11.4-alpine',
      to: 'mirror.eiger.cscs.ch:5000/dockerhub/library/nats:2.11.4-alpine',
    });
    expect(bom.mirror.filter((m) => m.kind === 'image')).toHaveLength(bom.images.length);
  });

  it('a site on the public registries has nothing to mirror', () => {
    const bom = billOfMaterials(realSiteModel('alps'));
    expect(bom.mirror).toEqual([]);
    expect(bom.images.every((i) => i.source === undefined)).toBe(true);
    expect(bom.charts.map((c) => c.name)).toContain('postgresql');
  });

  it('a compose stack lists the images compose pulls, shared ones used by both', () => {
    const bom = billOfMaterials(realSiteModel('dev'));
    expect(bom.images.find((i) => i.image === 'docker.io/library/postgres:17.6-alpine')?.usedBy).toEqual(['compose']);
    expect(bom.images.find((i) => i.image === 'docker.io/library/nats:2.11.4-alpine')?.usedBy).toEqual(['helm', 'compose']);
  });

  it('diff shows a change of what a site pulls', () => {
    const before = checkData(minimalSite()).model!;
    const after = checkData(minimalSite({ release: { version: '1.4.3' } })).model!;
    const bom = diffSite('mini', before, after).files.find((f) => f.file === 'bom.yaml');
    expect(bom?.changes.map((c) => c.path)).toContain('images[registry.cscs.ch/openchami/chamicore-smd:v1.4.2]');
  });
});

describe('airgap-egress', () => {
  it('accepts an air-gapped site whose every chart and image comes from its own hosts', () => {
    expect(codes(checkData(airgapped()))).toEqual([]);
  });

  it('refuses a chart repository or an image on the internet', () => {
    const nats = checkData(
      airgapped({
        release: {
          version: '1.4.2',
          chartRepository: 'oci://mirror.x.cscs.ch/charts',
          natsChart: { repository: 'https://nats-io.github.io/k8s/helm/charts/' },
        },
      }),
    );
    expect(codes(nats)).toEqual(['airgap-egress']);
    expect(nats.diagnostics[0]!.message).toBe(
      'chart nats 1.3.7 would come from https://nats-io.github.io/k8s/helm/charts/, on the internet, though the site is air-gapped',
    );
    const image = checkData(airgapped({ events: { enabled: true, nats: { image: { registry: 'docker.io' } } } }));
    expect(codes(image)).toEqual(['airgap-egress']);
    const chamicore = checkData(airgapped({ images: { registry: 'ghcr.io/openchami', mirror: 'mirror.x.cscs.ch/dockerhub' } }));
    expect(codes(chamicore).every((c) => c === 'airgap-egress')).toBe(true);
    expect(codes(chamicore).length).toBeGreaterThanOrEqual(5);
  });
});

describe('digests', () => {
  const digest = (c: string): string => `sha256:${c.repeat(64)}`;

  it('pins a service, the database and NATS by content: charts, compose and bom.yaml run <image>@<digest>', () => {
    const c = checkData(
      minimalSite({
        site: { name: 'mini', environment: 'development', domain: 'mini.localhost' },
        services: { 'kea-sync': { enabled: false }, smd: { image: { digest: digest('a') } } },
        database: { image: { digest: digest('b') } },
        events: { enabled: true, nats: { image: { digest: digest('c') } } },
        targets: ['helm', 'compose'],
      }),
    );
    expect(codes(c)).toEqual([]);
    const bom = billOfMaterials(c.model!);
    const smd = bom.images.find((i) => i.repository === 'chamicore-smd')!;
    expect(smd).toMatchObject({ image: `registry.cscs.ch/openchami/chamicore-smd@${digest('a')}`, tag: 'v1.4.2', digest: digest('a') });
    expect(smd.usedBy).toEqual(['helm', 'compose']);
    expect(bom.images.find((i) => i.repository === 'bitnamilegacy/postgresql')?.image).toBe(
      `docker.io/bitnamilegacy/postgresql@${digest('b')}`,
    );
    expect(bom.images.find((i) => i.repository === 'library/nats' && i.usedBy.includes('helm'))?.image).toBe(
      `docker.io/library/nats@${digest('c')}`,
    );
  });

  it('refuses a digest that is not sha256 and 64 hex digits, and a digest in a tag', () => {
    expect(
      codes(checkData(minimalSite({ services: { 'kea-sync': { enabled: false }, smd: { image: { digest: 'sha256:abc' } } } }))),
    ).toEqual(['schema-pattern']);
    expect(
      codes(checkData(minimalSite({ services: { 'kea-sync': { enabled: false }, smd: { image: { tag: `v1@${digest('a')}` } } } }))),
    ).toEqual(['schema-pattern']);
  });

  it('images.requireDigests refuses every image the site runs without one, naming the key to set', () => {
    const c = checkData(
      minimalSite({
        images: { requireDigests: true },
        services: { 'kea-sync': { enabled: false }, smd: { image: { digest: digest('a') } } },
      }),
    );
    const messages = c.diagnostics.filter((d) => d.code === 'image-digest-required').map((d) => d.message);
    expect(messages).toContain('chamicore-auth:v1.4.2 is not pinned by digest (set services.auth.image.digest)');
    expect(messages).toContain('bitnamilegacy/postgresql:17.6.0-debian-12-r4 is not pinned by digest (set database.image.digest)');
    expect(messages.some((m) => m.includes('chamicore-smd'))).toBe(false);
    expect(messages).toHaveLength(5);
  });
});
