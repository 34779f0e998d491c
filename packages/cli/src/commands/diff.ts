import {
  MeshModel,
  analyze,
  diffReports,
  diffToMarkdown,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { oneOf, parseCommandArgs } from '../args';
import { UsageError, exitCodes } from '../errors';
import { CliIo } from '../io';
import { parseFailOn, reachesThreshold } from '../severity';
import { findingsToSarif, sourceIndex } from '../sarif';
import { loadSnapshotObjects, snapshotHelp } from '../snapshots';

export const diffUsage = `Usage:
  zero-trust diff BASE_PATH HEAD_PATH [--format json|markdown|sarif] [--fail-on low|medium|high] [--repo-url URL]

What a change does to access: per workload, callers gained and lost, mTLS and
membership changes, and findings introduced or resolved. Exits 0 whatever it finds,
or 3 when an introduced finding reaches --fail-on.

${snapshotHelp}`;

export async function runDiff(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    format: { type: 'string' },
    'fail-on': { type: 'string' },
    'repo-url': { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(diffUsage);
    return exitCodes.ok;
  }
  if (positionals.length !== 2) {
    throw new UsageError('diff takes two snapshots: BASE_PATH HEAD_PATH');
  }
  const format = oneOf(
    values.format,
    ['json', 'markdown', 'sarif'] as const,
    '--format',
    'markdown',
  );
  const failOn = parseFailOn(values['fail-on']);
  const [base, head] = await Promise.all(
    positionals.map(p =>
      loadSnapshotObjects([p], [], { io, repoUrls: values['repo-url'] }),
    ),
  );
  const diff = diffReports(
    analyze(new MeshModel(base.clusters)),
    analyze(new MeshModel(head.clusters)),
  );
  if (format === 'sarif') {
    // Code scanning shows what the pull request introduces, where the head has it.
    io.stdout(
      `${JSON.stringify(
        findingsToSarif(diff.findingsIntroduced, sourceIndex(head.objects)),
        null,
        2,
      )}\n`,
    );
  } else {
    io.stdout(
      format === 'json'
        ? `${JSON.stringify(diff, null, 2)}\n`
        : diffToMarkdown(diff),
    );
  }
  return reachesThreshold(diff.findingsIntroduced, failOn)
    ? exitCodes.threshold
    : exitCodes.ok;
}
