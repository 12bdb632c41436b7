import type { DiagnosticCode } from '../report/diagnostic.js';
import type { UsageError } from '../report/exit-codes.js';
import type { LocatedDiagnostic } from '../report/format.js';
import { oneLine } from '../report/printable.js';
import type { CliIo } from './io.js';
import type { Command, OutputFormat } from './options.js';
import { REPORTERS } from './report.js';

/**
 * A machine-readable format still gets a valid document when the run stops on a usage error (a
 * missing site file, a bad option): CI uploads the JUnit and Code Quality reports whatever the exit
 * code, and an empty file is no report. The error is one diagnostic of the file (or argument) it
 * names, at line 1; the text line on stderr is printed as always.
 */
export function reportUsageError(format: Exclude<OutputFormat, 'text'>, command: Command, where: string, e: UsageError, io: CliIo): void {
  const diagnostic: LocatedDiagnostic = {
    // A usage code, reported where a diagnostic code would be: the reports carry codes as strings.
    code: e.code as unknown as DiagnosticCode,
    severity: 'error',
    message: oneLine(e.message),
    file: where,
    path: [],
    line: 1,
    column: 1,
    sourceLine: undefined,
  };
  REPORTERS[format](
    {
      command,
      strict: false,
      outShown: '',
      sites: [{ file: where, site: where, status: 'invalid' }],
      diagnostics: [diagnostic],
      extraSites: [],
      removedSites: [],
      keptSites: [],
    },
    io,
  );
}
