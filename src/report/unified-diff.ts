/** The most line pairs a diff compares (a longest-common-subsequence table of this many cells). */
const MAX_CELLS = 4_000_000;

/**
 * A unified diff (`diff -u` style, 3 lines of context) from `before` to `after`, headed
 * `--- a/<path>` and `+++ b/<path>`; empty when they are equal. Pure. Two files too large to
 * compare line by line give one line saying so.
 */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const head = `--- a/${path}\n+++ b/${path}\n`;
  if (a.length * b.length > MAX_CELLS)
    return `${head}@@ ${String(a.length)} → ${String(b.length)} lines: too large to show line by line @@\n`;
  const ops = lineOps(a, b);
  // Group the operations into hunks with `context` unchanged lines around each change.
  const changed = ops.map((o) => o.kind !== ' ');
  let out = head;
  let i = 0;
  while (i < ops.length) {
    if (!changed[i]) {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    let end = i;
    // Extend the hunk while the next change is within 2 × context lines.
    for (;;) {
      while (end < ops.length && changed[end]) end++;
      let next = end;
      while (next < ops.length && !changed[next] && next - end < 2 * context) next++;
      if (next < ops.length && changed[next]) end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    // Line numbers of the hunk in each file (1-based), counted from the operations before it.
    const aStart = ops.slice(0, start).filter((o) => o.kind !== '+').length + 1;
    const bStart = ops.slice(0, start).filter((o) => o.kind !== '-').length + 1;
    const hunk = ops.slice(start, stop);
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    out += `@@ -${range(aStart, aLen)} +${range(bStart, bLen)} @@\n`;
    for (const o of hunk) out += `${o.kind}${o.line}\n`;
    i = stop;
  }
  return out;
}

function range(start: number, length: number): string {
  return length === 1 ? String(start) : `${String(length === 0 ? start - 1 : start)},${String(length)}`;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

type Op = { kind: ' ' | '-' | '+'; line: string };

/** The edit script from a to b by a longest common subsequence of lines. */
function lineOps(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: the LCS length of a[i..] and b[j..], in one flat array.
  const lcs = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number): number => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[at(i, j)] = a[i] === b[j] ? lcs[at(i + 1, j + 1)]! + 1 : Math.max(lcs[at(i + 1, j)]!, lcs[at(i, j + 1)]!);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i]! });
      i++;
      j++;
    } else if (lcs[at(i + 1, j)]! >= lcs[at(i, j + 1)]!) ops.push({ kind: '-', line: a[i++]! });
    else ops.push({ kind: '+', line: b[j++]! });
  }
  while (i < n) ops.push({ kind: '-', line: a[i++]! });
  while (j < m) ops.push({ kind: '+', line: b[j++]! });
  return ops;
}
