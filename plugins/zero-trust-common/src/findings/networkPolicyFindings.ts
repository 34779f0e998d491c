import { ObjectRef } from '../model/types';
import { CallerAnalysis, allowedCallers } from '../engine/callers';
import { ClusterModel, MeshModel, WorkloadModel } from '../engine/MeshModel';
import {
  PodEnd,
  egressTo,
  hasNetworkDefaultDeny,
  hbonePort,
  ingressFromAnywhere,
  ingressSourceNamespaces,
  networkVerdict,
  usesNetworkPolicies,
} from '../engine/networkPolicy';
import { mtlsOnPort } from '../engine/peerAuthentication';
import { Finding, finding, isSystemNamespace } from './detect';
import { FindingUnits } from './findingUnits';

const networkPolicyRef = (cluster: ClusterModel, ref: string): ObjectRef => {
  const [namespace, name] = ref.split('/');
  return { cluster: cluster.name, kind: 'NetworkPolicy', namespace, name };
};

/** A pod the snapshot may lack: the cluster's own where it holds one, else its usual labels. */
function controlPlanePod(
  cluster: ClusterModel,
  namespace: string,
  labels: Record<string, string>,
  containerPorts: PodEnd['containerPorts'],
): PodEnd {
  const [key, value] = Object.entries(labels)[0];
  const found = (cluster.workloadsByNamespace.get(namespace) ?? []).find(
    w => w.workload.labels[key] === value,
  );
  return {
    kind: 'pod',
    cluster,
    namespace,
    labels: found?.workload.labels ?? labels,
    containerPorts: found?.workload.containerPorts ?? containerPorts,
  };
}

/** ZT017: in a cluster that uses NetworkPolicies, a namespace without a default deny. */
function defaultDenyFindings(cluster: ClusterModel, out: Finding[]) {
  for (const namespace of cluster.workloadsByNamespace.keys()) {
    if (isSystemNamespace(cluster, namespace)) continue;
    if (hasNetworkDefaultDeny(cluster, namespace)) continue;
    out.push(
      finding(
        'ZT017',
        { cluster: cluster.name, kind: 'Namespace', name: namespace },
        `Namespace ${namespace} has no default-deny NetworkPolicy: its pods accept any connection the network carries, and Istio's policies are the only layer.`,
      ),
    );
  }
}

/** ZT018: callers Istio admits and a NetworkPolicy drops. */
function brokenPathFindings(
  w: WorkloadModel,
  model: MeshModel,
  out: Finding[],
  callers?: Pick<ReadonlyMap<WorkloadModel, CallerAnalysis>, 'get'>,
) {
  const analysis = callers?.get(w) ?? allowedCallers(w, model);
  for (const blocked of analysis.blockedByNetwork) {
    const [first] = blocked.policies;
    out.push(
      finding(
        'ZT018',
        networkPolicyRef(w.cluster, first),
        `Istio lets ${blocked.label} call ${w.id}${
          blocked.ports.length ? ` on ${blocked.ports.join(', ')}` : ''
        }, but NetworkPolicy ${blocked.policies.join(
          ', ',
        )} drops the connection: the path is broken.`,
        w,
      ),
    );
  }
}

interface Outsiders {
  /** By namespace, in groups that NetworkPolicies cannot tell apart. */
  byNamespace: Map<string, WorkloadModel[][]>;
  /** Each workload's place in its cluster's order, which the findings keep. */
  position: Map<WorkloadModel, number>;
}

/**
 * A cluster's workloads outside the mesh (system namespaces left out) by namespace, in
 * groups of the same labels: a NetworkPolicy tells pods apart only by their namespace and
 * labels, and their traffic is plaintext, so it reaches the target port itself whatever
 * the server's mode.
 */
function outsidersOf(cluster: ClusterModel): Outsiders {
  const byNamespace = new Map<string, Map<string, WorkloadModel[]>>();
  for (const o of cluster.workloads) {
    if (o.inMesh || isSystemNamespace(o.cluster, o.namespace)) continue;
    const labels = JSON.stringify(
      Object.entries(o.workload.labels).sort(([a], [b]) => (a < b ? -1 : 1)),
    );
    let groups = byNamespace.get(o.namespace);
    if (!groups) byNamespace.set(o.namespace, (groups = new Map()));
    const group = groups.get(labels);
    if (group) group.push(o);
    else groups.set(labels, [o]);
  }
  return {
    byNamespace: new Map(
      [...byNamespace].map(([namespace, groups]) => [
        namespace,
        [...groups.values()],
      ]),
    ),
    position: new Map(cluster.workloads.map((w, i) => [w, i])),
  };
}

/** The workloads outside the mesh that the NetworkPolicies let reach `port` of `w`, in cluster order. */
function admittedOutsiders(
  w: WorkloadModel,
  port: number,
  outsiders: Outsiders,
): WorkloadModel[] {
  const admitted: WorkloadModel[] = [];
  // Pods of other namespaces are dropped at ingress; one verdict stands for a group.
  for (const namespace of ingressSourceNamespaces(w, port) ?? []) {
    for (const group of outsiders.byNamespace.get(namespace) ?? []) {
      const verdict = networkVerdict(
        { kind: 'workload', workload: group[0] },
        w,
        port,
      );
      if (verdict?.decision === 'ALLOW') admitted.push(...group);
    }
  }
  const { position } = outsiders;
  return admitted.sort((a, b) => position.get(a)! - position.get(b)!);
}

