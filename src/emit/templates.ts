import nunjucks from 'nunjucks';
import { templateSources } from '../generated/templates.js';
import { toSafeYaml, type YamlValue } from './safe-yaml.js';
import { RAW_UNSAFE } from './yaml-tags.js';

/** The filters every template output must go through (a test rejects a bare `{{ x }}`). */
export const ENCODING_FILTERS = ['yaml', 'comment', 'envkey', 'envq'] as const;

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COMMENT_SAFE = new RegExp(`^[^\\t\\n\\r${RAW_UNSAFE}]*$`);

function mustBeString(filter: string, value: unknown): string {
  if (typeof value !== 'string') throw new Error(`${filter}: expected a string, got ${typeof value}`);
  return value;
}

/**
 * Encodes a compose `.env` value so compose-go's parser reads back exactly `value`
 * (format-rules.md §3.3): always double quotes; `\`, `"`, newlines escaped; `$` doubled.
 */
export function encodeEnvValue(value: string): string {
  if (value.includes('\0')) throw new Error('envq: NUL cannot be written to an environment variable');
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '$$$$').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

/** `# `-prefixed comment lines; refuses characters that would end a comment early. */
export function encodeComment(value: unknown): string {
  const lines = Array.isArray(value) ? value.map((v) => mustBeString('comment', v)) : mustBeString('comment', value).split('\n');
  for (const line of lines) {
    if (!COMMENT_SAFE.test(line)) throw new Error('comment: the text holds a control or line-break character');
  }
  return lines.map((l) => (l === '' ? '#' : `# ${l}`)).join('\n');
}

let env: nunjucks.Environment | undefined;

/** The one nunjucks environment: templates from src/generated/templates.ts, no HTML escaping. */
export function templateEnvironment(): nunjucks.Environment {
  if (env === undefined) {
    const loader: nunjucks.ILoader = {
      getSource(name: string) {
        const src = templateSources[name];
        if (src === undefined) throw new Error(`no template ${name}`);
        return { src, path: name, noCache: false };
      },
    };
    env = new nunjucks.Environment(loader, { autoescape: false, throwOnUndefined: true, trimBlocks: true, lstripBlocks: true });
    env.addFilter('yaml', (v: YamlValue | undefined) => {
      if (v === undefined) throw new Error('yaml: the value is undefined');
      return toSafeYaml(v).replace(/\n$/, '');
    });
    env.addFilter('comment', encodeComment);
    env.addFilter('envkey', (v: unknown) => {
      const s = mustBeString('envkey', v);
      if (!ENV_KEY.test(s)) throw new Error(`envkey: ${JSON.stringify(s)} is not a valid variable name`);
      return s;
    });
    env.addFilter('envq', (v: unknown) => encodeEnvValue(mustBeString('envq', v)));
  }
  return env;
}

/** Renders a template from templates/ with the encoding filters. */
export function renderTemplate(name: string, context: object): string {
  return templateEnvironment().render(name, context);
}
