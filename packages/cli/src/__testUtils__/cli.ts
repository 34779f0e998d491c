import { run } from '../run';

/**
 * Runs the CLI in process as `zero-trust ARGV...` (with `stdin` as its standard input,
 * where given): its exit code and what it printed.
 */
export async function runCli(argv: string[], stdin?: string) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: t => {
      stdout += t;
    },
    stderr: t => {
      stderr += t;
    },
    ...(stdin !== undefined ? { stdin: async () => stdin } : {}),
  });
  return { code, stdout, stderr };
}

/** `runCli` with the arguments written out: `cli('analyze', path)`. */
export const cli = (...argv: string[]) => runCli(argv);
