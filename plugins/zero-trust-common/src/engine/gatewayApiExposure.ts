/**
 * Who reaches a workload from outside through Kubernetes Gateway API ingress: Gateways of
 * Istio's class `istio`, their listeners, and the HTTPRoutes, GRPCRoutes, TLSRoutes and
 * TCPRoutes attached to them whose backendRefs are the workload's Services. Each rule follows
 * istiod's conversion of these objects to Istio Gateways and VirtualServices (istio/istio
 * pilot/pkg/config/kube/gateway/: gateway_collection.go, route_collections.go,
 * conversion.go; gatewaycommon/ for the kinds a listener admits and the Deployment it
 * gets), cited where applied.
 */
import { labelSelectorMatches } from './networkPolicy';
import { isEnforced, policyAppliesToGateway } from './authorization';
import { ExposureView } from './exposure';
import { gatewayReach } from './gatewayReach';
import { describeMatch } from './hosts';
import type { ClusterModel } from './MeshModel';
import { gatewayNameLabel } from './waypoints';
import {
  AuthorizationPolicyInfo,
  GatewayListenerInfo,
  GatewayRouteInfo,
  KubernetesGatewayInfo,
  Labels,
  ServiceInfo,
} from '../model/types';

/** Istio's ingress class (features.GatewayAPIDefaultGatewayClass, default `istio`). @public */
export const ingressGatewayClass = 'istio';
const gatewayGroup = 'gateway.networking.k8s.io';

/** The Istio Gateway server istiod builds from a listener (buildListener, buildTLS). */
export interface ListenerServer {
  protocol: string;
  /** SIMPLE, MUTUAL, OPTIONAL_MUTUAL, ISTIO_MUTUAL, PASSTHROUGH, or `none`. */
  tls: string;
}

/**
 * The server a listener becomes, or undefined where istiod builds none: a protocol it does
 * not support on an ingress gateway (listenerProtocolToIstio: HTTP, HTTPS, TLS, TCP), or
 * HTTPS or TLS without a `tls` block (buildListener skips it). Terminate is SIMPLE unless
 * the `gateway.istio.io/tls-terminate-mode` option says MUTUAL, OPTIONAL_MUTUAL or
 * ISTIO_MUTUAL; Passthrough is PASSTHROUGH (buildTLS).
 *
 * @public
 */
export function listenerServer(
  listener: GatewayListenerInfo,
): ListenerServer | undefined {
  const { protocol } = listener;
  if (!['HTTP', 'HTTPS', 'TLS', 'TCP'].includes(protocol)) return undefined;
  if (!listener.tlsMode) {
    return protocol === 'HTTPS' || protocol === 'TLS'
      ? undefined
      : { protocol, tls: 'none' };
  }
  if (listener.tlsMode === 'Passthrough') {
    return { protocol, tls: 'PASSTHROUGH' };
  }
  const option = listener.terminateMode;
  const tls =
    option === 'MUTUAL' ||
    option === 'OPTIONAL_MUTUAL' ||
    option === 'ISTIO_MUTUAL'
      ? option
      : 'SIMPLE';
  return { protocol, tls };
}

/**
 * The route kinds a listener admits: by protocol (HTTP, HTTPS: HTTPRoute and GRPCRoute;
 * TLS: TLSRoute, and TCPRoute where it terminates; TCP: TCPRoute), narrowed by its
 * `allowedRoutes.kinds` (GenerateGatewaySupportedKinds in
 * pilot/pkg/config/kube/gatewaycommon/conversion.go).
 */
function admittedKinds(listener: GatewayListenerInfo): string[] {
  let kinds: string[] = [];
  if (listener.protocol === 'HTTP' || listener.protocol === 'HTTPS') {
    kinds = ['HTTPRoute', 'GRPCRoute'];
  } else if (listener.protocol === 'TLS') {
    kinds = [
      'TLSRoute',
      ...(listener.tlsMode === 'Terminate' ? ['TCPRoute'] : []),
    ];
  } else if (listener.protocol === 'TCP') {
    kinds = ['TCPRoute'];
  }
  const allowed = listener.allowedKinds;
  return allowed ? kinds.filter(k => allowed.includes(k)) : kinds;
}

/**
 * Whether a listener admits routes of `namespace` (namespacesFromSelector in
 * conversion.go: `Same` by default, `All`, or a label selector over the namespace's
 * labels with `kubernetes.io/metadata.name` added).
 */
function admitsNamespace(
  cluster: ClusterModel,
  gateway: KubernetesGatewayInfo,
  listener: GatewayListenerInfo,
  namespace: string,
): boolean {
  const { from, selector } = listener.allowedNamespaces;
  if (from === 'All') return true;
  if (from === 'Selector') {
    if (!selector) return true;
    return labelSelectorMatches(selector, {
      ...cluster.namespaces.get(namespace)?.labels,
      'kubernetes.io/metadata.name': namespace,
    });
  }
  return namespace === gateway.namespace;
}

/** Whether host `a` lies within pattern `b` (`*` and `*.example.com` wildcards). */
function within(a: string, b: string): boolean {
  if (b === '*' || a === b) return true;
  return b.startsWith('*.') && a.endsWith(b.slice(1));
}