/** ZT019: a PERMISSIVE port that the NetworkPolicies open to clients outside the mesh. */
function plaintextReachFindings(
  w: WorkloadModel,
  outsiders: Outsiders,
  out: Finding[],
) {
  if (!w.inMesh) return;
  for (const { port } of w.ports) {
    if (mtlsOnPort(w.mtls, port) !== 'PERMISSIVE') continue;
    const anywhere = ingressFromAnywhere(w, port);
    if (!anywhere || anywhere.result === 'no') continue;
    let who = 'any address';
    if (anywhere.result !== 'yes') {
      const admitted = admittedOutsiders(w, port, outsiders);
      if (!admitted.length) continue;
      who = admitted.map(o => o.id).join(', ');
    }
    out.push(
      finding(
        'ZT019',
        networkPolicyRef(w.cluster, anywhere.policies[0]),
        `${
          w.id
        } accepts plaintext on port ${port} (PERMISSIVE), and NetworkPolicy ${anywhere.policies.join(
          ', ',
        )} admits ${who}, outside the mesh.`,
        w,
      ),
    );
  }
}

/** ZT020: an ambient workload whose ingress NetworkPolicies leave out port 15008. */
function hboneFindings(w: WorkloadModel, out: Finding[]) {
  if (w.membership.mode !== 'ambient') return;
  const hbone = ingressFromAnywhere(w, hbonePort);
  if (hbone?.result !== 'no') return;
  out.push(
    finding(
      'ZT020',
      networkPolicyRef(w.cluster, hbone.policies[0]),
      `${
        w.id
      } is in ambient mode, and its NetworkPolicies (${hbone.policies.join(
        ', ',
      )}) admit nothing on port 15008: every mesh client's HBONE connection is dropped.`,
      w,
    ),
  );
}

/** ZT021: a meshed workload whose egress NetworkPolicies block istiod or DNS. */
function controlPlaneEgressFindings(w: WorkloadModel, out: Finding[]) {
  if (!w.inMesh) return;
  const root = w.cluster.state.mesh.rootNamespace;
  const istiod = controlPlanePod(w.cluster, root, { app: 'istiod' }, [
    { name: 'https-dns', port: 15012 },
  ]);
  const dns = controlPlanePod(
    w.cluster,
    'kube-system',
    { 'k8s-app': 'kube-dns' },
    [{ name: 'dns', port: 53 }],
  );
  const blocked = [
    ['istiod (TCP 15012)', egressTo(w, istiod, 15012, 'TCP')] as const,
    ['DNS (UDP 53)', egressTo(w, dns, 53, 'UDP')] as const,
  ].filter(([, verdict]) => verdict?.result === 'no');
  if (!blocked.length) return;
  const policies = blocked[0][1]!.policies;
  out.push(
    finding(
      'ZT021',
      networkPolicyRef(w.cluster, policies[0]),
      `The egress NetworkPolicies of ${w.id} (${policies.join(
        ', ',
      )}) block ${blocked.map(([what]) => what).join(' and ')}.`,
      w,
    ),
  );
}

/** The findings of the NetworkPolicy layer, in every cluster that has one. */
export function networkPolicyFindings(
  model: MeshModel,
  out: Finding[],
  callers?: Pick<ReadonlyMap<WorkloadModel, CallerAnalysis>, 'get'>,
  units: FindingUnits = new FindingUnits(),
) {
  const anyPolicy = model.clusters.some(usesNetworkPolicies);
  for (const cluster of model.clusters) {
    for (const { engine, ...ref } of cluster.state.otherNetworkPolicies ?? []) {
      // Calico's NetworkPolicy shares its kind with Kubernetes': name the engine.
      const kind = ref.kind.startsWith(engine)
        ? ref.kind
        : `${engine} ${ref.kind}`;
      out.push(
        finding(
          'ZT022',
          ref,
          `${kind} ${ref.namespace ? `${ref.namespace}/` : ''}${
            ref.name
          } is not read: answers here leave out what it allows or drops.`,
        ),
      );
    }
    if (!usesNetworkPolicies(cluster)) {
      // A caller's own egress policy elsewhere may still break a path into this cluster.
      if (anyPolicy) {
        units.section('brokenPath', cluster.name, out, () => {
          for (const w of cluster.workloads) {
            units.workload('brokenPath', w, out, () =>
              brokenPathFindings(w, model, out, callers),
            );
          }
        });
      }
      continue;
    }
    defaultDenyFindings(cluster, out);
    let found: Outsiders | undefined;
    const outsiders = () => (found ??= outsidersOf(cluster));
    units.section('networkPolicy', cluster.name, out, () => {
      for (const w of cluster.workloads) {
        if (isSystemNamespace(cluster, w.namespace)) continue;
        units.workload('networkPolicy', w, out, () => {
          brokenPathFindings(w, model, out, callers);
          plaintextReachFindings(w, outsiders(), out);
          hboneFindings(w, out);
          controlPlaneEgressFindings(w, out);
        });
      }
    });
  }
}
