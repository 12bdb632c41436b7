import { NATS_PORT } from '../model/catalog.js';
import { evaluateSecret } from '../secrets/evaluate.js';
import { revealSecret } from '../secrets/reveal.js';
import { REDACTED } from '../secrets/secret-value.js';
import { composeBundled } from '../model/compose-stack.js';
import { headerLines } from './header.js';
import { EmitError, type Emitter } from './output.js';
import { encodeComment } from './templates.js';

/** Where the bundled NATS of the compose stack reads its configuration, relative to out/<site>/. */
export const NATS_CONF_PATH = 'compose/nats.conf';
/** The NATS monitoring port (healthz), on the container's loopback only. */
export const NATS_MONITOR_PORT = 8222;

/**
 * A NATS configuration string (nats-server conf/lex.go, lexDubQuotedString): double quotes, with
 * `\\`, `\"`, `\n`, `\r`, `\t` and `\xXX` escapes; every other control character as `\xXX`, so the
 * line never breaks and nothing in the value is read as a variable, a comment or a new key.
 */
export function encodeNatsString(value: string): string {
  if (value.includes('\0')) throw new EmitError('the NATS token holds NUL, which no NATS client can send');
  const escaped = value.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
    if (c === '\\' || c === '"') return `\\${c}`;
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `"${escaped}"`;
}

/**
 * `compose/nats.conf`: the bundled NATS server of the compose stack (JetStream on its volume, the
 * monitoring port for the healthcheck, token authorisation). The token sits in this file, which
 * compose mounts as a secret, never on nats-server's command line (`ps`, `docker inspect`) and never
 * in a `${VAR}` the developer's shell could replace.
 */
export const composeNatsEmitter: Emitter = {
  kind: 'compose-nats',
  applies: (model) => model.targets.compose && composeBundled(model).nats,
  emit: ({ model, secrets, redacted }) => {
    const note =
      model.environment === 'development' && redacted
        ? ['A development token, public by design: usable as it is, never outside development.']
        : redacted
          ? [`The token is a placeholder (${REDACTED}); chamicore-compile --reveal writes the real one.`]
          : ['Holds the real NATS token: never commit it.'];
    const token = revealSecret(evaluateSecret({ kind: 'named', secret: 'nats-token' }, secrets, 'compose'));
    const lines = [
      encodeComment(headerLines(model, note)),
      '',
      `port: ${String(NATS_PORT)}`,
      `http_port: ${String(NATS_MONITOR_PORT)}`,
      'jetstream {',
      '  store_dir: "/data"',
      '}',
      'authorization {',
      `  token: ${encodeNatsString(token)}`,
      '}',
      '',
    ];
    return [{ path: NATS_CONF_PATH, contents: lines.join('\n'), secret: true }];
  },
};
