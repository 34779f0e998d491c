import {
  AnalyzeReport,
  MeshModel,
  analyze,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { oneOf, parseCommandArgs } from '../args';
import { UsageError, exitCodes } from '../errors';
import { CliIo } from '../io';
import { parseFailOn, reachesThreshold } from '../severity';
import { findingsToSarif, sourceIndex } from '../sarif';
import { loadSnapshotObjects, snapshotHelp } from '../snapshots';
import { table } from '../table';

export const analyzeUsage = `Usage:
  zero-trust analyze PATH... [--cluster NAME=PATH]... [--format json|table|sarif] [--fail-on low|medium|high] [--repo-url URL] [--dry-run-max-age-days N]

Each workload's mesh identity, trust domain, effective mTLS and allowed callers, and
the findings with their fix. Exits 3 when a finding reaches --fail-on.
--dry-run-max-age-days: how long a policy may stay in dry-run (istio.io/dry-run)
before ZT023 reports it (default 14, as the backend's zeroTrust.findings.dryRunMaxAgeDays).

${snapshotHelp}`;

function callersText(report: AnalyzeReport['workloads'][number]): string {
  if (!report.allowedCallers.length) return 'nobody';
  return report.allowedCallers
    .map(c => (c.source.kind === 'workload' ? c.source.workload : c.label))
    .join('; ');
}

export function analyzeTable(report: AnalyzeReport): string {
  const workloads = table(
    [
      'CLUSTER',
      'NAMESPACE',
      'WORKLOAD',
      'MESH',
      'IDENTITY',
      'MTLS',
      'ALLOWED CALLERS',
    ],
    report.workloads.map(w => [
      w.cluster,
      w.namespace,
      w.name,
      w.meshMode,
      w.identity ?? '-',
      w.mtls.ports.length
        ? `${w.mtls.mode} (${w.mtls.ports
            .map(p => `${p.port}:${p.mode}`)
            .join(', ')})`
        : w.mtls.mode,
      callersText(w),
    ]),
  );
  const findings = report.findings.length
    ? report.findings
        .map(
          f =>
            `${f.severity.toUpperCase().padEnd(6)} ${f.code} ${
              f.message
            }\n       fix: ${f.remediation}`,
        )
        .join('\n')
    : 'No findings.';
  return `${workloads}\n\n${findings}\n`;
}

export async function runAnalyze(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    cluster: { type: 'string', multiple: true },
    format: { type: 'string' },
    'fail-on': { type: 'string' },
    'repo-url': { type: 'string', multiple: true },
    'dry-run-max-age-days': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(analyzeUsage);
    return exitCodes.ok;
  }
  const format = oneOf(
    values.format,
    ['json', 'table', 'sarif'] as const,
    '--format',
    'table',
  );
  const failOn = parseFailOn(values['fail-on']);
  const maxAge = values['dry-run-max-age-days'];
  if (maxAge !== undefined && !/^\d+$/.test(maxAge)) {
    throw new UsageError(
      `--dry-run-max-age-days must be a whole number of days, not "${maxAge}"`,
    );
  }
  const loaded = await loadSnapshotObjects(positionals, values.cluster ?? [], {
    io,
    repoUrls: values['repo-url'],
  });
  const report = analyze(
    new MeshModel(loaded.clusters),
    maxAge === undefined ? {} : { dryRunMaxAgeDays: Number(maxAge) },
  );
  if (format === 'sarif') {
    io.stdout(
      `${JSON.stringify(
        findingsToSarif(report.findings, sourceIndex(loaded.objects)),
        null,
        2,
      )}\n`,
    );
  } else {
    io.stdout(
      format === 'json'
        ? `${JSON.stringify(report, null, 2)}\n`
        : analyzeTable(report),
    );
  }
  return reachesThreshold(report.findings, failOn)
    ? exitCodes.threshold
    : exitCodes.ok;
}
