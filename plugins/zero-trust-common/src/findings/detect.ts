import { formatSelector, selectorMatches } from '../model/labels';
import { ObjectRef } from '../model/types';
import { ClusterModel, MeshModel, WorkloadModel } from '../engine/MeshModel';
import type { CallerAnalysis } from '../engine/callers';
import { parsePrincipal } from '../engine/identity';
import { resolveRuleHost, serviceHost } from '../engine/destinationRules';
import { stringMatches } from '../engine/match';
import { CompiledPolicy, ruleHttpFields } from '../engine/authorization';
import { certificateFindings } from './certificateFindings';
import { networkPolicyFindings } from './networkPolicyFindings';
import { waypointFindings } from './waypointFindings';
import { waypointRoutes } from '../engine/access';
import { uncaptured } from '../engine/interception';
import { edgeFindings } from './edgeFindings';
import { FindingUnits } from './findingUnits';
import {
  FindingCode,
  findingCatalogue,
  Severity,
  NistControl,
} from './catalogue';
import { workloadList } from './workloadList';

/** One finding: what is wrong, where, and what to do. @public */
export interface Finding {
  code: FindingCode;
  title: string;
  severity: Severity;
  resource: ObjectRef;
  /** `CLUSTER/NAMESPACE/NAME` of the workload it concerns, where it concerns one. */
  workload?: string;
  /**
   * `CLUSTER/NAMESPACE/NAME` of each workload it affects, where a resource of another
   * kind affects several: a DestinationRule (ZT011) toward their host, which may live
   * in another namespace than they do. The message names at most a few of them
   * (`workloadList`).
   */
  workloads?: string[];
  message: string;
  remediation: string;
  controls: NistControl[];
  kiali?: string;
  istioctl?: string;
  docs: string;
}

export function finding(
  code: FindingCode,
  resource: ObjectRef,
  message: string,
  workload?: WorkloadModel,
  affected?: WorkloadModel[],
): Finding {
  const def = findingCatalogue[code];
  return {
    code,
    title: def.title,
    severity: def.severity,
    resource,
    ...(workload ? { workload: workload.id } : {}),
    ...(affected ? { workloads: affected.map(w => w.id) } : {}),
    message,
    remediation: def.remediation,
    controls: def.controls,
    ...(def.kiali ? { kiali: def.kiali } : {}),
    ...(def.istioctl ? { istioctl: def.istioctl } : {}),
    docs: def.docs,
  };
}

const workloadRef = (w: WorkloadModel): ObjectRef => ({
  cluster: w.cluster.name,
  kind: w.workload.kind,
  namespace: w.namespace,
  name: w.workload.name,
});

const policyRef = (
  cluster: ClusterModel,
  kind: string,
  namespace: string,
  name: string,
): ObjectRef => ({
  cluster: cluster.name,
  kind,
  namespace,
  name,
});

// Namespaces whose workloads run the platform itself and are not onboarded.
const systemNamespaces = ['kube-system', 'kube-public', 'kube-node-lease'];

export function isSystemNamespace(
  cluster: ClusterModel,
  namespace: string,
): boolean {
  return (
    systemNamespaces.includes(namespace) ||
    namespace === cluster.state.mesh.rootNamespace
  );
}

