import { Caller, NetworkAccess, evaluateAccess } from './access';
import { Decision } from './authorization';
import { parsePrincipal } from './identity';
import { MeshModel, UnknownReferenceError } from './MeshModel';

/** One `check` query (contracts/cli.md). @public */
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

/** Answers one query. @public */
export function check(model: MeshModel, query: CheckQuery): CheckResult {
  const caller = parseCaller(model, query.from);
  const server = model.resolveWorkload(query.to);
  const access = evaluateAccess(caller, server, query);
  return {
    ...query,
    decision: access.decision,
    mtls: access.mtls,
    reason: access.reason,
    policies: access.policies,
    ...(access.network ? { network: access.network } : {}),
  };
}
