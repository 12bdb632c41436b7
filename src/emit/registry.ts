import { bomEmitter } from './bom.js';
import { chartEmitter } from './chart.js';
import { ingressEmitter } from './ingress.js';
import { natsNetworkPolicyEmitter } from './nats-network-policy.js';
import { composeEnvEmitter } from './compose-env.js';
import { composeEnvExampleEmitter } from './compose-env-example.js';
import { composeDevEmitter } from './compose-dev.js';
import { composeFileEmitter } from './compose-file.js';
import { composeNatsEmitter } from './compose-nats.js';
import type { EmitInput, Emitter, OutputFile } from './output.js';
import { secretsEmitter } from './secrets.js';
import { valuesEmitter } from './values.js';
import { compareStrings } from '../util/compare.js';

/**
 * Every output kind, one emitter each, keyed by its kind: adding an output kind is one emitter file
 * (plus its template) and one entry here; OutputKind follows from this registry.
 */
export const EMITTERS = {
  chart: chartEmitter,
  values: valuesEmitter,
  ingress: ingressEmitter,
  'nats-network-policy': natsNetworkPolicyEmitter,
  secrets: secretsEmitter,
  'compose-env': composeEnvEmitter,
  'compose-env-example': composeEnvExampleEmitter,
  'compose-nats': composeNatsEmitter,
  'compose-file': composeFileEmitter,
  'compose-dev': composeDevEmitter,
  bom: bomEmitter,
} as const satisfies Readonly<Record<string, Emitter>>;

export type OutputKind = keyof typeof EMITTERS;

/** Runs every emitter that applies to the site (or only those of `kinds`); files sorted by path. */
export function emitSite(input: EmitInput, kinds?: readonly OutputKind[]): OutputFile[] {
  return Object.entries(EMITTERS)
    .filter(([kind]) => kinds === undefined || kinds.includes(kind as OutputKind))
    .map(([, e]) => e)
    .filter((e: Emitter) => e.applies(input.model))
    .flatMap((e) => e.emit(input))
    .sort((a, b) => compareStrings(a.path, b.path));
}
