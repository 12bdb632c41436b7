import { stringify } from 'yaml';
import { checkSite, type CheckedSite, type SiteSource } from '../../src/compile.js';
import { emitCheckedSite } from '../../src/emit-site.js';
import type { OutputFile } from '../../src/emit/output.js';

/** The smallest valid site, as plain data; tests spread their changes over it. */
export function minimalSite(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    site: { name: 'mini', environment: 'staging', domain: 'mini.example.org' },
    release: { version: '1.4.2' },
    services: { 'kea-sync': { enabled: false } },
    ...overrides,
  };
}

export function sourceOf(text: string, name = 'mini'): SiteSource {
  return { file: `sites/${name}.yaml`, label: `sites/${name}.yaml`, stem: name, bytes: Buffer.from(text, 'utf8') };
}

/** Checks a site given as YAML text. */
export function checkText(text: string, name = 'mini'): CheckedSite {
  return checkSite(sourceOf(text, name));
}

/** Checks a site given as data (serialised as YAML first). */
export function checkData(data: unknown, name = 'mini'): CheckedSite {
  return checkText(stringify(data), name);
}

/** Compiles a site given as data, redacted; fails the test on any error diagnostic. */
export function compileData(data: unknown, name = 'mini'): OutputFile[] {
  const checked = checkData(data, name);
  if (checked.model === undefined) throw new Error(`invalid site: ${JSON.stringify(checked.diagnostics)}`);
  const { files, diagnostics } = emitCheckedSite(checked.model, checked.source.file, false, undefined);
  if (files === undefined) throw new Error(`emit failed: ${JSON.stringify(diagnostics)}`);
  return files;
}

/** Codes of the error and warning diagnostics of a check. */
export function codes(checked: CheckedSite): string[] {
  return checked.diagnostics.map((d) => d.code);
}

import { locateAll } from '../../src/report/format.js';

/** `code@line:col` for every diagnostic, sorted as the CLI prints them. */
export function where(checked: CheckedSite): string[] {
  return locateAll(checked.diagnostics, checked.parsed).map((d) => `${d.code}@${d.line}:${d.column}`);
}
