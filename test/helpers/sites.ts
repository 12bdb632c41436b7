/** Site files checked in-process, and the values a `--reveal` run means to write, for tests that compare outputs with them. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeEnvFiles } from '../../src/emit/compose-env.js';
import type { SiteModel } from '../../src/model/site-model.js';
import { resolveSecrets, type SecretInputs } from '../../src/secrets/resolve.js';
import { revealSecret } from '../../src/secrets/reveal.js';
import { REVEAL_ENV, REVEAL_FILES, ROOT, TEST_KEY } from './cli.js';
import { checkText } from './site.js';

/** Names of the site files in sites/, sorted. */
export const SITE_NAMES: readonly string[] = readdirSync(join(ROOT, 'sites'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.slice(0, -'.yaml'.length))
  .sort();

/** The model of a site file (fails the test if the site does not check). */
export function siteModel(file: string, name: string): SiteModel {
  const checked = checkText(readFileSync(file, 'utf8'), name);
  if (checked.model === undefined) throw new Error(`${file} does not check: ${JSON.stringify(checked.diagnostics)}`);
  return checked.model;
}

export function realSiteModel(name: string): SiteModel {
  return siteModel(join(ROOT, 'sites', `${name}.yaml`), name);
}

/** The inputs a `--reveal` run of `revealInto` reads, for computing the intended values in-process. */
export function revealInputs(): SecretInputs {
  return {
    siteKey: Buffer.from(TEST_KEY, 'utf8'),
    siteKeySource: 'CHAMICORE_SITE_KEY',
    env: new Map(Object.entries(REVEAL_ENV)),
    files: new Map(Object.entries(REVEAL_FILES).map(([k, v]) => [k, { kind: 'ok', value: v } as const])),
    secretsDir: '/secrets',
  };
}

/**
 * Every compose environment file of a site (by path relative to out/<site>/) with each variable and
 * the exact string the compiler means it to hold.
 */
export function intendedEnvFiles(
  model: SiteModel,
  reveal: boolean,
  inputs: SecretInputs = revealInputs(),
): Map<string, Map<string, string>> {
  const { values, diagnostics } = resolveSecrets(model, reveal, reveal ? inputs : undefined, model.source);
  if (diagnostics.some((d) => d.severity === 'error')) throw new Error(`secrets do not resolve: ${JSON.stringify(diagnostics)}`);
  return new Map(composeEnvFiles(model, values).map((f) => [f.path, new Map(f.variables.map((v) => [v.name, v.value] as const))]));
}

/** The exact value the compiler means a site's NATS token (compose/nats.conf) to hold. */
export function intendedNatsToken(model: SiteModel, reveal: boolean, inputs: SecretInputs = revealInputs()): string {
  const { values } = resolveSecrets(model, reveal, reveal ? inputs : undefined, model.source);
  const token = values.get('nats-token');
  if (token === undefined) throw new Error('the site has no nats-token');
  return revealSecret(token);
}

/** Every named secret of a site and the value a `--reveal` run with `inputs` gives it. */
export function revealedSecrets(model: SiteModel, inputs: SecretInputs = revealInputs()): Map<string, string> {
  const { values, diagnostics } = resolveSecrets(model, true, inputs, model.source);
  if (diagnostics.some((d) => d.severity === 'error')) throw new Error(`secrets do not resolve: ${JSON.stringify(diagnostics)}`);
  return new Map([...values].map(([name, v]) => [name, revealSecret(v)]));
}