/**
 * The host a route's hostname is served on through a listener: the more specific of the
 * two where they intersect (a route without hostnames is `*`, a listener without one
 * any host: hostnameToStringList and referenceAllowed in conversion.go), or undefined.
 * A route host that a more specific listener on the same port and protocol takes is
 * that listener's alone (hostnameAllowedByIsolation). A TCPRoute, which has no
 * hostnames, is `*`: the listener's hostname or any host, never taken by another
 * listener (TCPRouteCollection in route_collections.go binds host `*` and applies no
 * isolation, which a `*` route host never meets here either).
 */
function servedHost(
  routeHost: string,
  listener: GatewayListenerInfo,
  siblings: GatewayListenerInfo[],
): string | undefined {
  const own = listener.hostname ?? '*';
  let host: string | undefined;
  if (within(routeHost, own)) host = routeHost;
  else if (within(own, routeHost)) host = own;
  if (!host) return undefined;
  if (listener.hostname && !listener.hostname.startsWith('*')) return host;
  const taken = siblings.some(
    other =>
      other !== listener &&
      other.port === listener.port &&
      other.protocol === listener.protocol &&
      other.hostname !== undefined &&
      other.hostname !== listener.hostname &&
      other.hostname.length >= (listener.hostname ?? '').length &&
      within(routeHost, other.hostname),
  );
  return taken ? undefined : host;
}

/**
 * Whether a ReferenceGrant in the backend's namespace lets routes of this kind and
 * namespace reference the Service (BackendAllowed in gatewaycommon/references.go; a
 * backend in the route's own namespace needs none: buildDestination).
 */
function backendAllowed(
  cluster: ClusterModel,
  route: GatewayRouteInfo,
  namespace: string,
  name: string,
): boolean {
  if (namespace === route.namespace) return true;
  return (cluster.state.referenceGrants ?? []).some(
    grant =>
      grant.namespace === namespace &&
      grant.from.some(
        f =>
          f.group === gatewayGroup &&
          f.kind === route.kind &&
          f.namespace === route.namespace,
      ) &&
      grant.to.some(
        t =>
          (t.group === '' || t.group === 'core') &&
          t.kind === 'Service' &&
          (t.name === undefined || t.name === name),
      ),
  );
}

/** The Deployment istiod creates for a Gateway (deploymentcontroller.go, GetDefaultName). */
export function gatewayDeploymentName(gateway: KubernetesGatewayInfo): string {
  return (
    gateway.annotations['gateway.istio.io/name-override'] ??
    `${gateway.name}-${gateway.gatewayClassName}`
  );
}

/**
 * The labels istiod's template gives the gateway's pods (kube-gateway.yaml in
 * manifests/charts/istio-control/istio-discovery/files): the Gateway's own labels
 * (PILOT_ENABLE_GATEWAY_API_COPY_LABELS_ANNOTATIONS, default on) and its name and class.
 */
function deployedPodLabels(gateway: KubernetesGatewayInfo): Labels {
  return {
    'sidecar.istio.io/inject': 'false',
    'service.istio.io/canonical-name': gatewayDeploymentName(gateway),
    'service.istio.io/canonical-revision': 'latest',
    ...gateway.labels,
    [gatewayNameLabel]: gateway.name,
    'gateway.networking.k8s.io/gateway-class-name': gateway.gatewayClassName,
    'gateway.istio.io/managed': 'istio.io-gateway-controller',
  };
}

/** Whether the gateway's proxy enforces a policy: bound to it, and not dry-run. */
function enforcedByGateway(
  policy: AuthorizationPolicyInfo,
  gateway: KubernetesGatewayInfo,
  labels: Labels,
  rootNamespace: string,
): boolean {
  return (
    isEnforced(policy, false) &&
    policyAppliesToGateway(policy, gateway, labels, rootNamespace)
  );
}

const serviceTypeAnnotation = 'networking.istio.io/service-type';

/** A Gateway's pods in the cluster, and the policies its proxy enforces. */
function gatewayInstances(
  cluster: ClusterModel,
  gateway: KubernetesGatewayInfo,
) {
  const pods = cluster.workloads.filter(
    w =>
      w.namespace === gateway.namespace &&
      w.workload.labels[gatewayNameLabel] === gateway.name,
  );
  // Where the snapshot holds no pod (a GitOps repository: istiod creates the
  // Deployment), the labels it will have.
  const labelSets = pods.length
    ? pods.map(p => p.workload.labels)
    : [deployedPodLabels(gateway)];
  const { rootNamespace } = cluster.state.mesh;
  const namespaces = new Set([gateway.namespace, rootNamespace]);
  const policies = [...namespaces]
    .flatMap(ns => cluster.policiesByNamespace.get(ns) ?? [])
    .filter(p =>
      labelSets.some(labels =>
        enforcedByGateway(p.policy, gateway, labels, rootNamespace),
      ),
    )
    .map(p => p.ref);
  // The Service in front: istiod's deployment controller creates NAME-istio, of the
  // type its `networking.istio.io/service-type` annotation names, LoadBalancer by
  // default (kube-gateway.yaml and deploymentcontroller.go in istio/istio
  // pilot/pkg/config/kube/gateway/; the Gateway API task annotates ClusterIP for a
  // gateway only port-forwarded to).
  const reach = gatewayReach(
    cluster.state.services,
    labelSets.map(labels => ({ namespace: gateway.namespace, labels })),
    {
      service: `${gateway.namespace}/${gatewayDeploymentName(gateway)}`,
      type: gateway.annotations[serviceTypeAnnotation] ?? 'LoadBalancer',
      why: `istiod creates the Service (not in the snapshot) of the type the ${serviceTypeAnnotation} annotation names, LoadBalancer by default`,
    },
  );
  return {
    ids: pods.map(p => p.id),
    policies: [...new Set(policies)],
    reach,
  };
}

