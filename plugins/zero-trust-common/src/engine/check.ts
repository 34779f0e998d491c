import { Access, Caller, NetworkAccess, evaluateAccess } from './access';
import { Decision } from './authorization';
import { parsePrincipal } from './identity';
import { MeshModel, UnknownReferenceError } from './MeshModel';
import { resolveReference } from './references';

/** One `check` query (the CLI's `check`, packages/cli/README.md). @public */
export interface CheckQuery {
  /** A workload reference, `plaintext`, or `principal:TRUST_DOMAIN/ns/NS/sa/SA`. */
  from: string;
  /** A workload reference. */
  to: string;
  /** The workload's target (container) port. */
  port?: number;
  method?: string;
  path?: string;
  /** The request's Host/authority. */
  host?: string;
}

/** @public */
export interface CheckResult extends CheckQuery {
  decision: Decision;
  mtls: boolean;
  reason: string;
  /** `NAMESPACE/NAME` of the policies that decided it. */
  policies: string[];
  /** The NetworkPolicy layer, where a NetworkPolicy isolates either end. */
  network?: NetworkAccess;
  /**
   * Only where `from` or `to` named a Service rather than a workload: the workloads it
   * selects (`CLUSTER/NAMESPACE/NAME`), each of which was checked.
   */
  services?: { from?: ServiceWorkloads; to?: ServiceWorkloads };
  /**
   * Only where those workloads do not all get the same answer: one answer per workload
   * (then `decision` is CONDITIONAL: it depends on which workload serves or calls).
   */
  answers?: CheckResult[];
}

/** A Service (or ServiceEntry) named in a query and the workloads it selects. @public */
export interface ServiceWorkloads {
  service: string;
  /** Only where it is a ServiceEntry with a workloadSelector. */
  kind?: 'ServiceEntry';
  workloads: string[];
}

/** Resolves a caller reference. @public */
export function parseCaller(model: MeshModel, ref: string): Caller {
  if (ref === 'plaintext') return { kind: 'plaintext' };
  if (ref.startsWith('principal:')) {
    const principal = ref.slice('principal:'.length);
    if (!parsePrincipal(principal)) {
      throw new UnknownReferenceError(
        `"${ref}" is not a principal: use principal:TRUST_DOMAIN/ns/NAMESPACE/sa/SERVICE_ACCOUNT`,
      );
    }
    return { kind: 'principal', principal };
  }
  return { kind: 'workload', workload: model.resolveWorkload(ref) };
}

function answer(query: CheckQuery, access: Access): CheckResult {
  return {
    ...query,
    decision: access.decision,
    mtls: access.mtls,
    reason: access.reason,
    policies: access.policies,
    ...(access.network ? { network: access.network } : {}),
  };
}

/**
 * Answers one query. A workload reference answers as the contract says; a Service is
 * answered for each workload it selects, as one answer where they all agree.
 * @public
 */
export function check(model: MeshModel, query: CheckQuery): CheckResult {
  const special =
    query.from === 'plaintext' || query.from.startsWith('principal:');
  const from = special ? undefined : resolveReference(model, query.from);
  const callers: { ref: string; caller: Caller }[] = from
    ? from.workloads.map(w => ({
        ref: w.id,
        caller: { kind: 'workload', workload: w },
      }))
    : [{ ref: query.from, caller: parseCaller(model, query.from) }];
  const to = resolveReference(model, query.to);
  if (!from?.service && !to.service) {
    return answer(
      query,
      evaluateAccess(callers[0].caller, to.workloads[0], query),
    );
  }
  const answers = callers.flatMap(({ ref, caller }) =>
    to.workloads.map(server =>
      answer(
        { ...query, from: ref, to: server.id },
        evaluateAccess(caller, server, query),
      ),
    ),
  );
  const services = {
    ...(from?.service
      ? {
          from: {
            service: from.service,
            ...(from.kind ? { kind: from.kind } : {}),
            workloads: from.workloads.map(w => w.id),
          },
        }
      : {}),
    ...(to.service
      ? {
          to: {
            service: to.service,
            ...(to.kind ? { kind: to.kind } : {}),
            workloads: to.workloads.map(w => w.id),
          },
        }
      : {}),
  };
  const [first] = answers;
  const same = (a: CheckResult) =>
    a.decision === first.decision &&
    a.mtls === first.mtls &&
    a.policies.join() === first.policies.join() &&
    JSON.stringify(a.network) === JSON.stringify(first.network);
  if (answers.every(same)) {
    return {
      ...query,
      decision: first.decision,
      mtls: first.mtls,
      reason:
        answers.length === 1
          ? first.reason
          : `all ${answers.length} workload pairs answer alike; for ${first.from} -> ${first.to}: ${first.reason}`,
      policies: first.policies,
      ...(first.network ? { network: first.network } : {}),
      services,
    };
  }
  const summary = answers
    .map(a => `${a.from} -> ${a.to}: ${a.decision}`)
    .join('; ');
  return {
    ...query,
    decision: 'CONDITIONAL',
    mtls: answers.every(a => a.mtls),
    reason: `it depends on which workload of the Service serves or calls: ${summary}`,
    policies: [...new Set(answers.flatMap(a => a.policies))].sort(),
    services,
    answers,
  };
}
