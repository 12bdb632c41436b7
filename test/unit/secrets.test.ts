import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ROOT } from '../helpers/cli.js';
import { emitCheckedSite } from '../../src/emit-site.js';
import { deriveSecret } from '../../src/secrets/derive.js';
import { evaluateSecret } from '../../src/secrets/evaluate.js';
import { resolveSecrets, type SecretInputs } from '../../src/secrets/resolve.js';
import { DEVELOPMENT_SITE_KEY } from '../../src/model/catalog.js';
import { REDACTED, SecretValue } from '../../src/secrets/secret-value.js';
import { revealSecret } from '../../src/secrets/reveal.js';
import { checkData, minimalSite } from '../helpers/site.js';

const KEY = Buffer.from('test-site-key-0123456789abcdef-0123456789', 'utf8');
const inputs = (over: Partial<SecretInputs> = {}): SecretInputs => ({
  siteKey: KEY,
  siteKeySource: 'CHAMICORE_SITE_KEY',
  env: new Map(),
  files: new Map(),
  secretsDir: undefined,
  ...over,
});
const modelOf = (data: Record<string, unknown>) => {
  const c = checkData(data);
  if (c.model === undefined) throw new Error(JSON.stringify(c.diagnostics));
  return c.model;
};

describe('deriveSecret', () => {
  const hex = { kind: 'bytes', bytes: 32, encoding: 'hex' } as const;

  it('is stable: a fixed vector guards the derivation against silent change', () => {
    expect(deriveSecret(KEY, 'alps', 'internal-token', 0, hex)).toBe(deriveSecret(KEY, 'alps', 'internal-token', 0, hex));
    expect(deriveSecret(KEY, 'alps', 'internal-token', 0, hex)).toBe(
      // Computed independently with a textbook HKDF-SHA256 (RFC 5869) in Python.
      'c9464cfa2e4aa5da083b69746de70cab28374838adc04c953c6623a75815b84e',
    );
  });

  it('binds the site, the secret name, the rotation and the key', () => {
    const base = deriveSecret(KEY, 'alps', 'internal-token', 0, hex);
    expect(deriveSecret(KEY, 'eiger', 'internal-token', 0, hex)).not.toBe(base);
    expect(deriveSecret(KEY, 'alps', 'db-password', 0, hex)).not.toBe(base);
    expect(deriveSecret(KEY, 'alps', 'internal-token', 1, hex)).not.toBe(base);
    expect(deriveSecret(Buffer.from('another-site-key-0123456789abcdef-xyz'), 'alps', 'internal-token', 0, hex)).not.toBe(base);
  });

  it('draws characters from the alphabet at the asked length', () => {
    expect(deriveSecret(KEY, 's', 'n', 0, { kind: 'chars', length: 1024, alphabet: 'alphanumeric' })).toMatch(/^[A-Za-z0-9]{1024}$/);
    expect(deriveSecret(KEY, 's', 'n', 0, { kind: 'chars', length: 40, alphabet: 'lowercase-alphanumeric' })).toMatch(/^[a-z0-9]{40}$/);
    expect(deriveSecret(KEY, 's', 'n', 0, { kind: 'chars', length: 16, alphabet: 'hex' })).toMatch(/^[0-9a-f]{16}$/);
    expect(Buffer.from(deriveSecret(KEY, 's', 'n', 0, { kind: 'bytes', bytes: 32, encoding: 'base64' }), 'base64')).toHaveLength(32);
    expect(deriveSecret(KEY, 's', 'n', 0, { kind: 'bytes', bytes: 48, encoding: 'base64url' })).toMatch(/^[A-Za-z0-9_-]{64}$/);
  });
});

