import { THIRD_PARTY } from '../../model/catalog.js';
import { type Diagnostic } from '../../report/diagnostic.js';
import { defineRule } from './rule.js';

/**
 * The compiler knows the image tags of the chart versions it pins. A site that pins another
 * version must name the server image's tag itself; values or an image for a chart the site does
 * not deploy are a mistake worth a warning.
 */
export const thirdPartyImagesPinned = defineRule(
  {
    'third-party-image-tag': { severity: 'error', summary: 'a third-party chart pin the compiler does not know must state its image tag' },
    'third-party-unused': { severity: 'warning', summary: 'values or an image are set for a third-party chart the site does not deploy' },
  },
  ({ site, model, file }, { error, warning }) => {
    const out: Diagnostic[] = [];
    const charts = [
      {
        chart: 'postgresql',
        deployed: model.database.mode === 'bundled',
        pinned: model.release.postgresqlChart.version,
        known: THIRD_PARTY.postgresql.chart.version,
        input: site.database,
        at: ['database'],
        pin: ['release', 'postgresqlChart', 'version'],
        unused: 'the bundled database',
      },
      {
        chart: 'nats',
        deployed: model.events.enabled && model.events.mode === 'bundled',
        pinned: model.release.natsChart.version,
        known: THIRD_PARTY.nats.chart.version,
        input: site.events?.nats,
        at: ['events', 'nats'],
        pin: ['release', 'natsChart', 'version'],
        unused: 'bundled events',
      },
    ];
    for (const c of charts) {
      const where = c.at.join('.');
      if (c.deployed && c.pinned !== c.known && c.input?.image?.tag === undefined) {
        out.push(
          error('third-party-image-tag', file, c.pin, `chamicore-compile knows the images of ${c.chart} ${c.known}, not ${c.pinned}`, {
            hint: `set ${where}.image.tag to that chart's server image tag`,
          }),
        );
      }
      if (c.deployed) continue;
      for (const key of ['values', 'image'] as const) {
        if (c.input?.[key] !== undefined) {
          out.push(warning('third-party-unused', file, [...c.at, key], `${where}.${key} applies to ${c.unused} only`, { onKey: true }));
        }
      }
    }
    return out;
  },
);