function workloadFindings(w: WorkloadModel, out: Finding[]) {
  if (isSystemNamespace(w.cluster, w.namespace)) return;
  if (!w.inMesh) {
    out.push(
      finding(
        'ZT001',
        workloadRef(w),
        `${w.id} has no sidecar and is not ambient (${w.membership.reason}): it sends and accepts plaintext and no policy is enforced on it.`,
        w,
      ),
    );
    return;
  }
  const mtls = w.mtls;
  const ambient = w.membership.mode === 'ambient';
  for (const mode of ['PERMISSIVE', 'DISABLE'] as const) {
    const effective = (m: string) =>
      ambient && m === 'DISABLE' ? 'PERMISSIVE' : m;
    const ports = w.ports
      .map(p => ({
        port: p.port,
        m: effective(mtls.ports[p.port]?.mode ?? mtls.mode),
      }))
      .filter(p => p.m === mode)
      .map(p => p.port);
    const wide = effective(mtls.mode) === mode;
    if (!wide && ports.length === 0) continue;
    const where = ports.length
      ? `on port${ports.length > 1 ? 's' : ''} ${ports.join(', ')}`
      : 'on every port';
    const by = mtls.decidedBy
      ? ` (PeerAuthentication ${mtls.decidedBy})`
      : ' (Istio default: no PeerAuthentication)';
    out.push(
      finding(
        mode === 'PERMISSIVE' ? 'ZT002' : 'ZT003',
        workloadRef(w),
        mode === 'PERMISSIVE'
          ? `${w.id} accepts plaintext ${where}${by}.`
          : `${w.id} has mTLS disabled ${where}${by}.`,
        w,
      ),
    );
  }
  const uncapturedPorts = w.ports.flatMap(p => {
    const why = uncaptured(w, p.port);
    return why ? [`${p.port} (${why})`] : [];
  });
  if (uncapturedPorts.length) {
    out.push(
      finding(
        'ZT044',
        workloadRef(w),
        `${w.id}'s sidecar does not capture port${
          uncapturedPorts.length > 1 ? 's' : ''
        } ${uncapturedPorts.join(
          ', ',
        )}: whoever reaches the pod talks to the application there in plaintext, and no PeerAuthentication or AuthorizationPolicy applies.`,
        w,
      ),
    );
  }
  if (!w.policies.some(p => p.policy.action === 'ALLOW')) {
    out.push(
      finding(
        'ZT004',
        workloadRef(w),
        `No ALLOW AuthorizationPolicy applies to ${w.id}, so every caller that reaches it is allowed.`,
        w,
      ),
    );
  }
  // A waypoint that serves it reads L7 fields (bound with targetRefs): ZT032 then.
  if (ambient && waypointRoutes(w).length === 0) {
    for (const p of w.policies) {
      const l7 = p.policy.rules.flatMap(ruleHttpFields);
      if (l7.length) {
        out.push(
          finding(
            'ZT015',
            policyRef(
              w.cluster,
              'AuthorizationPolicy',
              p.policy.namespace,
              p.policy.name,
            ),
            `${
              w.id
            } is ambient without a waypoint, so ztunnel cannot enforce ${[
              ...new Set(l7),
            ].join(', ')} in ${p.ref}.`,
            w,
          ),
        );
      }
    }
  }
}