describe('resolveSecrets', () => {
  it("redacts env and file secrets, keeps development literals, derives a development site's generated ones from the public development key", () => {
    const model = modelOf(
      minimalSite({
        site: { name: 'mini', environment: 'development', domain: 'mini.localhost' },
        secrets: {
          'db-password': { value: 'chamicore' },
          'internal-token': { fromEnv: 'TOKEN' },
          'auth-encryption-key': { fromFile: 'enc' },
        },
      }),
    );
    const { values, diagnostics } = resolveSecrets(model, false, undefined, 'sites/mini.yaml');
    expect(diagnostics).toEqual([]);
    expect(revealSecret(values.get('db-password')!)).toBe('chamicore');
    expect(revealSecret(values.get('internal-token')!)).toBe(REDACTED);
    expect(revealSecret(values.get('auth-encryption-key')!)).toBe(REDACTED);
    // Generated, without a site key, on a development site: from the public development key, stable.
    expect(revealSecret(values.get('ui-session-key')!)).toBe(
      deriveSecret(Buffer.from(DEVELOPMENT_SITE_KEY, 'utf8'), 'mini', 'ui-session-key', 0, {
        kind: 'bytes',
        bytes: 32,
        encoding: 'base64',
      }),
    );
    // Anywhere else, a placeholder.
    const staging = resolveSecrets(modelOf(minimalSite()), false, undefined, 'sites/mini.yaml').values;
    expect(revealSecret(staging.get('ui-session-key')!)).toBe(REDACTED);
  });

  it('bumping one rotation changes exactly that secret', () => {
    const a = resolveSecrets(modelOf(minimalSite()), true, inputs(), 'f').values;
    const b = resolveSecrets(
      modelOf(minimalSite({ secrets: { 'db-password': { generate: { length: 32 }, rotation: 1, acknowledgeRotation: 1 } } })),
      true,
      inputs(),
      'f',
    ).values;
    const changed = [...a.keys()].filter((k) => revealSecret(a.get(k)!) !== revealSecret(b.get(k)!));
    expect(changed).toEqual(['db-password']);
  });

  it('names the secret, never a value, when the key or a variable is missing', () => {
    const model = modelOf(minimalSite({ secrets: { 'internal-token': { fromEnv: 'MY_TOKEN' } } }));
    const r = resolveSecrets(model, true, inputs({ siteKey: undefined }), 'sites/mini.yaml');
    expect(r.diagnostics.map((d) => d.code).sort()).toEqual(['secret-env-missing', 'secret-key-missing']);
    expect(r.diagnostics.find((d) => d.code === 'secret-key-missing')?.message).toContain(
      'auth-encryption-key, db-admin-password, db-password, ui-session-key',
    );
    expect(r.diagnostics.find((d) => d.code === 'secret-env-missing')?.message).toContain('MY_TOKEN');
  });

  it('refuses a weak key, a file outside the folder and the public dev token', () => {
    expect(resolveSecrets(modelOf(minimalSite()), true, inputs({ siteKey: Buffer.from('short') }), 'f').diagnostics[0]?.code).toBe(
      'secret-key-weak',
    );
    const fileModel = modelOf(minimalSite({ secrets: { 'db-password': { fromFile: 'pw' } } }));
    expect(
      resolveSecrets(fileModel, true, inputs({ secretsDir: '/s', files: new Map([['pw', { kind: 'outside' }]]) }), 'f').diagnostics.map(
        (d) => d.code,
      ),
    ).toEqual(['secret-file-outside']);
    const tokenModel = modelOf(minimalSite({ secrets: { 'internal-token': { fromEnv: 'T' } } }));
    const dev = '0123456789abcdef'.repeat(4);
    expect(resolveSecrets(tokenModel, true, inputs({ env: new Map([['T', dev]]) }), 'f').diagnostics.map((d) => d.code)).toEqual([
      'secret-dev-token',
    ]);
  });

  it('stops the emit when a secret cannot be resolved', () => {
    const model = modelOf(minimalSite());
    const r = emitCheckedSite(model, 'f', true, inputs({ siteKey: undefined }));
    expect(r.files).toBeUndefined();
  });
});

describe('SecretValue', () => {
  it('never prints its value', () => {
    const s = new SecretValue('hunter2');
    expect(String(s)).toBe('[secret]');
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- the point of the test
    expect(`${s}`).toBe('[secret]');
    expect(JSON.stringify({ s })).toBe('{"s":"[secret]"}');
    expect(inspect(s)).not.toContain('hunter2');
    expect(inspect({ deep: { s } })).not.toContain('hunter2');
  });
});

