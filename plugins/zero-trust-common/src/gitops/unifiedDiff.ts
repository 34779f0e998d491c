/**
 * A unified diff (the format `git diff` and `patch` read) of one file's change, with
 * three lines of context. Edits here are a few inserted or replaced lines, so the
 * common prefix and suffix are cut first and only the middle is compared line by line.
 */

const context = 3;

type Op = { kind: ' ' | '-' | '+'; line: string };

// Marks a last line that has no newline, so that adding one counts as a change.
const noEol = '\u0000no-eol';

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += noEol;
  return lines;
}

/** The edit script between two line lists: longest common subsequence. */
function editScript(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const middle: Op[] = [];
  if (midA.length * midB.length > 4_000_000) {
    // Too large to compare line by line: show the middle as replaced.
    middle.push(...midA.map(line => ({ kind: '-' as const, line })));
    middle.push(...midB.map(line => ({ kind: '+' as const, line })));
  } else {
    const n = midA.length;
    const m = midB.length;
    const lcs: Uint32Array[] = Array.from(
      { length: n + 1 },
      () => new Uint32Array(m + 1),
    );
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i][j] =
          midA[i] === midB[j]
            ? lcs[i + 1][j + 1] + 1
            : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        middle.push({ kind: ' ', line: midA[i] });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        // Deletions first, as diff(1) and git print them.
        middle.push({ kind: '-', line: midA[i++] });
      } else {
        middle.push({ kind: '+', line: midB[j++] });
      }
    }
  }
  return [
    ...a.slice(0, start).map(line => ({ kind: ' ' as const, line })),
    ...middle,
    ...a.slice(endA).map(line => ({ kind: ' ' as const, line })),
  ];
}

/**
 * The unified diff of `before` → `after` for `path` (relative, `/`-separated);
 * `before` null for a new file. Empty when nothing changed.
 */
export function unifiedDiff(
  path: string,
  before: string | null,
  after: string,
): string {
  if (before === after) return '';
  const a = splitLines(before ?? '');
  const b = splitLines(after);
  const ops = editScript(a, b);
  const out = [
    `--- ${before === null ? '/dev/null' : `a/${path}`}`,
    `+++ b/${path}`,
  ];
  // Group changed ops with their context into hunks.
  const changed = ops
    .map((op, index) => (op.kind === ' ' ? -1 : index))
    .filter(index => index >= 0);
  let h = 0;
  while (h < changed.length) {
    let first = Math.max(changed[h] - context, 0);
    let last = Math.min(changed[h] + context, ops.length - 1);
    while (h + 1 < changed.length && changed[h + 1] - context <= last + 1) {
      h++;
      last = Math.min(changed[h] + context, ops.length - 1);
    }
    h++;
    first = Math.max(first, 0);
    // Line numbers where the hunk starts in each file.
    let lineA = 1;
    let lineB = 1;
    for (let k = 0; k < first; k++) {
      if (ops[k].kind !== '+') lineA++;
      if (ops[k].kind !== '-') lineB++;
    }
    const hunk = ops.slice(first, last + 1);
    const countA = hunk.filter(op => op.kind !== '+').length;
    const countB = hunk.filter(op => op.kind !== '-').length;
    out.push(
      `@@ -${countA ? lineA : lineA - 1},${countA} +${
        countB ? lineB : lineB - 1
      },${countB} @@`,
    );
    for (const op of hunk) {
      if (op.line.endsWith(noEol)) {
        out.push(`${op.kind}${op.line.slice(0, -noEol.length)}`);
        out.push('\\ No newline at end of file');
      } else {
        out.push(`${op.kind}${op.line}`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}
