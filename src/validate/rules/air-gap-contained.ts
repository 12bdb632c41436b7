import { billOfMaterials } from '../../model/bom.js';
import type { Diagnostic } from '../../report/diagnostic.js';
import { defineRule } from './rule.js';

/** The public homes of what the compiler pins: registries and chart repositories on the internet. */
const PUBLIC = /(^|\.)(docker\.io|docker\.com|ghcr\.io|quay\.io|gcr\.io|registry\.k8s\.io|github\.io|githubusercontent\.com|bitnami\.com)$/;

/** The host of an image registry (`host[:port]/path`) or a chart repository URL (`oci://host/path`, `https://host/`). */
export function hostOf(location: string): string {
  const rest = location.replace(/^[a-z]+:\/\//, '');
  return (rest.split('/')[0] ?? '').replace(/:\d+$/, '').toLowerCase();
}

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
    const out: Diagnostic[] = [];
    for (const c of bom.charts)
      if (PUBLIC.test(hostOf(c.repository)))
        out.push(
          error(
            'airgap-egress',
            file,
            ['images', 'mirror'],
            `chart ${c.name} ${c.version} would come from ${c.repository}, on the internet, though the site is air-gapped`,
            {
              hint: `push it to the site's chart repository (bom.yaml, mirror) and remove the release.${c.name === 'postgresql' ? 'postgresqlChart.repository' : c.name === 'nats' ? 'natsChart.repository' : 'chartRepository'} that points outside`,
            },
          ),
        );
    for (const i of bom.images)
      if (PUBLIC.test(hostOf(i.registry)))
        out.push(
          error(
            'airgap-egress',
            file,
            ['images', 'mirror'],
            `image ${i.image} would be pulled from ${hostOf(i.registry)}, on the internet, though the site is air-gapped`,
            {
              hint: 'pull it through the mirror: remove the image registry that points outside (images.registry, a service, database or events.nats image)',
            },
          ),
        );
    return out;
  },
);
