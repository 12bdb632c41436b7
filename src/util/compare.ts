/**
 * Code-unit string order, never locale order: output must not depend on the machine. A neutral
 * module that every layer may import (the model, the emitters, the writer, the reports).
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
