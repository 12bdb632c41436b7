import { OTEL_COLLECTOR_HOST } from './catalog.js';
import { hostOf } from './hosts.js';
import type { SiteModel } from './site-model.js';

/** Which third-party containers the compose stack runs. */
export function composeBundled(model: SiteModel): { postgres: boolean; nats: boolean; otelCollector: boolean } {
  return {
    postgres: model.database.mode === 'bundled',
    nats: model.events.enabled && model.events.mode === 'bundled',
    otelCollector: model.otlpEndpoint !== undefined && hostOf(model.otlpEndpoint) === OTEL_COLLECTOR_HOST,
  };
}
