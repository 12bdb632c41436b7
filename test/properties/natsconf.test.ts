/**
 * Property: a NATS token of any text (a site may read it from a file or the environment) written
 * into compose/nats.conf reads back, through nats-server's own configuration parser, as exactly that
 * text: no quote, backslash, line break, `$`, `#` or `}` in it ends the string or starts a variable.
 */
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeNatsString } from '../../src/emit/compose-nats.js';
import { removeTemps, temp } from '../helpers/cli.js';
import { runTool, toolPath } from '../helpers/tools.js';
import { FC_OPTIONS, freeText, NUM_RUNS, PROPERTY_TIMEOUT } from './arbitraries.js';

afterAll(removeTemps);

const HOSTILE = [
  '"',
  '\\',
  '\\x41',
  '$NATS_TOKEN',
  '${HOME}',
  '# x',
  '}',
  'a\nport: 1',
  '\r\n\t',
  '\u0001\u001f\u007f',
  'é\u2028',
  "'",
  '123',
  'true',
  '1k',
];

describe(`NATS token through nats-server's parser (${NUM_RUNS} generated tokens)`, { timeout: PROPERTY_TIMEOUT }, () => {
  it('reads every token back as written', () => {
    toolPath('readers');
    const dir = join(temp('chamicore-prop-nats-'), 'conf');
    mkdirSync(dir);
    const tokens: string[] = [...HOSTILE];
    fc.assert(
      fc.property(fc.oneof(freeText(60), fc.string({ unit: 'binary', minLength: 1, maxLength: 40 })), (t) => {
        if (!t.includes('\0')) tokens.push(t);
      }),
      FC_OPTIONS,
    );
    const files = tokens.map((t, i) => {
      const file = join(dir, `${String(i)}.conf`);
      writeFileSync(file, `authorization {\n  token: ${encodeNatsString(t)}\n}\n`);
      return file;
    });
    const r = runTool('readers', ['natsconf', ...files]);
    expect(r.code, r.stderr).toBe(0);
    const read = JSON.parse(r.stdout) as Record<string, { authorization: { token: unknown } }>;
    const mismatches = tokens.filter((t, i) => read[files[i]!]?.authorization.token !== t);
    expect(mismatches).toEqual([]);
    expect(tokens.length).toBeGreaterThan(NUM_RUNS);
  });

  it('refuses NUL, which no NATS client can send', () => {
    expect(() => encodeNatsString('a\0b')).toThrow(/NUL/);
  });
});
