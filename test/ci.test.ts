/**
 * The GitLab pipeline, .ci/run and the README agree with the code: every script line that runs
 * an npm script or chamicore-compile names a script, a command and flags that exist; every job
 * a job needs exists; every site has its deploy job; the test command is the README's.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deployPipeline, siteEnvironments, siteNames } from '../scripts/deploy-pipeline.mjs';
import { cli, ROOT } from './helpers/cli.js';
import { realSiteModel, SITE_NAMES } from './helpers/sites.js';
import { composeConfig, runTool } from './helpers/tools.js';

type Job = Record<string, unknown>;
const pipeline = parse(readFileSync(join(ROOT, '.gitlab-ci.yml'), 'utf8')) as Record<string, unknown>;
const RESERVED = new Set([
  'workflow',
  'stages',
  'variables',
  'default',
  'include',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
]);
const jobs = Object.entries(pipeline).filter(([name]) => !RESERVED.has(name)) as [string, Job][];
const jobNames = new Set(jobs.map(([n]) => n));
const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** Every shell line a job runs, its own and those of the shell scripts it calls. */
function linesOf(job: Job): string[] {
  const own = ['before_script', 'script', 'after_script']
    .flatMap((k) => (job[k] as string[] | undefined) ?? [])
    .flatMap((l) => l.split('\n'));
  const called = own.flatMap((l) => [...l.matchAll(/(?:^|\s)(scripts\/[\w.-]+\.sh)\b/g)].map((m) => m[1]!));
  return [...own, ...called.flatMap((f) => readFileSync(join(ROOT, f), 'utf8').split('\n'))];
}

