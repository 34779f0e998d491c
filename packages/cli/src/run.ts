import { isUserError } from '@zero-trust/backstage-plugin-zero-trust-node';
import { analyzeUsage, runAnalyze } from './commands/analyze';
import { checkUsage, runCheck } from './commands/check';
import { diffUsage, runDiff } from './commands/diff';
import { onboardUsage, runOnboard } from './commands/onboard';
import { UsageError, exitCodes } from './errors';
import { CliIo, processIo } from './io';

const usage = `Usage: zero-trust <command> [options]

The Istio zero-trust engine behind the Backstage Security tab, for a GitOps
repository's CI and for cluster snapshots (kubectl get -A -o yaml, or manifests).

Commands:
  check     can this caller reach that workload?
  analyze   each workload's identity, mTLS, allowed callers, and findings
  diff      what a change does to access, as a pull-request review
  onboard   write a service's onboarding change into a GitOps checkout

Run "zero-trust <command> --help" for a command's options.
Exit status: 0 success, 2 bad usage or input, 3 --fail-on reached, 1 unexpected.
`;

const commands: Record<
  string,
  { run: (args: string[], io: CliIo) => Promise<number>; usage: string }
> = {
  check: { run: runCheck, usage: checkUsage },
  analyze: { run: runAnalyze, usage: analyzeUsage },
  diff: { run: runDiff, usage: diffUsage },
  onboard: { run: runOnboard, usage: onboardUsage },
};

/** Runs the command line; resolves to the exit status. */
export async function run(
  argv: string[],
  io: CliIo = processIo,
): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage);
    return name ? exitCodes.ok : exitCodes.badInput;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(
      `zero-trust: unknown command "${name}"; run "zero-trust --help"\n`,
    );
    return exitCodes.badInput;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError || isUserError(e)) {
      // One line, whatever the message quotes.
      io.stderr(`zero-trust ${name}: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return exitCodes.badInput;
    }
    const error = e as Error;
    io.stderr(`zero-trust ${name}: unexpected error: ${error.message}\n`);
    if (process.env.ZERO_TRUST_DEBUG) io.stderr(`${error.stack}\n`);
    return exitCodes.unexpected;
  }
}
