import { ObjectRef } from '../model/types';
import { decideAccess, waypointRoutes } from '../engine/access';
import { CompiledPolicy, ztunnelL7Fields } from '../engine/authorization';
import { ClusterModel, MeshModel, WorkloadModel } from '../engine/MeshModel';
import { namesServiceEntry, WaypointBinding } from '../engine/waypoints';
import { Finding, finding, isSystemNamespace } from './detect';
import { FindingUnits } from './findingUnits';

/*
 * Findings about ambient waypoints: ZT031 (a waypoint named and not used), ZT032 (L7
 * fields in a selector policy of a workload a waypoint serves), ZT033 (the destination's
 * ztunnel refuses its waypoint), ZT034 (`cluster.local` principals that ztunnel reads as
 * written in a mesh of another trust domain), ZT042 (a policy bound to a Service or
 * ServiceEntry that no waypoint serves).
 */

const workloadRef = (w: WorkloadModel): ObjectRef => ({
  cluster: w.cluster.name,
  kind: w.workload.kind,
  namespace: w.namespace,
  name: w.workload.name,
});

const policyRef = (cluster: ClusterModel, p: CompiledPolicy): ObjectRef => ({
  cluster: cluster.name,
  kind: 'AuthorizationPolicy',
  namespace: p.policy.namespace,
  name: p.policy.name,
});

/** ZT031: a Service or pod names a waypoint that is missing, not ready, or refuses it. */
function unusedWaypointFindings(cluster: ClusterModel, out: Finding[]) {
  const report = (
    resource: ObjectRef,
    what: string,
    binding: WaypointBinding,
    affected: WorkloadModel[],
  ) => {
    if (!binding.problem) return;
    out.push(
      finding(
        'ZT031',
        resource,
        `${what} uses waypoint ${binding.problem.waypoint} (${binding.via} istio.io/use-waypoint), but ${binding.problem.message}: its traffic goes straight to ztunnel, and the policies bound to the waypoint are not enforced.`,
        affected.length === 1 ? affected[0] : undefined,
        affected.length > 1 ? affected : undefined,
      ),
    );
  };
  const ambient = cluster.workloads.filter(
    w =>
      w.membership.mode === 'ambient' &&
      !isSystemNamespace(cluster, w.namespace),
  );
  // Each Service's ambient workloads, in the workloads' order, indexed once: asking
  // every workload for every Service is quadratic in the cluster's size.
  const byService = new Map<object, WorkloadModel[]>();
  for (const w of ambient) {
    for (const p of w.ports) {
      for (const { service } of p.services) {
        const list = byService.get(service);
        if (!list) byService.set(service, [w]);
        else if (list[list.length - 1] !== w) list.push(w);
      }
    }
  }
  for (const service of cluster.state.services) {
    const selected = byService.get(service);
    if (!selected) continue;
    report(
      {
        cluster: cluster.name,
        kind: 'Service',
        namespace: service.namespace,
        name: service.name,
      },
      `Service ${service.namespace}/${service.name}`,
      cluster.waypoints.forService(service),
      selected,
    );
  }
  // A namespace's label the Service already reported is not reported again per pod.
  for (const w of ambient) {
    const binding = w.workloadWaypoint;
    const hasService = w.ports.some(p => p.services.length);
    if (binding.via === 'pod label' || !hasService) {
      report(workloadRef(w), w.id, binding, [w]);
    }
  }
}

/** ZT032 and ZT033, for one ambient workload a waypoint serves. */
function servedWorkloadFindings(w: WorkloadModel, out: Finding[]) {
  const routes = waypointRoutes(w);
  if (!routes.length) return;
  const waypoints = [...new Set(routes.map(r => r.waypoint.ref))].join(', ');
  for (const p of w.policies) {
    const l7 = [...new Set(p.policy.rules.flatMap(ztunnelL7Fields))];
    if (!l7.length) continue;
    out.push(
      finding(
        'ZT032',
        policyRef(w.cluster, p),
        `${p.ref} selects ${
          w.id
        }, so ztunnel enforces it, and ztunnel cannot read ${l7.join(
          ', ',
        )}; waypoint ${waypoints} serves ${
          w.id
        } and would, were the policy bound to it with targetRefs.`,
        w,
      ),
    );
  }
  // Any mesh identity stands for the clients: the hop from the waypoint is the same for all.
  const probe = {
    kind: 'principal' as const,
    principal: `${w.cluster.state.mesh.trustDomain}/ns/~/sa/~`,
  };
  const refused = decideAccess(probe, w, {}).filter(
    d => d.by === 'waypoint' && d.ztunnel.decision === 'DENY',
  );
  if (!refused.length) return;
  const first = refused[0];
  if (first.by !== 'waypoint') return;
  const ports = refused.flatMap(d => (d.port === undefined ? [] : [d.port]));
  out.push(
    finding(
      'ZT033',
      workloadRef(w),
      `${w.id}'s own AuthorizationPolicies do not admit its waypoint ${
        first.route.waypoint.ref
      } (identity ${first.route.waypoint.principal})${
        ports.length
          ? ` on port${ports.length > 1 ? 's' : ''} ${ports.join(', ')}`
          : ''
      }: every call through the waypoint is denied by ztunnel.`,
      w,
    ),
  );
}

