// Installs the pinned dev tools of scripts/tools.json into .tools/bin (git-ignored), idempotently:
// a tool whose stamp names the same pin (module@version, or the hash of a local program's source)
// is left alone, so a second run does nothing. Needs Go 1.24 or newer. Without Go, put the same
// versions of kubeconform and helm on PATH; the tests look in .tools/bin first, then PATH.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
  install(tool, `${tool.dir}#${sourceHash(dir)}${tool.ldflags === undefined ? '' : ` ${tool.ldflags}`}`, () => {
    const flags = tool.ldflags === undefined ? [] : [`-ldflags=${tool.ldflags}`];
    execFileSync('go', ['build', '-trimpath', ...flags, '-o', join(bin, tool.name), '.'], { cwd: dir, env, stdio: 'inherit' });
  });
}

// Go programs whose module cannot be `go install`ed (docker compose: its go.mod has exclude lines):
// the pinned module is downloaded through the module proxy, copied somewhere writable and built there.
for (const tool of pins.modules ?? []) {
  const pin = `${tool.module}@${tool.version} ${tool.package} ${tool.ldflags}`;
  install(tool, pin, () => {
    const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', `${tool.module}@${tool.version}`], { env, encoding: 'utf8' }));
    if (typeof info.Dir !== 'string' || info.Error !== undefined)
      throw new Error(`${tool.name}: go mod download failed: ${info.Error ?? 'no Dir'}`);
    const src = join(root, '.tools', 'src', tool.name);
    rmSync(src, { recursive: true, force: true });
    mkdirSync(dirname(src), { recursive: true });
    // The module cache is read-only: a writable copy, where go may update go.sum.
    cpSync(info.Dir, src, { recursive: true });
    execFileSync('chmod', ['-R', 'u+w', src]);
    execFileSync('go', ['build', '-trimpath', `-ldflags=${tool.ldflags}`, '-o', join(bin, tool.name), tool.package], {
      cwd: src,
      env,
      stdio: 'inherit',
    });
    rmSync(src, { recursive: true, force: true });
  });
}

// Python tools (PyYAML, the strict YAML 1.1 reader; check-jsonschema, with GitLab's CI schema), each
// into its own directory with every dependency pinned in tools.json and installed with --no-deps:
// pip resolves nothing, so the same pins install the same files.
for (const tool of pins.python ?? []) {
  const target = join(root, tool.target ?? join('.tools', 'pip', tool.name));
  const packages = [`${tool.package}==${tool.version}`, ...(tool.requires ?? [])];
  install(tool, `${packages.join(' ')} in ${target.slice(root.length + 1)}`, () => {
    rmSync(target, { recursive: true, force: true });
    execFileSync(
      'python3',
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--root-user-action=ignore',
        // --target installs into that directory only; Debian's pip wants this flag for that all the same.
        '--break-system-packages',
        '--no-deps',
        '--only-binary=:all:',
        '--target',
        target,
        ...packages,
      ],
      {
        stdio: 'inherit',
      },
    );
    // The stamp sits in .tools/bin with the others; the wrapper runs python3 (or the tool's module) there.
    const run = tool.module === undefined ? 'python3' : `python3 -m ${tool.module}`;
    writeFileSync(
      join(bin, tool.name),
      `#!/bin/sh\nexec env PYTHONPATH="$(dirname "$0")/../${target.slice(root.length + 8)}" ${run} "$@"\n`,
      {
        mode: 0o755,
      },
    );
  });
}

// The real third-party charts the tests render every site through: ../shared/charts when it is
// there (this workplace, read-only), otherwise pulled with the pinned helm into .tools/charts.
const shared = join(root, '..', 'shared', 'charts');
for (const chart of pins.charts ?? []) {
  if (existsSync(join(shared, chart.name, 'Chart.yaml'))) {
    console.log(`${chart.name}: chart ${chart.version} from ../shared/charts`);
    continue;
  }
  const target = join(root, '.tools', 'charts');
  const stamp = join(target, `.${chart.name}.stamp`);
  const pin = `${chart.repository} ${chart.name} ${chart.version}`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === pin) {
    console.log(`${chart.name}: chart ${chart.version} already in .tools/charts`);
    continue;
  }
  mkdirSync(target, { recursive: true });
  const args = chart.repository.startsWith('oci://')
    ? ['pull', `${chart.repository}/${chart.name}`, '--version', chart.version, '--untar', '-d', target]
    : ['pull', chart.name, '--repo', chart.repository, '--version', chart.version, '--untar', '-d', target];
  execFileSync(join(bin, 'helm'), args, { stdio: 'inherit' });
  writeFileSync(stamp, pin);
  console.log(`${chart.name}: pulled chart ${chart.version} into .tools/charts`);
}
