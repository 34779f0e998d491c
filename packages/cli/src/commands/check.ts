import {
  CheckQuery,
  CheckResult,
  MeshModel,
  check,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { oneOf, parseCommandArgs, portNumber } from '../args';
import { UsageError, exitCodes } from '../errors';
import { CliIo } from '../io';
import { readJsonFile } from '../jsonFile';
import { loadSnapshots, snapshotHelp } from '../snapshots';

export const checkUsage = `Usage:
  zero-trust check PATH... --from REF --to WORKLOAD [--port N] [--method M] [--path P] [--host H] [--format json|text]
  zero-trust check PATH... --queries FILE.json [--format json|text]
  (each also takes [--repo-url URL])

Can this caller reach that workload? REF is a workload (NAMESPACE/NAME or
CLUSTER/NAMESPACE/NAME), "plaintext", or "principal:TD/ns/NS/sa/SA". --port is the
workload's target port. Several clusters: --cluster NAME=PATH, repeated.
Where no workload has the name, a Service of that name stands for the workloads it
selects (else a ServiceEntry with a workloadSelector, for the pods it selects): one
answer where they agree, else one per workload ("answers" in JSON).

${snapshotHelp}`;

const queryFields = ['from', 'to', 'port', 'method', 'path', 'host'];

function validateQuery(value: unknown, where: string): CheckQuery {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${where} must be an object with "from" and "to"`);
  }
  const q = value as Record<string, unknown>;
  const unknown = Object.keys(q).filter(k => !queryFields.includes(k));
  if (unknown.length)
    throw new UsageError(`${where} has unknown field "${unknown[0]}"`);
  for (const key of ['from', 'to']) {
    if (typeof q[key] !== 'string' || !q[key])
      throw new UsageError(`${where} needs "${key}" as a string`);
  }
  for (const key of ['method', 'path', 'host']) {
    if (q[key] !== undefined && typeof q[key] !== 'string')
      throw new UsageError(`${where}.${key} must be a string`);
  }
  const port = portNumber(q.port, `${where}.port`);
  return {
    from: q.from as string,
    to: q.to as string,
    ...(port !== undefined ? { port } : {}),
    ...(q.method !== undefined ? { method: q.method as string } : {}),
    ...(q.path !== undefined ? { path: q.path as string } : {}),
    ...(q.host !== undefined ? { host: q.host as string } : {}),
  };
}

async function readQueries(file: string): Promise<CheckQuery[]> {
  const parsed = await readJsonFile(file);
  if (!Array.isArray(parsed))
    throw new UsageError(`${file}: must hold a JSON array of queries`);
  return parsed.map((q, i) => validateQuery(q, `${file}[${i}]`));
}

function formatText(result: CheckResult): string {
  const target = `${result.to}${
    result.port !== undefined ? `:${result.port}` : ''
  }`;
  const request = [result.method, result.host, result.path]
    .filter(Boolean)
    .join(' ');
  return [
    `${result.decision.padEnd(11)} ${result.from} -> ${target}${
      request ? ` (${request})` : ''
    }`,
    `  mtls: ${result.mtls}`,
    `  reason: ${result.reason}`,
    `  policies: ${
      result.policies.length ? result.policies.join(', ') : 'none'
    }`,
    ...(result.network
      ? [
          `  network: ${
            result.network.decision
          } (${result.network.policies.join(', ')})`,
        ]
      : []),
    ...Object.values(result.services ?? {}).map(
      s => `  ${s.kind ?? 'Service'} ${s.service}: ${s.workloads.join(', ')}`,
    ),
    ...(result.answers ?? []).map(
      a =>
        `  ${a.decision.padEnd(11)} ${a.from} -> ${a.to} (mtls: ${a.mtls}): ${
          a.reason
        }`,
    ),
    '',
  ].join('\n');
}

export async function runCheck(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    cluster: { type: 'string', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    port: { type: 'string' },
    method: { type: 'string' },
    path: { type: 'string' },
    host: { type: 'string' },
    queries: { type: 'string' },
    format: { type: 'string' },
    'repo-url': { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(checkUsage);
    return exitCodes.ok;
  }
  const format = oneOf(
    values.format,
    ['json', 'text'] as const,
    '--format',
    'text',
  );
  const single = ['from', 'to', 'port', 'method', 'path', 'host'].some(
    k => (values as Record<string, unknown>)[k] !== undefined,
  );
  if (values.queries && single) {
    throw new UsageError('give either --queries FILE or --from/--to, not both');
  }
  if (!values.queries && (!values.from || !values.to)) {
    throw new UsageError('check needs --from and --to, or --queries FILE');
  }
  const queries = values.queries
    ? await readQueries(values.queries)
    : [
        validateQuery(
          {
            from: values.from,
            to: values.to,
            port: values.port,
            method: values.method,
            path: values.path,
            host: values.host,
          },
          'the query',
        ),
      ];
  const model = new MeshModel(
    await loadSnapshots(positionals, values.cluster ?? [], {
      io,
      repoUrls: values['repo-url'],
    }),
  );
  const results = queries.map(q => check(model, q));
  if (format === 'json') {
    io.stdout(
      `${JSON.stringify(values.queries ? results : results[0], null, 2)}\n`,
    );
  } else {
    io.stdout(results.map(formatText).join('\n'));
  }
  return exitCodes.ok;
}
