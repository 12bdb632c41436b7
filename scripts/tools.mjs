// Installs the pinned dev tools of scripts/tools.json into .tools/bin (git-ignored), idempotently:
// a tool whose stamp names the same pin (module@version, or the hash of a local program's source)
// is left alone, so a second run does nothing. Needs Go 1.24 or newer. Without Go, put the same
// versions of kubeconform and helm on PATH; the tests look in .tools/bin first, then PATH.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, '.tools', 'bin');
const pins = JSON.parse(readFileSync(join(root, 'scripts', 'tools.json'), 'utf8'));

function hasGo() {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function stampOf(name) {
  const file = join(bin, `.${name}.stamp`);
  return existsSync(file) && existsSync(join(bin, name)) ? readFileSync(file, 'utf8') : undefined;
}

function sourceHash(dir) {
  const hash = createHash('sha256');
  for (const f of readdirSync(dir).sort()) {
    if (/\.(go|mod|sum)$/.test(f))
      hash
        .update(`${f}\0`)
        .update(readFileSync(join(dir, f)))
        .update('\0');
  }
  return hash.digest('hex');
}

function install(tool, pin, run) {
  if (stampOf(tool.name) === pin) {
    console.log(`${tool.name}: ${pin} already in .tools/bin`);
    return;
  }
  console.log(`${tool.name}: installing ${pin} …`);
  run();
  writeFileSync(join(bin, `.${tool.name}.stamp`), pin);
  console.log(`${tool.name}: installed .tools/bin/${tool.name}`);
}

if (!hasGo()) {
  const missing = pins.go.filter((t) => onPath(t.name) === undefined).map((t) => `${t.name} ${t.version}`);
  console.error(
    `tools: Go is not installed. Install Go 1.24 or newer and run \`npm run tools\` again, or put ${pins.go
      .map((t) => `${t.name} ${t.version}`)
      .join(' and ')} on PATH${missing.length > 0 ? ` (missing now: ${missing.join(', ')})` : ''}. The compose .env tests need Go.`,
  );
  process.exit(1);
}

mkdirSync(bin, { recursive: true });
const env = { ...process.env, GOBIN: bin, CGO_ENABLED: '0' };
for (const tool of pins.go) {
  const pin = `${tool.module}@${tool.version}`;
  install(tool, tool.ldflags === undefined ? pin : `${pin} ${tool.ldflags}`, () => {
    const args = ['install', '-trimpath'];
    if (tool.ldflags !== undefined) args.push(`-ldflags=${tool.ldflags}`);
    execFileSync('go', [...args, pin], { env, stdio: 'inherit' });
  });
}
for (const tool of pins.local) {
  const dir = join(root, tool.dir);
  install(tool, `${tool.dir}#${sourceHash(dir)}`, () => {
    execFileSync('go', ['build', '-trimpath', '-o', join(bin, tool.name), '.'], { cwd: dir, env, stdio: 'inherit' });
  });
}
