/**
 * What a person at a terminal gets beyond the plain report: colour on the severity of each
 * diagnostic and error line, and a progress line while a long multi-site run works. Neither ever
 * reaches a pipe or a file: both need stderr to be a terminal, and colour also needs NO_COLOR unset
 * and no --no-color (https://no-color.org).
 */

const RED = '\u001b[31m';
const YELLOW = '\u001b[33m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

/**
 * Whether to colour, in this order: --no-color (before a `--`) never; FORCE_COLOR set to anything but
 * `0` or `false` always, even into a pipe (CI logs render colour), and `0`/`false` never; NO_COLOR set
 * never (https://no-color.org); TERM=dumb never; otherwise when stderr is a terminal.
 */
export function useColour(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, terminal: boolean): boolean {
  const end = argv.indexOf('--');
  const flags = end < 0 ? argv : argv.slice(0, end);
  if (flags.includes('--no-color')) return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  if ((env['NO_COLOR'] ?? '') !== '') return false;
  return terminal && !dumb(env);
}

/** A terminal that cannot move the cursor or show colour (TERM=dumb: Emacs shells, some CI consoles). */
export function dumb(env: Readonly<Record<string, string | undefined>>): boolean {
  return env['TERM'] === 'dumb';
}

/**
 * Colours text that was already made printable (control characters escaped), so the only escape
 * sequences in the result are these: the head line of a diagnostic by its severity, error lines red,
 * code frames dim.
 */
export function colourise(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (/^\S.*?:\d+:\d+: [a-z0-9-]+: warning/.test(line)) return `${YELLOW}${line}${RESET}`;
      if (/^\S.*?:\d+:\d+: [a-z0-9-]+: /.test(line) || /^chamicore-compile( \w+)?: (error|internal error)/.test(line))
        return `${RED}${line}${RESET}`;
      if (/^ +\d* \| /.test(line)) return `${DIM}${line}${RESET}`;
      return line;
    })
    .join('\n');
}

/** A progress line on stderr (`[12/500] sites/x.yaml`), shown once a run has taken more than a second. */
export function progressLine(
  write: (text: string) => void,
  now: () => number,
): { step: (done: number, total: number, label: string) => void; end: () => void } {
  const start = now();
  let shown = false;
  return {
    step: (done, total, label) => {
      if (total < 2 || now() - start < 1000) return;
      shown = true;
      write(`\r\u001b[2K[${done}/${total}] ${label}`);
    },
    end: () => {
      if (shown) write('\r\u001b[2K');
      shown = false;
    },
  };
}
