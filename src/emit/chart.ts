import { serviceChart } from '../model/catalog.js';
import type { YamlValue } from './safe-yaml.js';
import { headerLines } from './header.js';
import { renderYamlFile, type Emitter } from './output.js';

/**
 * `helm/Chart.yaml`: the site's umbrella chart, one pinned dependency per switchable subchart. The
 * chamicore charts are pinned at their own versions (charts/<name>/Chart.yaml, generated into
 * src/generated/service-charts.ts); `release.version` chooses the image tags.
 */
export const chartEmitter: Emitter = {
  kind: 'chart',
  applies: (model) => model.targets.helm,
  emit: ({ model }) => {
    const dependencies: YamlValue[] = model.services.map((s) => ({
      name: s.info.chart,
      version: serviceChart(s.info.chart).version,
      repository: model.release.chartRepository,
      condition: `${s.info.chart}.enabled`,
    }));
    if (model.database.mode === 'bundled') {
      dependencies.push({
        name: 'postgresql',
        version: model.release.postgresqlChart.version,
        repository: model.release.postgresqlChart.repository,
        condition: 'postgresql.enabled',
      });
    }
    if (model.events.enabled && model.events.mode === 'bundled') {
      dependencies.push({
        name: 'nats',
        version: model.release.natsChart.version,
        repository: model.release.natsChart.repository,
        condition: 'nats.enabled',
      });
    }
    const chart: YamlValue = {
      apiVersion: 'v2',
      // The ADR's umbrella chart: one `chamicore` chart; the site lives in the values, the
      // release and the namespace.
      name: 'chamicore',
      description: model.description ?? `Chamicore for site ${model.name} (${model.environment})`,
      type: 'application',
      version: model.release.version,
      appVersion: model.release.version,
      kubeVersion: `>= ${model.kubernetesVersion}-0`,
      dependencies,
    };
    return [renderYamlFile('helm/Chart.yaml', headerLines(model), chart)];
  },
};