/** The Gateway API Gateways of Istio's ingress class in a cluster. @public */
export function ingressGateways(
  cluster: ClusterModel,
): KubernetesGatewayInfo[] {
  return (cluster.state.kubernetesGateways ?? []).filter(
    g => g.gatewayClassName === ingressGatewayClass,
  );
}

/** A route attached to a listener, and the hosts it is served on there. @public */
export interface AttachedRoute {
  route: GatewayRouteInfo;
  hosts: string[];
}

/**
 * The routes attached to one listener of a Gateway: a parentRef to the Gateway (kind
 * Gateway, the route's namespace by default: toInternalParentReference) whose
 * `sectionName` and `port`, where set, name this listener, of a kind and from a namespace
 * the listener admits, with a hostname in common (referenceAllowed in conversion.go).
 *
 * @public
 */
export function attachedRoutes(
  cluster: ClusterModel,
  gateway: KubernetesGatewayInfo,
  listener: GatewayListenerInfo,
): AttachedRoute[] {
  const out: AttachedRoute[] = [];
  const listeners = gateway.listeners ?? [];
  const kinds = admittedKinds(listener);
  for (const route of cluster.state.gatewayRoutes ?? []) {
    if (!kinds.includes(route.kind)) continue;
    const attached = route.parentRefs.some(
      parent =>
        parent.group === gatewayGroup &&
        parent.kind === 'Gateway' &&
        parent.namespace === gateway.namespace &&
        parent.name === gateway.name &&
        (!parent.sectionName || parent.sectionName === listener.name) &&
        (parent.port === undefined || parent.port === listener.port),
    );
    if (!attached) continue;
    if (!admitsNamespace(cluster, gateway, listener, route.namespace)) continue;
    const hosts = [
      ...new Set(
        (route.hostnames.length ? route.hostnames : ['*'])
          .map(h => servedHost(h, listener, listeners))
          .filter((h): h is string => h !== undefined),
      ),
    ];
    if (hosts.length) out.push({ route, hosts });
  }
  return out;
}

/**
 * Every way in through a Gateway API Gateway of class `istio` to the given Services: each
 * listener istiod builds a server for, each route attached to it (`attachedRoutes`), and
 * each rule's backendRefs to these Services (a Service of another namespace only with a
 * ReferenceGrant).
 *
 * @public
 */
export function gatewayApiExposureOf(
  workloadServices: ServiceInfo[],
  cluster: ClusterModel,
): ExposureView[] {
  if (!(cluster.state.gatewayRoutes ?? []).length) return [];
  if (!workloadServices.length) return [];
  const mine = new Set(workloadServices.map(s => `${s.namespace}/${s.name}`));
  const out: ExposureView[] = [];
  for (const gateway of ingressGateways(cluster)) {
    const ref = `${gateway.namespace}/${gateway.name}`;
    let instance: ReturnType<typeof gatewayInstances> | undefined;
    for (const listener of gateway.listeners ?? []) {
      const server = listenerServer(listener);
      if (!server) continue;
      for (const { route, hosts } of attachedRoutes(
        cluster,
        gateway,
        listener,
      )) {
        for (const rule of route.rules) {
          for (const b of rule.backendRefs) {
            const service = `${b.namespace}/${b.name}`;
            if (
              !(b.group === '' || b.group === 'core') ||
              b.kind !== 'Service' ||
              !mine.has(service) ||
              !backendAllowed(cluster, route, b.namespace, b.name)
            ) {
              continue;
            }
            instance ??= gatewayInstances(cluster, gateway);
            for (const host of hosts) {
              out.push({
                gateway: ref,
                gatewayClass: gateway.gatewayClassName,
                listener: listener.name,
                gatewayWorkloads: instance.ids,
                host,
                port: listener.port,
                protocol: server.protocol,
                tls: server.tls,
                virtualService: `${route.namespace}/${route.name}`,
                routeKind: route.kind,
                ...(rule.match ? { match: describeMatch(rule.match) } : {}),
                service,
                gatewayPolicies: instance.policies,
                reach: instance.reach,
              });
            }
          }
        }
      }
    }
  }
  const seen = new Set<string>();
  return out.filter(e => {
    const key = JSON.stringify(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
