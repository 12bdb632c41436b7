import { Document } from 'yaml';

/**
 * Characters no YAML reader may meet raw in emitted text, whatever the context: C0 controls but tab,
 * line feed and carriage return; DEL and C1 controls (NEL, which YAML 1.1 reads as a line break,
 * among them); the line and paragraph separators (line breaks for YAML 1.1); the byte-order mark; and
 * the noncharacters U+FFFE and U+FFFF. go-yaml v2 and PyYAML refuse the controls and noncharacters
 * ("control characters are not allowed"). A character class body: each user adds what its context
 * also refuses (tab, line breaks).
 */
export const RAW_UNSAFE = '\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029\uFEFF\uFFFE\uFFFF';

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
