import { emitCheckedSite } from '../../src/emit-site.js';
import type { OutputFile } from '../../src/emit/output.js';
import type { SiteModel } from '../../src/model/site-model.js';
import type { SecretInputs } from '../../src/secrets/resolve.js';
import { TEST_KEY } from '../helpers/cli.js';
import { revealedSecrets } from '../helpers/sites.js';

/** What a `--reveal` run of a generated site reads: the test key and the OIDC client secret. */
export const PROPERTY_INPUTS: SecretInputs = {
  siteKey: Buffer.from(TEST_KEY, 'utf8'),
  siteKeySource: 'CHAMICORE_SITE_KEY',
  env: new Map(['KC', 'AZURE', 'GITHUB'].map((p) => [`OIDC_${p}_SECRET`, `oidc-${p.toLowerCase()}-secret-from-env-7f3a9c`])),
  files: new Map(
    ['ui-session-key', 'oidc-kc', 'oidc-azure', 'oidc-github'].map((f) => [f, { kind: 'ok', value: `${f}-from-file-51c0de` }] as const),
  ),
  secretsDir: '/secrets',
};

/** Every output file of a site, redacted or revealed with PROPERTY_INPUTS. */
export function emit(model: SiteModel, reveal: boolean): OutputFile[] {
  const { files, diagnostics } = emitCheckedSite(model, model.source, reveal, reveal ? PROPERTY_INPUTS : undefined);
  if (files === undefined) throw new Error(`emit failed: ${JSON.stringify(diagnostics)}`);
  return files;
}

/** The revealed value of every named secret of a site. */
export function secretValues(model: SiteModel): string[] {
  return [...revealedSecrets(model, PROPERTY_INPUTS).values()];
}
