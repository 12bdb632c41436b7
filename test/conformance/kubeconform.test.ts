/**
 * Every Secret manifest of every site, redacted (the committed out/) and revealed (fixed test key),
 * passes the real `kubeconform -strict` for the site's Kubernetes version.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileInto, HOSTILE_SITE, removeTemps, revealInto, ROOT } from '../helpers/cli.js';
import { realSiteModel, siteModel, SITE_NAMES } from '../helpers/sites.js';
import { kubeconform, toolPath } from '../helpers/tools.js';

let revealed = '';
let hostileRedacted = '';
beforeAll(() => {
  toolPath('kubeconform');
  revealed = revealInto(['sites', HOSTILE_SITE]);
  hostileRedacted = compileInto([HOSTILE_SITE]);
});
afterAll(removeTemps);

const cases = [
  ...SITE_NAMES.map((site) => ({
    site,
    model: realSiteModel(site),
    redacted: () => join(ROOT, 'out', site, 'secrets'),
    revealed: () => join(revealed, site, 'secrets'),
  })),
  {
    site: 'hostile',
    model: siteModel(HOSTILE_SITE, 'hostile'),
    redacted: () => join(hostileRedacted, 'hostile/secrets'),
    revealed: () => join(revealed, 'hostile/secrets'),
  },
];

describe.each(cases)('kubeconform -strict: $site', ({ site, model, redacted, revealed: revealedDir }) => {
  it.each([
    ['redacted', redacted],
    ['revealed', revealedDir],
  ])('every Secret is valid: %s', (_label, folder) => {
    const dir = folder();
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBe(model.secretGroups.length);
    const report = kubeconform(model.kubernetesVersion, [dir]);
    expect(report.summary).toEqual({ valid: files.length, invalid: 0, errors: 0, skipped: 0 });
    expect(report.resources.map((r) => [r.kind, r.version, r.name, r.status]).sort()).toEqual(
      model.secretGroups.map((g) => ['Secret', 'v1', `${site}-${g.id}`, 'statusValid']).sort(),
    );
  });
});

describe('kubeconform itself', () => {
  it('rejects a Secret with an unknown field, so the checks above can fail', () => {
    const bad = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\nstringData:\n  a: b\nsurprise: true\n';
    const report = kubeconform('1.30.0', [], bad);
    expect(report.summary).toMatchObject({ valid: 0, invalid: 1 });
  });
});
