import { MeshModel, WorkloadModel } from '../engine/MeshModel';
import {
  AuthorizationOperation,
  AuthorizationPolicyInfo,
  AuthorizationRule,
  AuthorizationSource,
} from '../model/types';
import { workloadView } from '../report/analyze';
import { DiffReport, diffReports } from '../report/diff';
import { UsageWindow, WorkloadUsage } from '../usage/types';

/** A used caller the tightened policy keeps, with the evidence. @public */
export interface KeptCaller {
  label: string;
  /** Requests or connections let through in the window. */
  count: number;
  lastSeen?: string;
  /** Target ports seen, where the metrics carry them. */
  ports?: number[];
  /** The identities seen, which the tightened rules name. */
  principals: string[];
}

/** A rule the plan leaves as it is, and why. @public */
export interface UntouchedRule {
  policy: string;
  rule: number;
  why: string;
}

/** One ALLOW policy's new rules, as its manifest's `spec.rules` holds them. @public */
export interface PolicyTightening {
  /** `NAMESPACE/NAME`. */
  policy: string;
  namespace: string;
  name: string;
  /** The new `spec.rules` (manifest form: `from[].source`, `to[].operation`, `when`). */
  rules: Record<string, unknown>[];
}

/** What narrowing a workload's ALLOW policies to the callers it used changes. @public */
export interface TighteningPlan {
  /** `CLUSTER/NAMESPACE/NAME`. */
  workload: string;
  window: UsageWindow;
  /** The policies whose rules change (none: nothing to tighten). */
  policies: PolicyTightening[];
  /** Allowed callers seen in the window: kept, by the identities seen. */
  kept: KeptCaller[];
  /** Allowed callers not seen in the window: no longer admitted (by label). */
  removed: string[];
  untouched: UntouchedRule[];
  /** Policies that admit callers of this workload and are not narrowed, and why. */
  notes: string[];
  /** The workload's callers before and after, the engine's diff. */
  diff: DiffReport;
}

const ref = (p: AuthorizationPolicyInfo) => `${p.namespace}/${p.name}`;

/** Fields of a source that say who, which the plan may replace by the principals seen. */
const whoFields = new Set(['principals', 'namespaces', 'serviceAccounts']);

/** The manifest form of a normalized rule. */
function manifestRule(rule: AuthorizationRule): Record<string, unknown> {
  return {
    ...(rule.from ? { from: rule.from.map(source => ({ source })) } : {}),
    ...(rule.to ? { to: rule.to.map(operation => ({ operation })) } : {}),
    ...(rule.when ? { when: rule.when } : {}),
  };
}

function narrowOperations(
  to: AuthorizationOperation[] | undefined,
  ports: number[] | undefined,
): AuthorizationOperation[] | undefined {
  if (!ports?.length) return to;
  const seen = ports.map(String);
  if (!to) return [{ ports: seen }];
  return to.map(op => {
    if (!op.ports) return { ...op, ports: seen };
    const both = op.ports.filter(p => seen.includes(p));
    return both.length ? { ...op, ports: both } : op;
  });
}

/**
 * Narrows a workload's ALLOW policies (those that select its pods in its namespace,
 * enforced, not dry-run) to the callers its proxy saw in the window (`usage`, from
 * `workloadUsage`): each rule that admitted a used caller entry names exactly the
 * principals seen through it (a wildcard, a namespace or a service account becomes the
 * principals that used it) and, where the metrics carry target ports, only the ports
 * seen; a rule no used entry went through is dropped. Nothing used is removed: a rule
 * used by a caller without identity (plaintext), or whose sources say more than who
 * (notPrincipals, ipBlocks, request principals...), is left as it is and named. Policies
 * bound elsewhere (namespace-wide, mesh-wide, targetRefs) concern other workloads too and
 * are not narrowed, only named. The callers before and after are the engine's diff of the
 * workload with the policies as they are and as planned.
 *
 * @public
 */