const clusterLocal = 'cluster.local/';

/**
 * ZT034: ztunnel matches principals as written (istio/ztunnel#1260, open; handleRule in
 * pilot/pkg/serviceregistry/ambient/authorization.go hands them over without the trust
 * domain rewriting sidecars do), so `cluster.local/...` names nobody in a mesh whose
 * trust domain is another.
 */
function clusterLocalFindings(cluster: ClusterModel, out: Finding[]) {
  if (cluster.state.mesh.trustDomain === 'cluster.local') return;
  const seen = new Set<string>();
  for (const w of cluster.workloads) {
    if (w.membership.mode !== 'ambient') continue;
    for (const p of w.policies) {
      if (seen.has(p.ref)) continue;
      const written = p.policy.rules.flatMap(rule => [
        ...(rule.from ?? []).flatMap(f => [
          ...(f?.principals ?? []),
          ...(f?.notPrincipals ?? []),
        ]),
        ...(rule.when ?? [])
          .filter(c => c.key === 'source.principal')
          .flatMap(c => [...(c.values ?? []), ...(c.notValues ?? [])]),
      ]);
      const local = written.filter(v => v.startsWith(clusterLocal));
      if (!local.length) continue;
      seen.add(p.ref);
      out.push(
        finding(
          'ZT034',
          policyRef(cluster, p),
          `${p.ref} names ${local.join(
            ', ',
          )}, which ztunnel compares as written: no workload of trust domain ${
            cluster.state.mesh.trustDomain
          } has that identity (a sidecar or waypoint would read cluster.local as the local trust domain). It applies to ambient workload ${
            w.id
          }.`,
          w,
        ),
      );
    }
  }
}

/**
 * ZT042: a policy bound with targetRefs to a Service or ServiceEntry that has no
 * waypoint, or that does not exist: only a waypoint reads such a binding
 * (ShouldAttachPolicy in pilot/pkg/model/policyattachment.go), so no proxy enforces it;
 * istiod says the same in the policy's WaypointAccepted condition
 * (WaypointPolicyStatusCollection in pilot/pkg/serviceregistry/ambient/policies.go).
 * Dry-run policies are ZT023's.
 */
function unboundTargetFindings(cluster: ClusterModel, out: Finding[]) {
  const { state } = cluster;
  for (const p of state.authorizationPolicies) {
    if (p.dryRun || !p.targetRefs?.length) continue;
    if (isSystemNamespace(cluster, p.namespace)) continue;
    const problems: string[] = [];
    for (const ref of p.targetRefs) {
      if (ref.kind === 'ServiceEntry' && ref.group === 'networking.istio.io') {
        const what = `ServiceEntry ${p.namespace}/${ref.name}`;
        const entry = (state.serviceEntries ?? []).find(e =>
          namesServiceEntry(p, ref, e),
        );
        if (!entry) problems.push(`${what}, which does not exist`);
        else {
          const binding = cluster.waypoints.forServiceEntry(entry);
          if (!binding.waypoint) problems.push(unbound(what, binding));
        }
      } else if (
        ref.kind === 'Service' &&
        (!ref.group || ref.group === 'core')
      ) {
        const what = `Service ${p.namespace}/${ref.name}`;
        const service = (
          cluster.servicesByNamespace.get(p.namespace) ?? []
        ).find(s => s.name === ref.name);
        if (!service) problems.push(`${what}, which does not exist`);
        else {
          const binding = cluster.waypoints.forService(service);
          if (!binding.waypoint) problems.push(unbound(what, binding));
        }
      }
    }
    if (!problems.length) continue;
    out.push(
      finding(
        'ZT042',
        {
          cluster: cluster.name,
          kind: 'AuthorizationPolicy',
          namespace: p.namespace,
          name: p.name,
        },
        `${p.namespace}/${p.name} is bound to ${problems.join(
          '; and to ',
        )}: only a waypoint enforces a policy bound with targetRefs (sidecars and ztunnel ignore it), so no proxy enforces this one.`,
      ),
    );
  }
}

function unbound(what: string, binding: WaypointBinding): string {
  return binding.problem
    ? `${what}, whose waypoint is not used (${binding.problem.message})`
    : `${what}, which uses no waypoint (no istio.io/use-waypoint on it or its namespace)`;
}

/** Every waypoint finding of the mesh. */
export function waypointFindings(
  model: MeshModel,
  out: Finding[],
  units: FindingUnits = new FindingUnits(),
): void {
  for (const cluster of model.clusters) {
    units.section('waypoints', cluster.name, out, () => {
      units.cluster('unusedWaypoint', cluster.name, out, () =>
        unusedWaypointFindings(cluster, out),
      );
      for (const w of cluster.workloads) {
        units.workload('servedWorkload', w, out, () => {
          if (w.membership.mode !== 'ambient') return;
          if (isSystemNamespace(cluster, w.namespace)) return;
          servedWorkloadFindings(w, out);
        });
      }
      units.clusterPolicies('clusterLocal', cluster.name, out, () =>
        clusterLocalFindings(cluster, out),
      );
      units.clusterPolicies('unboundTarget', cluster.name, out, () =>
        unboundTargetFindings(cluster, out),
      );
    });
  }
}
