import { execFile } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import { ManifestError } from '../ManifestError';

/** The program that renders kustomizations, as found on PATH. */
export type KustomizeProgram = { command: string; args: string[] } | undefined;

const candidates = [
  { command: 'kustomize', args: ['build'] },
  { command: 'kubectl', args: ['kustomize'] },
];

function runProgram(
  command: string,
  args: string[],
): Promise<{
  stdout: string;
  stderr: string;
  missing?: boolean;
  code?: number;
}> {
  return new Promise(resolve => {
    execFile(
      command,
      args,
      { maxBuffer: 256 * 2 ** 20, env: { ...process.env } },
      (error, stdout, stderr) => {
        if (!error) resolve({ stdout, stderr });
        else if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          resolve({ stdout, stderr, missing: true });
        else resolve({ stdout, stderr, code: Number(error.code ?? 1) });
      },
    );
  });
}

let found: Promise<KustomizeProgram> | undefined;

/** Whether PATH holds an executable of that name (no process started). */
async function onPath(command: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      await fs.access(path.join(dir, command), fsConstants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

/**
 * `kustomize build`, else `kubectl kustomize` (the same program built in), whichever
 * PATH has first; undefined when neither is installed. Looked up once per process.
 */
export function findKustomize(): Promise<KustomizeProgram> {
  if (!found) {
    found = (async () => {
      for (const candidate of candidates) {
        if (await onPath(candidate.command)) return candidate;
      }
      return undefined;
    })();
  }
  return found;
}

/** Forgets the program found, so that a test can change PATH. */
export function resetKustomizeLookup() {
  found = undefined;
}

/**
 * Renders one kustomization folder. A build that fails is a ManifestError naming the
 * folder, with the program's own first error line.
 */
export async function kustomizeBuild(
  program: NonNullable<KustomizeProgram>,
  dir: string,
  shownAs: string = dir,
): Promise<string> {
  const result = await runProgram(program.command, [...program.args, dir]);
  if (result.code === undefined && !result.missing) return result.stdout;
  const line =
    result.stderr
      .split('\n')
      .map(l => l.trim())
      .find(l => l) ?? `exit status ${result.code}`;
  throw new ManifestError(
    `${shownAs}: ${program.command} ${program.args.join(' ')} failed: ${line
      .split(dir)
      .join(shownAs)}`,
    shownAs,
  );
}