/** Options and their allowed values, read from the real --help of a command. */
function helpOf(args: string[]): { flags: Set<string>; choices: Map<string, string[]> } {
  const r = cli([...args, '--help']);
  expect(r.code).toBe(0);
  const text = r.stdout.replace(/\n\s+/g, ' ');
  const flags = new Set([...text.matchAll(/(?:^|[\s,])(--[a-z][a-z-]*)/g)].map((m) => m[1]!));
  const choices = new Map<string, string[]>();
  // One segment per option: `--format <format> … (choices: "a", "b", default: "a")`.
  for (const segment of text.split(/\s(?=--[a-z])/)) {
    const flag = /^(--[a-z-]+) <[a-z]+>/.exec(segment)?.[1];
    const list = /\(choices: ((?:"[^"]*",?\s*)+)/.exec(segment)?.[1];
    if (flag !== undefined && list !== undefined)
      choices.set(
        flag,
        [...list.matchAll(/"([^"]*)"/g)].map((m) => m[1]!),
      );
  }
  return { flags, choices };
}

const HELP = { main: helpOf([]), validate: helpOf(['validate']), diff: helpOf(['diff']) };

it('reads the choices of --format from --help', () => {
  expect(HELP.main.choices.get('--format')).toEqual(['text', 'json']);
  expect(HELP.validate.choices.get('--format')).toEqual(['text', 'json', 'codequality', 'junit']);
  expect(HELP.diff.choices.get('--format')).toEqual(['text', 'markdown', 'json']);
});

/** Checks one chamicore-compile invocation; returns what it ran, for the caller's records. */
function checkInvocation(line: string): string {
  const words = line
    .slice(line.indexOf('chamicore-compile') + 'chamicore-compile'.length)
    .trim()
    .split(/\s+/);
  const command = words[0] === 'validate' ? 'validate' : words[0] === 'diff' ? 'diff' : 'main';
  const help = HELP[command];
  for (const [i, w] of words.entries()) {
    if (!w.startsWith('--')) continue;
    const flag = w.split('=')[0]!;
    expect(help.flags, `${line}: ${flag}`).toContain(flag);
    const allowed = help.choices.get(flag);
    if (allowed !== undefined) expect(allowed, `${line}: ${flag} value`).toContain(w.includes('=') ? w.split('=')[1] : words[i + 1]);
  }
  return command;
}

describe('.gitlab-ci.yml', () => {
  it('has the install, validate, check, test, kubeconform, helm and deploy jobs', () => {
    for (const name of ['install', 'validate', 'check', 'test', 'kubeconform', 'helm']) expect(jobNames).toContain(name);
    expect(pipeline['stages']).toEqual(['install', 'validate', 'test', 'conformance', 'deploy']);
    for (const [name, job] of jobs) {
      if (name.startsWith('.')) continue;
      const stage = (job['stage'] as string | undefined) ?? (pipeline[job['extends'] as string] as Job | undefined)?.['stage'];
      expect(pipeline['stages'], `${name}: stage`).toContain(stage);
    }
  });

  it('runs only npm scripts that exist and chamicore-compile flags that exist', () => {
    const ran = { npm: 0, compile: 0 };
    for (const [name, job] of jobs) {
      for (const line of linesOf(job)) {
        for (const m of line.matchAll(/\bnpm run ([\w:-]+)/g)) {
          expect(Object.keys(scripts), `${name}: ${line}`).toContain(m[1]);
          ran.npm += 1;
        }
        if (/\bnpm test\b/.test(line)) expect(scripts['test'], name).toBeDefined();
        if (/\bchamicore-compile\b/.test(line) && !line.trimStart().startsWith('#')) {
          checkInvocation(line);
          ran.compile += 1;
        }
      }
    }
    expect(ran.npm).toBeGreaterThan(0);
    expect(ran.compile).toBeGreaterThanOrEqual(5);
  });

  it('needs and extends only jobs that exist; the shell scripts it calls exist and are executable', () => {
    for (const [name, job] of jobs) {
      for (const need of (job['needs'] as string[] | undefined) ?? []) expect(jobNames, `${name} needs ${need}`).toContain(need);
      if (job['extends'] !== undefined) expect(jobNames, name).toContain(job['extends']);
      for (const line of linesOf(job)) {
        for (const m of line.matchAll(/(?:^|\s)(scripts\/[\w.-]+\.sh)\b/g)) {
          expect(() => {
            accessSync(join(ROOT, m[1]!), constants.X_OK);
          }, m[1]).not.toThrow();
          expect(spawnSync('bash', ['-n', join(ROOT, m[1]!)]).status, `${m[1]!} parses`).toBe(0);
        }
      }
    }
  });

  it('validates and checks the sites with --strict: a warning a site does not allow fails the pipeline', () => {
    const lines = readFileSync(join(ROOT, '.gitlab-ci.yml'), 'utf8')
      .split('\n')
      .filter((l) => /chamicore-compile (validate|--check)/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const l of lines) expect(l).toContain('--strict');
  });

  it('writes the Code Quality and JUnit reports it declares', () => {
    const validate = pipeline['validate'] as Job;
    const reports = (validate['artifacts'] as { reports: Record<string, string> }).reports;
    const lines = linesOf(validate);
    expect(lines.some((l) => l.includes('--format codequality') && l.includes(`> ${reports['codequality']!}`))).toBe(true);
    expect(lines.some((l) => l.includes('--format junit') && l.includes(`> ${reports['junit']!}`))).toBe(true);
  });

  it('deploys through a child pipeline generated from sites/: a manual job per site, default branch only', () => {
    const trigger = pipeline['deploy'] as Job;
    expect(trigger['rules']).toEqual([{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }]);
    expect(trigger['trigger']).toEqual({ include: [{ artifact: 'deploy-pipeline.yml', job: 'deploy-pipeline' }], strategy: 'depend' });
    expect(linesOf(pipeline['deploy-pipeline'] as Job)).toContain('node scripts/deploy-pipeline.mjs sites > deploy-pipeline.yml');
    const child = parse(deployPipeline(siteNames(join(ROOT, 'sites')))) as Record<string, Job>;
    const deploys = Object.entries(child).filter(([, j]) => j['extends'] === '.deploy');
    expect(deploys.map(([n, j]) => [n, (j['variables'] as { SITE: string }).SITE])).toEqual(SITE_NAMES.map((n) => [`deploy:${n}`, n]));
    const template = child['.deploy']!;
    expect(template['when']).toBe('manual');
    expect(template['needs']).toEqual([{ pipeline: '$PARENT_PIPELINE_ID', job: 'deploy-tools' }]);
    expect((trigger['variables'] as Record<string, string>)['PARENT_PIPELINE_ID']).toBe('$CI_PIPELINE_ID');
    // The revealed tree never becomes an artifact.
    expect(template['artifacts']).toBeUndefined();
    expect(linesOf(template).join('\n')).toMatch(/--reveal --secrets-dir "\$work\/secrets" --out "\$work\/out"/);
  });

  it('names each site environment with its tier and URL, from the site as the compiler reads it', async () => {
    const environments = await siteEnvironments(join(ROOT, 'sites'));
    expect(environments.get('alps')).toEqual({ deployment_tier: 'production', url: 'https://chamicore.alps.cscs.ch' });
    expect(environments.get('eiger')).toEqual({ deployment_tier: 'staging', url: 'https://chamicore.eiger.cscs.ch' });
    // dev has no ingress: no URL.
    expect(environments.get('dev')).toEqual({ deployment_tier: 'development' });
    const child = parse(deployPipeline(siteNames(join(ROOT, 'sites')), environments)) as Record<string, Job>;
    expect(child['deploy:alps']!['environment']).toEqual({
      name: '$SITE',
      deployment_tier: 'production',
      url: 'https://chamicore.alps.cscs.ch',
    });
  });

  it('downloads no tool into a job that holds secrets, and verifies every tool it downloads elsewhere', () => {
    const child = parse(deployPipeline(siteNames(join(ROOT, 'sites')))) as Record<string, Job>;
    const deployLines = linesOf(child['.deploy']!);
    expect(deployLines.join('\n')).not.toMatch(/\b(curl|wget)\b/);
    expect(deployLines).toContain('export PATH="$CI_PROJECT_DIR/deploy-tools:$PATH"');
    // Every download of the pipeline is checked against a pinned checksum before anything runs it.
    const go = linesOf(pipeline['.go'] as Job).join('\n');
    expect(go).toMatch(
      /curl -fsSLo "\$zip" "\$GOPROXY\/golang\.org\/toolchain\/@v\/v0\.0\.1-go\$\{GO_VERSION\}\.linux-amd64\.zip"\n.*sha256sum -c -/,
    );
    expect((pipeline['variables'] as Record<string, string>)['GO_TOOLCHAIN_SHA256']).toMatch(/^[0-9a-f]{64}$/);
    for (const [name, job] of jobs) {
      const lines = linesOf(job).filter((l) => /\bcurl\b.*https?:\/\/(?!\$CI_API_V4_URL)/.test(l) || /\bcurl .*-o .*\$GOPROXY/.test(l));
      for (const l of lines) expect(`${name}: ${l}`).toMatch(/\$GOPROXY\/golang\.org\/toolchain/);
    }
    for (const name of ['test', 'deploy-tools']) expect((pipeline[name] as Job)['extends'], name).toBe('.go');
    // The tools of the deploy jobs: built from verified Go modules, kept as long as a deploy may run.
    const tools = pipeline['deploy-tools'] as Job;
    expect(linesOf(tools)).toContain(
      'GOBIN="$CI_PROJECT_DIR/deploy-tools" CGO_ENABLED=0 go install -trimpath helm.sh/helm/v3/cmd/helm@v3.22.0',
    );
    expect(tools['artifacts']).toEqual({ paths: ['deploy-tools/'], expire_in: 'never' });
    expect((pipeline['deploy'] as Job)['needs']).toContain('deploy-tools');
  });

  it("passes GitLab's own CI schema, the pipeline and the deploy child pipeline it generates", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chamicore-ci-schema-'));
    try {
      const child = join(dir, 'deploy.yml');
      writeFileSync(child, deployPipeline(siteNames(join(ROOT, 'sites')), await siteEnvironments(join(ROOT, 'sites'))));
      const r = runTool('check-jsonschema', ['--builtin-schema', 'vendor.gitlab-ci', '.gitlab-ci.yml', child]);
      expect(r.stdout + r.stderr, 'check-jsonschema').toContain('ok -- validation done');
      expect(r.code).toBe(0);
      // The schema catches what would pass unnoticed until GitLab refuses the pipeline: a mistyped
      // keyword, three retries, a `when` it does not know.
      const text = readFileSync(join(ROOT, '.gitlab-ci.yml'), 'utf8');
      const wrong = join(dir, 'wrong.yml');
      for (const job of [
        'y:\n  script: [echo]\n  enviroment: { name: x }\n',
        'y:\n  script: [echo]\n  retry: 3\n',
        'y:\n  script: [echo]\n  when: sometimes\n',
      ]) {
        writeFileSync(wrong, `${text}\n${job}`);
        const bad = runTool('check-jsonschema', ['--builtin-schema', 'vendor.gitlab-ci', wrong]);
        expect(bad.stdout, job).toContain('$.y');
        expect(bad.code, job).toBe(1);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps to what GitLab checks beyond its schema: two cache key files at most, known tiers, http(s) URLs', async () => {
    const child = parse(deployPipeline(siteNames(join(ROOT, 'sites')), await siteEnvironments(join(ROOT, 'sites')))) as Record<string, Job>;
    for (const [name, job] of [...jobs, ...Object.entries(child)]) {
      const cache = job['cache'] as { key?: { files?: string[] } } | undefined;
      if (cache?.key?.files !== undefined) expect(cache.key.files.length, name).toBeLessThanOrEqual(2);
      const env = job['environment'] as { url?: string; deployment_tier?: string } | undefined;
      if (env?.url !== undefined) expect(env.url, name).toMatch(/^https?:\/\/.+/);
      if (env?.deployment_tier !== undefined)
        expect(['production', 'staging', 'testing', 'development', 'other']).toContain(env.deployment_tier);
    }
  });

  it('brings the committed development stack up on Docker and checks /health and /readiness of every service the smoke tests check', () => {
    const job = pipeline['compose-integration'] as Job;
    const script = linesOf(job).join('\n');
    const file = 'out/dev/compose/docker-compose.yml';
    expect(script).toContain(`docker compose -f ${file} up --detach --wait --wait-timeout 180`);
    expect((job['after_script'] as string[]).join('\n')).toContain(`docker compose -f ${file} down --volumes`);
    expect(job['services']).toEqual([expect.stringMatching(/^docker:[0-9.]+-dind$/)]);
    // The file it uses is the one the real compose CLI loads in test/conformance/compose-stack.test.ts,
    // with every profile on: the optional containers of compose.profiles start too.
    expect((job['variables'] as Record<string, string>)['COMPOSE_PROFILES']).toBe('*');
    expect(composeConfig(join(ROOT, file)).project!.services).not.toHaveProperty('mcp');
    const r = composeConfig(join(ROOT, file), { env: { COMPOSE_PROFILES: '*' } });
    expect(r.code, r.stderr).toBe(0);
    const project = r.project!;
    // Every Chamicore service of the stack that serves HTTP, as the upstream smoke tests check them.
    const model = realSiteModel('dev');
    const expected = model.services
      .filter((s) => s.enabled && s.info.port !== undefined && s.id !== 'ui')
      .map((s) => `${s.info.composeService}:${String(s.info.port)}`);
    const targets = /for target in ([^;]+); do/.exec(script)![1]!.trim().split(/\s+/);
    expect(targets.sort()).toEqual(expected.sort());
    for (const t of targets) expect(Object.keys(project.services)).toContain(t.split(':')[0]);
    expect(script).toContain('for check in health readiness; do');
    expect(script).toContain(`--network ${project.name}_default`);
    // 30 tries 3 s apart: the 90 s readiness budget of the smoke tests.
    expect(script).toContain('--retry 30 --retry-delay 3 --retry-all-errors');
  });

  it('logs the helm job in only when the logins are there, to each registry they name, and checks every site', () => {
    const script = linesOf(pipeline['helm'] as Job).join('\n');
    expect(script).toContain('if [ -n "${HELM_REGISTRY_LOGINS:-}" ]; then');
    expect(script).toContain('helm registry login "$host" --username "$user" --password-stdin');
    expect(script).not.toMatch(/\$\{[A-Z_]+:\?\}/);
    expect(script).toContain('[ -z "$failed" ] || { echo "helm: failed:$failed"; exit 1; }');
  });

  it('gets a deploy job for a site added with init, with no other edit', () => {
    const sites = mkdtempSync(join(tmpdir(), 'ci-sites-'));
    try {
      cpSync(join(ROOT, 'sites'), sites, { recursive: true });
      expect(cli(['init', 'newsite', '--environment', 'production', '--sites-dir', sites]).code).toBe(0);
      const child = parse(deployPipeline(siteNames(sites))) as Record<string, Job>;
      expect(child['deploy:newsite']).toEqual({ extends: '.deploy', variables: { SITE: 'newsite' } });
      expect(Object.keys(child).filter((n) => n.startsWith('deploy:'))).toHaveLength(SITE_NAMES.length + 1);
      // A file name no job, environment or resource group may carry is refused, as the compiler refuses it.
      writeFileSync(join(sites, 'Bad Name.yaml'), '');
      expect(() => siteNames(sites)).toThrow(/"Bad Name" is no DNS-1123 label/);
    } finally {
      rmSync(sites, { recursive: true, force: true });
    }
  });

  it('deploys and checks every site from the checkout, with no chart registry; publishes each new chart version', () => {
    const deploy = readFileSync(join(ROOT, 'scripts/ci-deploy.sh'), 'utf8');
    expect(deploy).toContain('node scripts/assemble-chart.mjs "$work/out/$site/helm" "$chart"');
    expect(deploy).not.toMatch(/helm (dependency build|registry login)/);
    expect(deploy).toContain('pod-security.kubernetes.io/enforce=restricted');
    const helm = linesOf(pipeline['helm'] as Job).join('\n');
    expect(helm).toContain('node scripts/assemble-chart.mjs "$chart" "assembled/$site"');
    // The chamicore charts come from the checkout; a login is only for the third-party charts' registries.
    expect(helm).not.toMatch(/helm dependency build/);
    const charts = pipeline['charts'] as Job;
    expect(charts['rules']).toEqual([{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }]);
    const publish = linesOf(charts).join('\n');
    expect(publish).toMatch(/helm show chart .*--version "\$version"[^\n]*\n\s+echo "\$name \$version: already published"\n\s+continue/);
    expect(publish).toContain('helm package "$dir" --destination packages');
    expect(publish).toContain('helm push "packages/$name-$version.tgz" oci://registry.cscs.ch/openchami/charts');
    expect((pipeline['deploy'] as Job)['needs']).toContain('helm');
  });

  it('diffs every merge request against its base and keeps the Markdown as an artifact', () => {
    const job = pipeline['diff'] as Job;
    expect(job['rules']).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    const lines = linesOf(job);
    expect(
      lines.some((l) =>
        l.includes('chamicore-compile diff --base "$CI_MERGE_REQUEST_DIFF_BASE_SHA" --format markdown sites > site-diff.md'),
      ),
    ).toBe(true);
    expect((job['artifacts'] as { paths: string[] }).paths).toEqual(['site-diff.md']);
    expect((job['variables'] as Record<string, string>)['GIT_DEPTH']).toBe('0');
    // The job that runs the merge request's code never names the token.
    expect(JSON.stringify(job)).not.toContain('DIFF_COMMENT_TOKEN');
  });

  it('posts the comment from a job that runs no code of the merge request, alone in the token environment', () => {
    const job = pipeline['diff-comment'] as Job;
    expect((job['variables'] as Record<string, string>)['GIT_STRATEGY']).toBe('none');
    expect(job['image']).toMatch(/^curlimages\/curl:[0-9.]+$/);
    expect(job['environment']).toEqual({ name: 'merge-request-comments', action: 'access' });
    const script = linesOf(job).join('\n');
    // Nothing of the merge request is run: no such command at any command position (the report's
    // heading, "**chamicore-compile diff**", is only searched for).
    expect(script).not.toMatch(/(^|[;&|(]\s*|\bthen\s+|\belse\s+)(npm|npx|node|chamicore-compile|sh scripts|bash scripts|\.\/)/m);
    expect(script.split('\n').filter((l) => /chamicore-compile/.test(l))).toEqual([
      expect.stringContaining('grep -F \'"body":"**chamicore-compile diff**\''),
    ]);
    // No other job uses the token or claims its environment.
    for (const [name, other] of jobs) {
      if (name === 'diff-comment') continue;
      expect(JSON.stringify(other), name).not.toContain('DIFF_COMMENT_TOKEN');
      expect(JSON.stringify(other), name).not.toContain('merge-request-comments');
    }
  });
});

describe('the test command', () => {
  it('is the same in the README quick start, .ci/run and the pipeline test job', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const quick = /## Quick start\n\n```sh\n([^\n]*)\n([^\n]*)\n```/.exec(readme);
    expect(quick).not.toBeNull();
    const testCommand = quick![2]!.split('#')[0]!.trim();
    expect(testCommand).toBe('npm run tools && npm test');
    const ciRun = readFileSync(join(ROOT, '.ci/run'), 'utf8').trimEnd().split('\n');
    expect(ciRun.at(-1)).toBe(testCommand);
    expect(linesOf(pipeline['test'] as Job)).toContain(testCommand);
    expect(existsSync(join(ROOT, 'scripts/tools.mjs'))).toBe(true);
  });
});
