import type { SiteModel } from '../model/site-model.js';
import type { SecretValue } from '../secrets/secret-value.js';
import { renderTemplate } from './templates.js';
import { fastWritten, verifyYaml, type YamlValue } from './safe-yaml.js';

/** One file of a site's output, relative to `out/<site>/`, `/`-separated. */
export interface OutputFile {
  readonly path: string;
  readonly contents: string;
  /** Holds secret values in reveal mode: written with mode 0600. */
  readonly secret: boolean;
  /**
   * A YAML file's document: what `contents` reads back as under YAML 1.1 and 1.2 (proven, see
   * renderYamlFile), so diff and explain use it instead of parsing the text again.
   */
  readonly document?: YamlValue;
}

export interface EmitInput {
  readonly model: SiteModel;
  readonly secrets: ReadonlyMap<string, SecretValue>;
  readonly redacted: boolean;
}

/** One output kind. Emitters are pure: no file system, clock or environment. */
export interface Emitter {
  /** Its key in EMITTERS (src/emit/registry.ts). */
  readonly kind: string;
  readonly applies: (model: SiteModel) => boolean;
  readonly emit: (input: EmitInput) => OutputFile[];
}

/** Thrown when emitted text does not read back as intended: a bug, never a user error. */
export class EmitError extends Error {
  override readonly name = 'EmitError';
}

/**
 * Renders a YAML document with its header. Every file must read back as `document` under YAML 1.1
 * and 1.2. Text the fast writer wrote (fastSafeYaml: block collections, one entry per line, plain
 * scalars only where both versions read them alike, double quotes otherwise) is proven to, for any
 * document and any header, by the property tests of test/unit/safe-yaml.test.ts against the YAML
 * library's own readers, so it is not read again here; text the library fallback wrote is read back
 * under both versions before it is used.
 */
export function renderYamlFile(path: string, header: readonly string[], document: YamlValue, secret = false): OutputFile {
  const fast = fastWritten(document) !== undefined;
  const contents = renderTemplate('yaml-document.njk', { header: [...header], document });
  if (fast) return { path, contents, secret, document };
  const problem = verifyYaml(contents, document);
  // The message names the file, never its contents: they may hold secrets.
  if (problem !== undefined) throw new EmitError(`emitted ${path} does not read back as intended: ${problem}`);
  return { path, contents, secret, document };
}
