import { chartEmitter } from './chart.js';
import { ingressEmitter } from './ingress.js';
import { composeEnvEmitter } from './compose-env.js';
import { composeFileEmitter } from './compose-file.js';
import type { EmitInput, Emitter, OutputFile } from './output.js';
import { secretsEmitter } from './secrets.js';
import { valuesEmitter } from './values.js';
import { compareStrings } from '../report/diagnostic.js';

/** Every output kind, one emitter each. */
export const EMITTERS: readonly Emitter[] = [
  chartEmitter,
  valuesEmitter,
  ingressEmitter,
  secretsEmitter,
  composeEnvEmitter,
  composeFileEmitter,
];

/** Runs every emitter that applies to the site; files sorted by path. */
export function emitSite(input: EmitInput): OutputFile[] {
  return EMITTERS.filter((e) => e.applies(input.model))
    .flatMap((e) => e.emit(input))
    .sort((a, b) => compareStrings(a.path, b.path));
}