function isWiderThanNamespace(pattern: string): boolean {
  if (pattern === '*' || pattern.startsWith('*')) return true;
  if (!pattern.endsWith('*')) return false;
  // `TD/ns/NS/sa/*` and `TD/ns/NS/*` stay within one namespace.
  return !/^[^/*]+\/ns\/[^/*]+\/./.test(pattern);
}

function policyFindings(
  cluster: ClusterModel,
  model: MeshModel,
  out: Finding[],
  units: FindingUnits,
) {
  let known: Set<string> | undefined;
  const knownDomains = () =>
    (known ??= new Set(model.clusters.flatMap(c => c.trustDomains)));
  for (const compiled of [...cluster.policiesByNamespace.values()].flat()) {
    units.policy('policy', cluster.name, compiled.policy, out, () =>
      onePolicyFindings(cluster, model, compiled, knownDomains(), out),
    );
  }
}

/** ZT005-ZT010 and ZT012 of one policy: they read no other policy. */
function onePolicyFindings(
  cluster: ClusterModel,
  model: MeshModel,
  compiled: CompiledPolicy,
  knownDomains: Set<string>,
  out: Finding[],
) {
  const { mesh } = cluster.state;
  const { policy } = compiled;
  const ref = policyRef(
    cluster,
    'AuthorizationPolicy',
    policy.namespace,
    policy.name,
  );
  const scope =
    policy.namespace === mesh.rootNamespace
      ? cluster.workloads
      : cluster.workloadsByNamespace.get(policy.namespace) ?? [];
  const selected = policy.targetRefs
    ? []
    : scope.filter(w => selectorMatches(policy.selector, w.workload.labels));
  if (
    policy.selector &&
    Object.keys(policy.selector).length &&
    !selected.length &&
    !policy.targetRefs
  ) {
    out.push(
      finding(
        'ZT010',
        ref,
        `The selector ${formatSelector(policy.selector)} of ${
          compiled.ref
        } matches no workload, so the policy does nothing.`,
      ),
    );
  }
  policy.rules.forEach((rule, i) => {
    const at = `${compiled.ref} rule ${i}`;
    if (policy.action === 'ALLOW' && !rule.from) {
      out.push(
        finding(
          'ZT005',
          ref,
          `${at} has no "from": any caller${
            rule.to ? ' (for the operations it lists)' : ''
          } is allowed.`,
        ),
      );
    }
    for (const source of rule.from ?? []) {
      const principals = [
        ...(source?.principals ?? []),
        ...(source?.notPrincipals ?? []),
      ];
      if (policy.action === 'ALLOW') {
        const wide = [
          ...(source?.principals ?? []).filter(isWiderThanNamespace),
          ...(source?.namespaces ?? []).filter(n => n.includes('*')),
        ];
        if (wide.length) {
          out.push(
            finding(
              'ZT006',
              ref,
              `${at} allows ${wide
                .map(w => `"${w}"`)
                .join(', ')}, a wildcard wider than one namespace.`,
            ),
          );
        }
      }
      for (const principal of principals) {
        const parsed = parsePrincipal(principal);
        if (!parsed || principal.includes('*')) continue;
        const td = parsed.trustDomain;
        const local =
          td === 'cluster.local' || cluster.trustDomains.includes(td);
        if (!local && !knownDomains.has(td)) {
          out.push(
            finding(
              'ZT009',
              ref,
              `${at} names ${principal}, whose trust domain ${td} is neither ${cluster.trustDomains.join(
                ' nor ',
              )} nor another known cluster's.`,
            ),
          );
          continue;
        }
        const target = local
          ? cluster
          : model.clusters.find(c => c.trustDomains.includes(td));
        if (
          target &&
          !identityExists(target, parsed.namespace, parsed.serviceAccount)
        ) {
          out.push(
            finding(
              'ZT008',
              ref,
              `${at} names ${principal}, but cluster ${target.name} has no ${
                target.hasNamespace(parsed.namespace)
                  ? `service account ${parsed.serviceAccount} in namespace ${parsed.namespace}`
                  : `namespace ${parsed.namespace}`
              }.`,
            ),
          );
        }
      }
      for (const namespace of [
        ...(source?.namespaces ?? []),
        ...(source?.notNamespaces ?? []),
      ]) {
        if (namespace.includes('*')) continue;
        if (!model.clusters.some(c => c.hasNamespace(namespace))) {
          out.push(
            finding(
              'ZT008',
              ref,
              `${at} names namespace ${namespace}, which no known cluster has.`,
            ),
          );
        }
      }
    }
    const httpFields = ruleHttpFields(rule);
    if (httpFields.length) {
      const rulePorts = new Set((rule.to ?? []).flatMap(o => o?.ports ?? []));
      const tcp = selected
        .filter(w => w.membership.mode === 'sidecar')
        .flatMap(w =>
          w.ports
            .filter(
              p =>
                p.protocol === 'tcp' &&
                (rulePorts.size === 0 || rulePorts.has(String(p.port))),
            )
            .map(p => `${w.id}:${p.port}`),
        );
      if (tcp.length) {
        const effect =
          policy.action === 'ALLOW'
            ? 'the rule never matches there'
            : 'those fields are dropped there, so the rule matches more';
        out.push(
          finding(
            'ZT012',
            ref,
            `${at} uses ${httpFields.join(', ')} on TCP port${
              tcp.length > 1 ? 's' : ''
            } ${tcp.join(', ')}: ${effect}.`,
          ),
        );
      }
    }
  });
  if (policy.action === 'DENY') {
    const identityFields = policy.rules.some(r =>
      (r.from ?? []).some(
        s => s?.principals || s?.namespaces || s?.serviceAccounts,
      ),
    );
    const exposed = selected.filter(
      w =>
        w.inMesh &&
        (w.mtls.mode !== 'STRICT' ||
          Object.values(w.mtls.ports).some(p => p.mode !== 'STRICT')),
    );
    if (identityFields && exposed.length) {
      out.push(
        finding(
          'ZT007',
          ref,
          `${compiled.ref} denies by principal or namespace, but ${exposed
            .map(w => w.id)
            .join(', ')} accept${
            exposed.length === 1 ? 's' : ''
          } plaintext, which carries neither: plaintext callers are not denied.`,
        ),
      );
    }
  }
}

function identityExists(
  cluster: ClusterModel,
  namespace: string,
  serviceAccount: string,
): boolean {
  if (!cluster.hasNamespace(namespace)) return false;
  if (serviceAccount === 'default') return true;
  return cluster.serviceAccounts.has(`${namespace}/${serviceAccount}`);
}

function meshConfigFindings(cluster: ClusterModel, out: Finding[]) {
  const { mesh, peerAuthentications, destinationRules } = cluster.state;
  const wide = new Map<string, string[]>();
  for (const pa of peerAuthentications) {
    if (pa.selector && Object.keys(pa.selector).length) {
      if (
        pa.namespace !== mesh.rootNamespace &&
        !(cluster.workloadsByNamespace.get(pa.namespace) ?? []).some(w =>
          selectorMatches(pa.selector, w.workload.labels),
        )
      ) {
        out.push(
          finding(
            'ZT010',
            policyRef(cluster, 'PeerAuthentication', pa.namespace, pa.name),
            `The selector ${formatSelector(
              pa.selector,
            )} of PeerAuthentication ${pa.namespace}/${
              pa.name
            } matches no workload.`,
          ),
        );
      }
      continue;
    }
    wide.set(pa.namespace, [...(wide.get(pa.namespace) ?? []), pa.name]);
  }
  for (const [namespace, names] of wide) {
    if (names.length > 1) {
      const scope =
        namespace === mesh.rootNamespace
          ? 'mesh-wide'
          : `namespace-wide in ${namespace}`;
      out.push(
        finding(
          'ZT014',
          policyRef(cluster, 'PeerAuthentication', namespace, names[0]),
          `${names.length} ${scope} PeerAuthentications (${names.join(
            ', ',
          )}): only the oldest applies.`,
        ),
      );
    }
  }
  // Workloads by the hostname of each Service that exposes them.
  const byHost = new Map<string, WorkloadModel[]>();
  for (const w of cluster.workloads) {
    for (const p of w.ports) {
      for (const { service } of p.services) {
        const h = serviceHost(service.namespace, service.name);
        const list = byHost.get(h) ?? [];
        if (!list.includes(w)) list.push(w);
        byHost.set(h, list);
      }
    }
  }
  for (const rule of destinationRules) {
    const modes = [rule.tlsMode, ...Object.values(rule.portLevelTls)];
    const host = resolveRuleHost(rule);
    const matched = host.includes('*')
      ? [...byHost]
          .filter(([h]) => stringMatches(host, h))
          .flatMap(([, workloads]) => workloads)
      : byHost.get(host) ?? [];
    // A sidecar client originates Istio mTLS that a workload without a proxy cannot
    // terminate: the connection fails (a TLS conflict,
    // https://istio.io/latest/docs/ops/common-problems/network-issues/).
    const outside = [...new Set(matched.filter(w => !w.inMesh))];
    if (modes.includes('ISTIO_MUTUAL') && outside.length) {
      out.push(
        finding(
          'ZT016',
          policyRef(cluster, 'DestinationRule', rule.namespace, rule.name),
          `DestinationRule ${rule.namespace}/${
            rule.name
          } sends Istio mTLS toward ${host}, but ${workloadList(
            outside.map(w => w.id),
          )} ${
            outside.length === 1 ? 'is' : 'are'
          } outside the mesh: no proxy terminates it, so calls from in-mesh clients fail.`,
          undefined,
          outside,
        ),
      );
    }
    if (!modes.includes('DISABLE')) continue;
    const targets = [...new Set(matched.filter(w => w.inMesh))];
    if (!targets.length) continue;
    const strict = targets.filter(w => w.mtls.mode === 'STRICT');
    out.push(
      finding(
        'ZT011',
        policyRef(cluster, 'DestinationRule', rule.namespace, rule.name),
        strict.length
          ? `DestinationRule ${rule.namespace}/${
              rule.name
            } disables TLS toward ${host}, but ${workloadList(
              strict.map(w => w.id),
            )} require${
              strict.length === 1 ? 's' : ''
            } STRICT mTLS: those requests fail.`
          : `DestinationRule ${rule.namespace}/${
              rule.name
            } disables TLS toward ${host}, downgrading in-mesh traffic to ${workloadList(
              targets.map(w => w.id),
            )} to plaintext.`,
        undefined,
        targets,
      ),
    );
  }
}

function namespaceFindings(
  cluster: ClusterModel,
  out: Finding[],
  units: FindingUnits,
) {
  for (const [namespace, workloads] of cluster.workloadsByNamespace) {
    units.namespace('namespace', cluster.name, namespace, out, () =>
      namespaceFinding(cluster, namespace, workloads, out),
    );
  }
}

/** ZT013 of one namespace. */
function namespaceFinding(
  cluster: ClusterModel,
  namespace: string,
  workloads: WorkloadModel[],
  out: Finding[],
) {
  if (isSystemNamespace(cluster, namespace) || !workloads.some(w => w.inMesh))
    return;
  if (!cluster.hasDefaultDeny(namespace)) {
    out.push(
      finding(
        'ZT013',
        { cluster: cluster.name, kind: 'Namespace', name: namespace },
        `Namespace ${namespace} has no allow-nothing AuthorizationPolicy (an ALLOW with an empty spec), so a workload without its own policy is open.`,
      ),
    );
  }
}

/** How findings that depend on time are read. @public */
export interface FindingOptions {
  /** The moment to judge ages against (default: now). */
  now?: number;
  /** How long a policy may stay in dry-run before ZT023 (default 14 days). */
  dryRunMaxAgeDays?: number;
  /**
   * Each workload's allowed callers, where they are computed already for this model
   * (`analyze`'s views, the backend's cache): ZT018 reads their network-blocked callers
   * instead of computing them again. A map, or anything with its `get` (asked only for
   * the workloads ZT018 looks at); missing workloads are computed.
   */
  callers?: Pick<ReadonlyMap<WorkloadModel, CallerAnalysis>, 'get'>;
}

const day = 24 * 60 * 60 * 1000;

/** ZT023: `istio.io/dry-run` policies created longer ago than the rollout window. */
function dryRunFindings(
  cluster: ClusterModel,
  options: FindingOptions,
  out: Finding[],
) {
  const now = options.now ?? Date.now();
  const maxDays = options.dryRunMaxAgeDays ?? 14;
  for (const policy of cluster.state.authorizationPolicies) {
    if (!policy.dryRun || !policy.creationTimestamp) continue;
    const created = Date.parse(policy.creationTimestamp);
    if (Number.isNaN(created)) continue;
    const days = Math.floor((now - created) / day);
    if (now - created <= maxDays * day) continue;
    out.push(
      finding(
        'ZT023',
        policyRef(
          cluster,
          'AuthorizationPolicy',
          policy.namespace,
          policy.name,
        ),
        `${policy.namespace}/${policy.name} has been in dry-run (istio.io/dry-run) for ${days} days, more than ${maxDays}: it is logged, not enforced.`,
      ),
    );
  }
}

/** Every finding in the mesh, in a stable order. @public */
export function detectFindings(
  model: MeshModel,
  options: FindingOptions = {},
): Finding[] {
  return detectFindingUnits(model, options, new FindingUnits());
}

/**
 * {@link detectFindings}, unit by unit: each unit found again or reused from the last
 * detection as `units` says (see `IncrementalFindings`); the same findings in the same
 * order either way.
 */
export function detectFindingUnits(
  model: MeshModel,
  options: FindingOptions,
  units: FindingUnits,
): Finding[] {
  const out: Finding[] = [];
  for (const cluster of model.clusters) {
    for (const problem of cluster.state.problems) {
      out.push(
        finding(
          'ZT000',
          problem.ref,
          `${problem.ref.kind} ${
            problem.ref.namespace ? `${problem.ref.namespace}/` : ''
          }${problem.ref.name}${problem.file ? ` in ${problem.file}` : ''}: ${
            problem.message
          }. Istio rejects it, so it was left out of the analysis.`,
        ),
      );
    }
    units.section('cluster', cluster.name, out, () => {
      for (const w of cluster.workloads) {
        units.workload('workload', w, out, () => workloadFindings(w, out));
      }
      policyFindings(cluster, model, out, units);
      units.cluster('meshConfig', cluster.name, out, () =>
        meshConfigFindings(cluster, out),
      );
      namespaceFindings(cluster, out, units);
    });
    dryRunFindings(cluster, options, out);
  }
  networkPolicyFindings(model, out, options.callers, units);
  certificateFindings(model, options, out, units);
  waypointFindings(model, out, units);
  edgeFindings(model, out, options.callers, units);
  return out;
}