describe('evaluateSecret', () => {
  it('percent-encodes user and password in DSNs and picks the host for the target', () => {
    const values = new Map([['pw', new SecretValue('p@ss:w/rd?#%&=+ ')]]);
    const expr = {
      kind: 'dsn',
      user: 'chami core',
      passwordSecret: 'pw',
      host: { kind: 'postgresql' },
      port: 5432,
      database: 'chamicore',
      sslMode: 'disable',
      schema: 'smd',
    } as const;
    const helm = revealSecret(evaluateSecret(expr, values, 'helm'));
    expect(helm).toBe(
      'postgres://chami%20core:p%40ss%3Aw%2Frd%3F%23%25%26%3D%2B%20@chamicore-postgresql:5432/chamicore?sslmode=disable&search_path=smd',
    );
    const url = new URL(helm);
    expect(decodeURIComponent(url.password)).toBe('p@ss:w/rd?#%&=+ ');
    expect(url.hostname).toBe('chamicore-postgresql');
    expect(revealSecret(evaluateSecret(expr, values, 'compose'))).toContain('@postgres:5432/');
  });

  it('writes registry logins as the docker config kubelet reads, whatever a password holds', () => {
    const password = 'p"a:s\\s\n{}';
    const values = new Map([
      ['a', new SecretValue(password)],
      ['b', new SecretValue('token-b')],
    ]);
    const logins = [
      { registry: 'mirror.example.org:5000/dockerhub', username: 'robot$mirror', passwordSecret: 'b' },
      { registry: 'registry.cscs.ch', username: 'robot$alps', passwordSecret: 'a' },
    ];
    const text = revealSecret(evaluateSecret({ kind: 'dockerconfigjson', logins }, values, 'helm'));
    const config = JSON.parse(text) as { auths: Record<string, { username: string; password: string; auth: string }> };
    expect(Object.keys(config.auths)).toEqual(['mirror.example.org:5000/dockerhub', 'registry.cscs.ch']);
    expect(config.auths['registry.cscs.ch']).toEqual({
      username: 'robot$alps',
      password,
      auth: Buffer.from(`robot$alps:${password}`).toString('base64'),
    });
    // kubelet splits the decoded auth at the first ':': the user name (which the schema keeps free of ':') comes back whole.
    const decoded = Buffer.from(config.auths['registry.cscs.ch']!.auth, 'base64').toString('utf8');
    expect(decoded.slice(0, decoded.indexOf(':'))).toBe('robot$alps');
    expect(decoded.slice(decoded.indexOf(':') + 1)).toBe(password);
    expect(config.auths['mirror.example.org:5000/dockerhub']?.password).toBe('token-b');
  });
});

describe('the secret fence', () => {
  it('gives no way to the value but revealSecret: no static or instance member, no serialisation', () => {
    const s = new SecretValue('the-fenced-value');
    const members = [
      ...Object.getOwnPropertyNames(SecretValue),
      ...Object.getOwnPropertyNames(SecretValue.prototype),
      ...Object.getOwnPropertySymbols(SecretValue.prototype).map(String),
    ];
    expect(members.sort()).toEqual([
      'Symbol(nodejs.util.inspect.custom)',
      'constructor',
      'length',
      'name',
      'prototype',
      'toJSON',
      'toString',
    ]);
    expect(`${String(s)} ${JSON.stringify({ s })} ${inspect(s)} ${inspect({ s }, { showHidden: true })}`).not.toContain('fenced');
    expect(revealSecret(s)).toBe('the-fenced-value');
  });

  it('is imported by the Secret and .env emitters and the secret evaluator only', () => {
    const importers: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        const rel = `${dir}/${e.name}`;
        if (e.isDirectory()) walk(rel);
        else if (/from '[^']*\/reveal\.js'/.test(readFileSync(join(ROOT, rel), 'utf8'))) importers.push(rel);
      }
    };
    walk('src');
    expect(importers.sort()).toEqual([
      'src/emit/compose-env.ts',
      'src/emit/compose-nats.ts',
      'src/emit/secrets.ts',
      'src/secrets/evaluate.ts',
      'src/secrets/secret-value.ts',
    ]);
    // secret-value.ts passes the class on, never the reader.
    expect(readFileSync(join(ROOT, 'src/secrets/secret-value.ts'), 'utf8')).toMatch(/export \{ SecretValue \} from '\.\/reveal\.js';/);
    expect(readFileSync(join(ROOT, 'src/secrets/secret-value.ts'), 'utf8')).not.toMatch(/revealSecret/);
  });
});