export function planTightening(
  model: MeshModel,
  workload: WorkloadModel,
  usage: WorkloadUsage,
): TighteningPlan {
  const notes: string[] = [];
  const own = workload.policies
    .map(p => p.policy)
    .filter(
      p =>
        p.action === 'ALLOW' &&
        !p.dryRun &&
        p.namespace === workload.namespace &&
        p.selector !== undefined &&
        Object.keys(p.selector).length > 0,
    );
  for (const p of workload.policies.map(c => c.policy)) {
    if (
      p.action === 'ALLOW' &&
      !p.dryRun &&
      p.rules.length > 0 &&
      !own.includes(p)
    ) {
      notes.push(
        `${ref(p)} admits callers of this workload too, but it is bound to ${
          p.namespace === workload.namespace
            ? 'the whole namespace'
            : 'the mesh'
        }: narrowing it would change other workloads, so it is left as it is.`,
      );
    }
  }
  const ownRefs = new Set(own.map(ref));

  // What each rule of the workload's own policies was used by.
  const uses = new Map<
    string,
    { principals: Set<string>; ports: Set<number>; portsKnown: boolean }
  >();
  const keepAsIs = new Map<string, string>();
  const kept: KeptCaller[] = [];
  const removed: string[] = [];
  for (const { caller, usage: u } of usage.callers) {
    const rules = caller.admittedBy.filter(a => ownRefs.has(a.policy));
    if (u.state === 'unused') {
      if (rules.length) removed.push(caller.label);
      continue;
    }
    const principals = [
      ...new Set(
        u.observed.map(o => o.source.principal).filter((p): p is string => !!p),
      ),
    ].sort();
    kept.push({
      label: caller.label,
      count: u.count,
      ...(u.lastSeen ? { lastSeen: u.lastSeen } : {}),
      ...(u.ports ? { ports: u.ports } : {}),
      principals,
    });
    const withoutIdentity = u.observed.some(o => !o.source.principal);
    for (const a of rules) {
      const key = `${a.policy}#${a.rule}`;
      if (withoutIdentity) {
        keepAsIs.set(
          key,
          `used by callers without a mesh identity (${caller.label}): no principal can name them`,
        );
      }
      const entry = uses.get(key) ?? {
        principals: new Set<string>(),
        ports: new Set<number>(),
        portsKnown: true,
      };
      principals.forEach(p => entry.principals.add(p));
      if (u.ports?.length) u.ports.forEach(p => entry.ports.add(p));
      else entry.portsKnown = false;
      uses.set(key, entry);
    }
  }

  const untouched: UntouchedRule[] = [];
  const planned: PolicyTightening[] = [];
  const newRules = new Map<string, AuthorizationRule[]>();
  for (const policy of own) {
    const rules: AuthorizationRule[] = [];
    policy.rules.forEach((rule, index) => {
      const key = `${ref(policy)}#${index}`;
      const use = uses.get(key);
      if (!use) return; // no used caller went through it: dropped
      const why =
        keepAsIs.get(key) ??
        ((rule.from ?? []).some(s =>
          Object.keys(s).some(
            f => !whoFields.has(f) && s[f as keyof AuthorizationSource],
          ),
        )
          ? 'its sources say more than who (such as notPrincipals, ipBlocks or request principals): narrow it by hand'
          : undefined);
      if (why) {
        untouched.push({ policy: ref(policy), rule: index, why });
        rules.push(rule);
        return;
      }
      const to = narrowOperations(
        rule.to,
        use.portsKnown ? [...use.ports].sort((a, b) => a - b) : undefined,
      );
      rules.push({
        from: [{ principals: [...use.principals] }],
        ...(to ? { to } : {}),
        ...(rule.when ? { when: rule.when } : {}),
      });
    });
    newRules.set(ref(policy), rules);
    const before = JSON.stringify(policy.rules.map(manifestRule));
    const after = rules.map(manifestRule);
    if (JSON.stringify(after) !== before) {
      planned.push({
        policy: ref(policy),
        namespace: policy.namespace,
        name: policy.name,
        rules: after,
      });
    }
  }

  // The workload's callers with the policies as planned, by the engine.
  const cluster = workload.cluster;
  const afterModel = new MeshModel(
    model.clusters.map(c =>
      c !== cluster
        ? c.state
        : {
            ...c.state,
            authorizationPolicies: c.state.authorizationPolicies.map(p =>
              newRules.has(ref(p)) && planned.some(t => t.policy === ref(p))
                ? { ...p, rules: newRules.get(ref(p))! }
                : p,
            ),
          },
    ),
  );
  const viewOf = (m: MeshModel) => ({
    clusters: [],
    workloads: [workloadView(m.resolveWorkload(workload.id), m)],
    findings: [],
  });
  return {
    workload: workload.id,
    window: usage.window,
    policies: planned,
    kept,
    removed,
    untouched,
    notes,
    diff: diffReports(viewOf(model), viewOf(afterModel)),
  };
}
