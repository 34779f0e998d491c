import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { unifiedDiff } from './unifiedDiff';

// A property test applying many generated patches: CPU-bound, slow on a busy machine.
jest.setTimeout(60_000);

const run = promisify(execFile);

/** Applies the diff with the real `patch` and returns the file it produced. */
async function applied(before: string | null, diff: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zero-trust-diff-'));
  try {
    if (before !== null) await fs.writeFile(path.join(dir, 'f.yaml'), before);
    await fs.writeFile(path.join(dir, 'change.patch'), diff);
    await run('patch', [
      '-p1',
      '-s',
      '-d',
      dir,
      '-i',
      path.join(dir, 'change.patch'),
    ]);
    return await fs.readFile(path.join(dir, 'f.yaml'), 'utf8');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

describe('unifiedDiff', () => {
  it('writes hunks with three lines of context and correct line numbers', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const after = 'a\nb\nc\nd\ne\nf\nX\ng\nh\n';
    expect(unifiedDiff('f.yaml', before, after)).toBe(
      '--- a/f.yaml\n+++ b/f.yaml\n@@ -4,5 +4,6 @@\n d\n e\n f\n+X\n g\n h\n',
    );
  });

  it('shows a new file against /dev/null, and nothing for no change', () => {
    expect(unifiedDiff('n.yaml', null, 'x: 1\n')).toBe(
      '--- /dev/null\n+++ b/n.yaml\n@@ -0,0 +1,1 @@\n+x: 1\n',
    );
    expect(unifiedDiff('n.yaml', 'x\n', 'x\n')).toBe('');
  });

  it('marks a missing final newline as patch expects', async () => {
    const before = 'a\nb';
    const after = 'a\nb\nc\n';
    const diff = unifiedDiff('f.yaml', before, after);
    expect(diff).toContain('-b\n\\ No newline at end of file\n+b\n+c\n');
    expect(await applied(before, diff)).toBe(after);
  });

  it('produces patches that apply, whatever the change', async () => {
    // A small deterministic generator (no dependency): many random line edits.
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pool = ['a', 'b', 'c', 'key: value', '  - x', '# note', ''];
    const file = () =>
      Array.from({ length: random(12) }, () => pool[random(pool.length)]).join(
        '\n',
      );
    for (let i = 0; i < 60; i++) {
      const before = random(2) ? `${file()}\n` : file();
      const after = file();
      if (before === after) continue;
      const diff = unifiedDiff('f.yaml', before, after);
      expect(await applied(before, diff)).toBe(after);
    }
  });
});
