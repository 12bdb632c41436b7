import { DEV_INTERNAL_TOKEN, DEVELOPMENT_SITE_KEY } from '../model/catalog.js';
import type { SiteModel } from '../model/site-model.js';
import { error, type Diagnostic } from '../report/diagnostic.js';
import { deriveSecret } from './derive.js';
import { REDACTED, SecretValue } from './secret-value.js';

/** What a secret file read at the edge turned out to be. */
export type SecretFile =
  | { readonly kind: 'ok'; readonly value: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'outside' }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Everything reveal mode reads from outside the site file, gathered by the CLI. */
export interface SecretInputs {
  readonly siteKey: Uint8Array | undefined;
  /** Where the key came from, for messages. */
  readonly siteKeySource: string;
  readonly env: ReadonlyMap<string, string>;
  readonly files: ReadonlyMap<string, SecretFile>;
  readonly secretsDir: string | undefined;
}

export const MIN_SITE_KEY_BYTES = 32;

/** The environment variables and files a reveal of this site reads. */
export function secretInputsNeeded(model: SiteModel): { env: string[]; files: string[]; needsKey: boolean } {
  const env: string[] = [];
  const files: string[] = [];
  let needsKey = false;
  for (const s of model.secrets) {
    if (s.source.kind === 'env') env.push(s.source.variable);
    if (s.source.kind === 'file') files.push(s.source.file);
    if (s.source.kind === 'generate') needsKey = true;
  }
  return { env, files, needsKey };
}

/**
 * Resolves every named secret of a site. Redacted: placeholders for generate, fromEnv and
 * fromFile (literal development values are kept, and a development site's generated secrets derive
 * from the public development key unless a site key is given). Reveal: real values, with a diagnostic
 * naming the secret (never its value) for anything missing.
 */
export function resolveSecrets(
  model: SiteModel,
  reveal: boolean,
  inputs: SecretInputs | undefined,
  file: string,
): { values: Map<string, SecretValue>; diagnostics: Diagnostic[] } {
  const values = new Map<string, SecretValue>();
  const diagnostics: Diagnostic[] = [];
  const needKey: string[] = [];
  for (const s of model.secrets) {
    const path = s.declared ? ['secrets', s.name] : ['secrets'];
    const src = s.source;
    if (src.kind === 'value') {
      values.set(s.name, new SecretValue(src.value));
      continue;
    }
    // A development site without a site key: generated secrets from the public development key, so
    // the committed compose stack runs as it is (the values are public, like literal development values).
    if (src.kind === 'generate' && model.environment === 'development' && inputs?.siteKey === undefined) {
      values.set(
        s.name,
        new SecretValue(deriveSecret(Buffer.from(DEVELOPMENT_SITE_KEY, 'utf8'), model.name, s.name, s.rotation, src.spec)),
      );
      continue;
    }
    if (!reveal || inputs === undefined) {
      values.set(s.name, new SecretValue(REDACTED));
      continue;
    }
    let value: string | undefined;
    switch (src.kind) {
      case 'generate':
        if (inputs.siteKey === undefined) {
          needKey.push(s.name);
        } else if (inputs.siteKey.length < MIN_SITE_KEY_BYTES) {
          if (!diagnostics.some((d) => d.code === 'secret-key-weak')) {
            diagnostics.push(
              error(
                'secret-key-weak',
                file,
                ['secrets'],
                `the site key from ${inputs.siteKeySource} is shorter than ${MIN_SITE_KEY_BYTES} bytes`,
              ),
            );
          }
        } else {
          value = deriveSecret(inputs.siteKey, model.name, s.name, s.rotation, src.spec);
        }
        break;
      case 'env':
        value = inputs.env.get(src.variable);
        if (value === undefined || value === '') {
          value = undefined;
          diagnostics.push(
            error(
              'secret-env-missing',
              file,
              [...path, 'fromEnv'],
              `secret "${s.name}" reads environment variable ${src.variable}, which is not set or empty`,
            ),
          );
        }
        break;
      case 'file': {
        const f = inputs.files.get(src.file) ?? { kind: 'missing' };
        // Problems with the file point at the line that names it.
        const at = [...path, 'fromFile'];
        if (inputs.secretsDir === undefined) {
          diagnostics.push(
            error('secret-file-missing', file, at, `secret "${s.name}" reads file ${src.file}, but no --secrets-dir was given`),
          );
        } else if (f.kind === 'ok') {
          value = f.value;
        } else if (f.kind === 'outside') {
          diagnostics.push(error('secret-file-outside', file, at, `secret "${s.name}": ${src.file} resolves outside the secrets folder`));
        } else if (f.kind === 'invalid') {
          diagnostics.push(error('secret-value-invalid', file, at, `secret "${s.name}": ${src.file} ${f.reason}`));
        } else {
          diagnostics.push(
            error('secret-file-missing', file, at, `secret "${s.name}" reads ${src.file}, which is not a file in the secrets folder`),
          );
        }
        break;
      }
    }
    if (value === undefined) continue;
    const problem = checkValue(value);
    if (problem !== undefined) {
      diagnostics.push(error('secret-value-invalid', file, path, `secret "${s.name}" ${problem}`));
      continue;
    }
    if (value === DEV_INTERNAL_TOKEN && model.environment !== 'development') {
      diagnostics.push(
        error('secret-dev-token', file, path, `secret "${s.name}" holds the public development token; it is refused outside development`),
      );
      continue;
    }
    values.set(s.name, new SecretValue(value));
  }
  if (needKey.length > 0) {
    diagnostics.push(
      error('secret-key-missing', file, ['secrets'], `no site key was given; the generated secrets ${needKey.join(', ')} need one`, {
        hint: 'set CHAMICORE_SITE_KEY or pass --site-key-file',
      }),
    );
  }
  return { values, diagnostics };
}

/** Why a value cannot be written to an environment variable, if it cannot. */
function checkValue(value: string): string | undefined {
  if (value.includes('\0')) return 'contains a NUL character, which no environment variable can hold';
  if (!value.isWellFormed()) return 'is not well-formed Unicode';
  return undefined;
}
