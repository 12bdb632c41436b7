import { OTEL_COLLECTOR_HOST } from './catalog.js';
import type { SiteModel } from './site-model.js';

/** Which third-party containers the compose stack runs. */
export function composeBundled(model: SiteModel): { postgres: boolean; nats: boolean; otelCollector: boolean } {
  return {
    postgres: model.database.mode === 'bundled',
    nats: model.events.enabled && model.events.mode === 'bundled',
    otelCollector: otlpHost(model.otlpEndpoint) === OTEL_COLLECTOR_HOST,
  };
}

/** The host of an OTLP endpoint URL (`http://otel-collector:4317` → `otel-collector`). */
function otlpHost(endpoint: string | undefined): string | undefined {
  if (endpoint === undefined) return undefined;
  return /^[a-z]+:\/\/([^/:?#]+)/i.exec(endpoint)?.[1]?.toLowerCase();
}
