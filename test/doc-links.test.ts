/**
 * The README stays short and points into docs/ (issue 20): every relative link of the README and of
 * docs/*.md names a file that exists, and a `#section` one of its headings.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's and GitLab's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
const anchorOf = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

function anchors(file: string): Set<string> {
  return new Set([...readFileSync(file, 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) => anchorOf(m[1]!)));
}

describe('documentation links', () => {
  it.each(DOCS)('%s: every relative link resolves, to a heading where it names one', (doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8').replace(/```[\s\S]*?```/g, '');
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [path, anchor] = target!.split('#') as [string, string | undefined];
      const file = path === '' ? join(ROOT, doc) : join(ROOT, dirname(doc), path);
      // Links out of the repository (../shared) point beside it, where the workplace keeps them.
      if (relative(ROOT, file).startsWith('..')) continue;
      if (!existsSync(file)) broken.push(target!);
      else if (anchor !== undefined && file.endsWith('.md') && !anchors(file).has(anchor)) broken.push(target!);
    }
    expect(broken).toEqual([]);
  });

  it('the README is what a newcomer needs, and links each document of docs/', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThan(80);
    for (const doc of ['operator-guide.md', 'site-reference.md', 'security.md', 'development.md'])
      expect(readme).toContain(`(docs/${doc})`);
  });
});
