import { Document } from 'yaml';

let resolvingTags: { readonly test?: RegExp }[] | undefined;

/**
 * Whether a plain scalar would be read as something other than a string: some default tag of the
 * YAML library's core schema (YAML 1.2) or of its YAML 1.1 schema matches it (`true`, `yes`, `~`,
 * `0x1`, `1:30`, `<<`). The library resolves a plain scalar by exactly these tests, so a plain
 * scalar that none matches is the string it spells under both versions.
 */
export function resolvedByATag(s: string): boolean {
  if (resolvingTags === undefined) {
    const { tags, compat } = new Document(null, { compat: 'yaml-1.1' }).schema;
    resolvingTags = [...tags, ...(compat ?? [])].filter((t) => Boolean(t.default) && t.tag !== 'tag:yaml.org,2002:str');
  }
  return resolvingTags.some((t) => t.test?.test(s) === true);
}
