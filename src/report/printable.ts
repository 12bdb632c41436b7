/**
 * Characters that can forge or hide terminal output: C0 controls but tab and line feed (CR
 * rewrites a line, ESC starts a colour or cursor sequence), DEL, C1 controls (CSI), the Unicode
 * line and paragraph separators, the bidirectional overrides and isolates, and the noncharacters
 * U+FFFE and U+FFFF (YAML readers refuse them, and the label of a site's folder goes into YAML comments).
 */
const UNPRINTABLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]/g;

/**
 * Text with every such character written `\uXXXX`: safe for a terminal and a CI log, and valid
 * inside JSON strings and XML text alike, so it applies to every output format.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** printable(), with line feeds escaped too: for one-line messages that quote names or values. */
export function oneLine(text: string): string {
  return printable(text).replace(/\n/g, '\\u000a');
}
