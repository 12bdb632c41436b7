import { billOfMaterials } from '../../model/bom.js';
import { hostOf } from '../../model/hosts.js';
import type { Diagnostic } from '../../report/diagnostic.js';
import { defineRule } from './rule.js';

/** The public homes of what the compiler pins: registries and chart repositories on the internet. */
const PUBLIC = /(^|\.)(docker\.io|docker\.com|ghcr\.io|quay\.io|gcr\.io|registry\.k8s\.io|github\.io|githubusercontent\.com|bitnami\.com)$/;

/**
 * A site with `images.mirror` is air-gapped: its release and compose stack must pull nothing from the
 * internet. Every chart and image of its bill of materials must come from a host of its own (the
 * mirror, its registry, its chart repository), never from a public one the compiler knows.
 */
export const airGapContained = defineRule(
  {
    'airgap-egress': {
      severity: 'error',
      summary: 'a site with images.mirror (air-gapped) would still pull a chart or an image from the internet',
    },
  },
  ({ model, file }, { error }) => {
    if (model.images.mirror === undefined) return [];
    const bom = billOfMaterials(model);
    const pulled = [
      ...bom.charts.map((c) => ({
        host: hostOf(c.repository),
        what: `chart ${c.name} ${c.version} would come from ${c.repository}`,
        hint: `push it to the site's chart repository (bom.yaml, mirror) and remove the release.${c.name === 'postgresql' ? 'postgresqlChart.repository' : c.name === 'nats' ? 'natsChart.repository' : 'chartRepository'} that points outside`,
      })),
      ...bom.images.map((i) => ({
        host: hostOf(i.registry),
        what: `image ${i.image} would be pulled from ${hostOf(i.registry)}`,
        hint: 'pull it through the mirror: remove the image registry that points outside (images.registry, a service, database or events.nats image)',
      })),
    ];
    const out: Diagnostic[] = pulled
      .filter((p) => PUBLIC.test(p.host))
      .map((p) =>
        error('airgap-egress', file, ['images', 'mirror'], `${p.what}, on the internet, though the site is air-gapped`, { hint: p.hint }),
      );
    return out;
  },
);
