import { THIRD_PARTY } from '../../model/catalog.js';
import { error, warning, type Diagnostic } from '../../report/diagnostic.js';
import type { Rule } from './rule.js';

/**
 * The compiler knows the image tags of the chart versions it pins. A site that pins another
 * version must name the server image's tag itself; values for a chart the site does not deploy
 * are a mistake worth a warning.
 */
export const thirdPartyImagesPinned: Rule = ({ site, model, file }) => {
  const out: Diagnostic[] = [];
  if (
    model.database.mode === 'bundled' &&
    model.release.postgresqlChart.version !== THIRD_PARTY.postgresql.chart.version &&
    site.database?.image?.tag === undefined
  ) {
    out.push(
      error(
        'third-party-image-tag',
        file,
        ['release', 'postgresqlChart', 'version'],
        `chamicore-compile knows the images of postgresql ${THIRD_PARTY.postgresql.chart.version}, not ${model.release.postgresqlChart.version}`,
        {
          hint: "set database.image.tag to that chart's PostgreSQL image tag",
        },
      ),
    );
  }
  const natsBundled = model.events.enabled && model.events.mode === 'bundled';
  if (natsBundled && model.release.natsChart.version !== THIRD_PARTY.nats.chart.version && site.events?.nats?.image?.tag === undefined) {
    out.push(
      error(
        'third-party-image-tag',
        file,
        ['release', 'natsChart', 'version'],
        `chamicore-compile knows the images of nats ${THIRD_PARTY.nats.chart.version}, not ${model.release.natsChart.version}`,
        {
          hint: "set events.nats.image.tag to that chart's NATS server image tag",
        },
      ),
    );
  }
  if (model.database.mode !== 'bundled') {
    for (const key of ['values', 'image'] as const) {
      if (site.database?.[key] !== undefined)
        out.push(
          warning('third-party-unused', file, ['database', key], `database.${key} applies to the bundled database only`, { onKey: true }),
        );
    }
  }
  if (!natsBundled) {
    for (const key of ['values', 'image'] as const) {
      if (site.events?.nats?.[key] !== undefined)
        out.push(
          warning('third-party-unused', file, ['events', 'nats', key], `events.nats.${key} applies to bundled events only`, {
            onKey: true,
          }),
        );
    }
  }
  return out;
};
