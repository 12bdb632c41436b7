/** The pinned dev tools: `npm run tools` is idempotent, and the tools the tests run are the pinned versions. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';
import { runTool } from './helpers/tools.js';

const pins = JSON.parse(readFileSync(join(ROOT, 'scripts/tools.json'), 'utf8')) as {
  go: { name: string; version: string }[];
  local: { name: string }[];
};
const version = (name: string): string => pins.go.find((t) => t.name === name)!.version;

describe('npm run tools', () => {
  it('does nothing when every pinned tool is installed', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/tools.mjs')], { cwd: ROOT, encoding: 'utf8', env: process.env });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(pins.go.length + pins.local.length);
    for (const line of lines) expect(line).toMatch(/^[a-z-]+: .* already in \.tools\/bin$/);
  });

  it('installed the pinned kubeconform and helm', () => {
    expect(runTool('kubeconform', ['-v']).stdout.trim()).toBe(version('kubeconform'));
    expect(runTool('helm', ['version', '--template', '{{ .Version }}']).stdout.trim()).toBe(version('helm'));
  });
});
