import { DestinationRuleInfo } from '../model/types';
import {
  AuthzOutcome,
  AuthzRequest,
  AuthzVerdict,
  Decision,
  OperationPolicies,
  PolicySet,
  decide,
  explain,
  forOperation,
  policySet,
} from './authorization';
import { trustDomainOf } from './authorization';
import { serviceHost, tlsModeFor } from './destinationRules';
import { normalizePath } from './paths';
import { WorkloadModel } from './MeshModel';
import {
  NetworkVerdict,
  bothLayers,
  describeNetwork,
  networkVerdict,
} from './networkPolicy';
import { EffectiveMtlsMode, mtlsOnPort } from './peerAuthentication';
import { outboundUncaptured, uncaptured } from './interception';
import { WorkloadPort } from './ports';
import { TrustEdge, trustDomainAcceptance, untrustedReason } from './trust';
import { SidecarScope, sidecarScopeOf } from './sidecarScope';
import { Waypoint, waypointPolicies } from './waypoints';
import { ServiceInfo } from '../model/types';

/** Who is calling: a known workload, a bare mTLS identity, or a client with no identity. @public */
export type Caller =
  | { kind: 'workload'; workload: WorkloadModel }
  | { kind: 'principal'; principal: string }
  | { kind: 'plaintext' };

/** @public */
export interface RequestAttributes {
  port?: number;
  method?: string;
  path?: string;
  host?: string;
}

/** The outcome on one port. @public */
export interface PortAccess {
  port?: number;
  decision: Decision;
  mtls: boolean;
  reason: string;
  policies: string[];
  admittedBy: AuthzOutcome['admittedBy'];
  network?: NetworkVerdict;
}

/** The NetworkPolicy layer's part in an answer (contracts: `check`'s `network`). @public */
export interface NetworkAccess {
  decision: Decision;
  /** `NAMESPACE/NAME` of the NetworkPolicies that decided it. */
  policies: string[];
}

/** @public */
export interface Access {
  decision: Decision;
  mtls: boolean;
  reason: string;
  policies: string[];
  /** Absent where no NetworkPolicy isolates either end. */
  network?: NetworkAccess;
  /** Each port considered (all the server's known ports when the query gave none). */
  ports: PortAccess[];
}

/**
 * The client side of a connection. It is worded only where a reason is wanted, so
 * `allowedCallers`, which opens hundreds of thousands of them, builds no text.
 */
type Connection =
  | {
      mtls: boolean;
      failed: false;
      side:
        | 'no identity'
        | 'to a DISABLE port'
        | 'presents its principal'
        | 'outside the mesh'
        | 'ztunnel'
        | 'to a waypoint'
        | 'auto mTLS off'
        | 'auto mTLS';
    }
  | {
      mtls: false;
      /** REGISTRY_ONLY: the BlackHoleCluster drops it. */
      failed: boolean;
      side: 'not imported';
      scope: SidecarScope;
      service: ServiceInfo;
    }
  | {
      mtls: false;
      failed: false;
      /** A sidecar client whose iptables send this connection past its sidecar. */
      side: 'outbound not captured';
      why: string;
    }
  | {
      mtls: boolean;
      /** The connection cannot carry the request at all. */
      failed: boolean;
      side: 'DestinationRule';
      rule: DestinationRuleInfo;
      mode: 'ISTIO_MUTUAL' | 'DISABLE' | 'SIMPLE' | 'MUTUAL';
    };

const noIdentity: Connection = {
  mtls: false,
  failed: false,
  side: 'no identity',
};
const toDisabledPort: Connection = {
  mtls: false,
  failed: false,
  side: 'to a DISABLE port',
};
const presents: Connection = {
  mtls: true,
  failed: false,
  side: 'presents its principal',
};
const outsideMesh: Connection = {
  mtls: false,
  failed: false,
  side: 'outside the mesh',
};
const ztunnel: Connection = { mtls: true, failed: false, side: 'ztunnel' };
const toWaypoint: Connection = {
  mtls: true,
  failed: false,
  side: 'to a waypoint',
};
const autoMtlsOff: Connection = {
  mtls: false,
  failed: false,
  side: 'auto mTLS off',
};
const autoMtls: Connection = { mtls: true, failed: false, side: 'auto mTLS' };

/** What decided the client side, for the reason. */
function clientSide(conn: Connection, caller: Caller): string {
  const client = caller.kind === 'workload' ? caller.workload.id : '';
  switch (conn.side) {
    case 'no identity':
      return 'the caller has no mesh identity';
    case 'to a DISABLE port':
      return 'the server has mTLS disabled, so the client sends plaintext';
    case 'presents its principal':
      return `the caller presents ${callerPrincipal(caller)}`;
    case 'outside the mesh':
      return `${client} is outside the mesh and sends plaintext`;
    case 'ztunnel':
      return `${client}'s ztunnel sends HBONE mTLS`;
    case 'to a waypoint':
      return `${
        client || callerPrincipal(caller)
      } reaches the waypoint over HBONE mTLS`;
    case 'auto mTLS off':
      return 'auto mTLS is off and no DestinationRule sets ISTIO_MUTUAL';
    case 'auto mTLS':
      return 'auto mTLS';
    case 'not imported':
      return `${notImported(
        conn,
        client,
      )}, so it has no route to it and sends the call through the PassthroughCluster (outbound ALLOW_ANY, ${
        conn.scope.policyDecidedBy
      }) as plain TCP, without Istio mTLS`;
    case 'outbound not captured':
      return `${client}'s sidecar does not capture this connection (${conn.why}), so it leaves in plaintext`;
    default: {
      const drRef = `DestinationRule ${conn.rule.namespace}/${conn.rule.name}`;
      switch (conn.mode) {
        case 'ISTIO_MUTUAL':
          return `${drRef} sets ISTIO_MUTUAL`;
        case 'DISABLE':
          return `${drRef} disables TLS, so the client sends plaintext`;
        default:
          return `${drRef} originates ${conn.mode} TLS with its own certificates, not the mesh identity`;
      }
    }
  }
}

function notImported(
  conn: Extract<Connection, { side: 'not imported' }>,
  client: string,
): string {
  const { service, scope } = conn;
  return `${client}'s Sidecar ${scope.ref} does not import ${serviceHost(
    service.namespace,
    service.name,
  )}`;
}

/** Why a failed connection cannot carry the request. */
function failure(
  conn: Connection,
  caller: Caller,
  server: WorkloadModel,
): string {
  if (conn.side === 'not imported') {
    return `${notImported(
      conn,
      caller.kind === 'workload' ? caller.workload.id : '',
    )}, and outbound REGISTRY_ONLY (${
      conn.scope.policyDecidedBy
    }) sends what it does not import to the BlackHoleCluster: the connection is dropped`;
  }
  if (conn.side !== 'DestinationRule') return '';
  const drRef = `DestinationRule ${conn.rule.namespace}/${conn.rule.name}`;
  return server.inMesh
    ? `${drRef} makes the client send mTLS, but the server's mTLS is DISABLE`
    : `${drRef} makes the client send Istio mTLS, but ${server.id} is outside the mesh and no proxy terminates it: the connection fails`;
}

/** The server's mode on a port as its data plane enforces it. */
function serverMode(
  server: WorkloadModel,
  port: number | undefined,
): {
  mode: EffectiveMtlsMode;
  decidedBy?: string;
} {
  const mtls = server.mtls;
  const portLevel = port === undefined ? undefined : mtls.ports[port];
  let mode = port === undefined ? mtls.mode : mtlsOnPort(mtls, port);
  // ztunnel always speaks HBONE mTLS in the mesh; DISABLE is not honoured there
  // (https://istio.io/latest/docs/ambient/usage/l4-policy/).
  if (server.membership.mode === 'ambient' && mode === 'DISABLE')
    mode = 'PERMISSIVE';
  return { mode, decidedBy: portLevel?.decidedBy ?? mtls.decidedBy };
}

/**
 * Whether the connection is mutual TLS, from the client's side: a client outside the
 * mesh sends plaintext; ztunnel sends HBONE mTLS to any in-mesh peer (no Sidecar
 * resource applies to it); a sidecar whose Sidecar does not import the Service sends
 * plaintext through the PassthroughCluster, or nothing under REGISTRY_ONLY
 * (sidecarScope.ts); otherwise a sidecar uses its DestinationRule's TLS mode, else auto
 * mTLS, which sends mTLS to in-mesh servers unless their PeerAuthentication disables it
 * (https://istio.io/latest/docs/concepts/security/#auto-mutual-tls).
 */
function connection(
  caller: Caller,
  port: WorkloadPort | undefined,
  serverPortMode: EffectiveMtlsMode,
): Connection {
  if (caller.kind === 'plaintext') return noIdentity;
  // Auto mTLS, and ztunnel likewise, send plaintext to a port whose server disables mTLS.
  const auto = serverPortMode !== 'DISABLE';
  if (caller.kind === 'principal') return auto ? presents : toDisabledPort;
  const client = caller.workload;
  if (client.membership.mode === 'none') return outsideMesh;
  const why = outboundUncaptured(client, port);
  if (why) {
    return { mtls: false, failed: false, side: 'outbound not captured', why };
  }
  if (client.membership.mode === 'ambient') {
    return auto ? ztunnel : toDisabledPort;
  }
  const exposing = port?.services[0];
  // A Service outside its Sidecar's scope has no cluster on the client's proxy, so no
  // DestinationRule either: the call leaves through the catch-all (sidecarScope.ts).
  const scope = exposing && sidecarScopeOf(client);
  if (scope && !scope.imports(exposing.service)) {
    return {
      mtls: false,
      failed: scope.outboundTrafficPolicy === 'REGISTRY_ONLY',
      side: 'not imported',
      scope,
      service: exposing.service,
    };
  }
  const rule = exposing
    ? client.cluster.destinationRules.forService(
        client.workload,
        exposing.service,
      )
    : undefined;
  const mode = rule ? tlsModeFor(rule, exposing?.servicePort) : undefined;
  if (rule && mode) {
    const refuses = mode === 'ISTIO_MUTUAL' && serverPortMode === 'DISABLE';
    return {
      mtls: mode === 'ISTIO_MUTUAL' && !refuses,
      failed: refuses,
      side: 'DestinationRule',
      rule,
      mode,
    };
  }
  if (!client.cluster.state.mesh.enableAutoMtls) return autoMtlsOff;
  return auto ? autoMtls : toDisabledPort;
}

function callerPrincipal(caller: Caller): string | undefined {
  if (caller.kind === 'workload') return caller.workload.principal;
  if (caller.kind === 'principal') return caller.principal;
  return undefined;
}

/**
 * Whether the server's proxy completes an mTLS handshake with a peer of this trust
 * domain. A sidecar accepts its mesh's trust domain, its aliases and the trust domains
 * of its meshConfig `caCertificates`, or any with istiod's
 * PILOT_SKIP_VALIDATE_TRUST_DOMAIN (TrustDomainsForValidation in
 * pilot/pkg/networking/plugin/authn/util.go, its SAN matchers in authentication.go).
 * ztunnel accepts exactly its own certificate's trust domain: TrustDomainVerifier in
 * ztunnel src/tls/workload.rs, set from the server certificate in src/tls/certificate.rs
 * (release-1.31), reads neither aliases nor istiod's flag.
 */
function acceptsPeerDomain(
  server: WorkloadModel,
  domain: string,
  atWaypoint = false,
): boolean {
  // A waypoint is an Envoy with the sidecar's SAN matchers.
  return (
    trustDomainAcceptance(
      server.cluster.state.mesh,
      domain,
      server.membership.mode === 'ambient' && !atWaypoint,
    ) !== undefined
  );
}

function acceptedDomains(server: WorkloadModel): string {
  const domains = [
    ...new Set([
      ...server.cluster.trustDomains,
      ...server.cluster.state.mesh.caCertificateTrustDomains,
    ]),
  ];
  return `trust domain${domains.length > 1 ? 's' : ''} ${domains.join(', ')}`;
}

/** What the server's data plane does on one port, the same for every caller. */
interface PortPlan {
  port: number | undefined;
  known: WorkloadPort | undefined;
  mode: EffectiveMtlsMode;
  decidedBy?: string;
  /** How the enforcing proxy reads a request (`AuthzRequest.protocol`). */
  protocol: 'http' | 'tcp' | 'ztunnel';
  /** The policies as they read a request naming no method, path or host. */
  bare?: OperationPolicies;
  /** The waypoint a mesh client's traffic to this port goes through, if any. */
  route?: WaypointRoute;
  /** Why the sidecar does not capture this port (`uncaptured`), if it does not. */
  bypass?: string;
}

/**
 * What makes an HTTP proxy (a sidecar or a waypoint) answer 400 before any policy is
 * read, per https://istio.io/latest/docs/reference/config/security/normalization/: a
 * method not in upper case ("Istio will reject the request with HTTP code 400"), and a
 * path holding `%00` ("The request will always be rejected with HTTP code 400").
 * Undefined for a request it reads on.
 */
function rejectedRequest(attributes: RequestAttributes): string | undefined {
  const { method, path } = attributes;
  if (method !== undefined && method !== method.toUpperCase()) {
    return `the method ${method} is not in upper case`;
  }
  if (path !== undefined && /%00/.test(path.replace(/[?#].*$/s, ''))) {
    return 'the path holds %00';
  }
  return undefined;
}

/**
 * The request as the enforcing proxy reads it: the query's method and host, and its path
 * as the server's mesh normalizes it (meshConfig pathNormalization).
 */
function requestOf(
  server: WorkloadModel,
  principal: string | undefined,
  port: number | undefined,
  protocol: AuthzRequest['protocol'],
  attributes: RequestAttributes,
): AuthzRequest {
  return {
    principal,
    port,
    protocol,
    method: attributes.method,
    path:
      attributes.path === undefined
        ? undefined
        : normalizePath(
            attributes.path,
            server.cluster.state.mesh.pathNormalization,
          ),
    host: attributes.host,
  };
}

/**
 * The policies that read a request on one port (or at one waypoint). A request naming no
 * method, path or host is the common case (every allowed-callers question): its policies
 * are the same for every caller and are kept on `holder` once worked out.
 */
function policiesFor(
  holder: { bare?: OperationPolicies },
  policies: PolicySet,
  req: AuthzRequest,
): OperationPolicies {
  const bare =
    req.method === undefined &&
    req.path === undefined &&
    req.host === undefined;
  return bare
    ? (holder.bare ??= forOperation(policies, req))
    : forOperation(policies, req);
}

/**
 * A waypoint on the way to one port of an ambient workload: its own policies read the
 * client's request, and the destination's ztunnel then reads the waypoint's identity.
 *
 * @public
 */
export interface WaypointRoute {
  waypoint: Waypoint;
  /** The Service the traffic is addressed to; absent for traffic addressed to the pod. */
  service?: ServiceInfo;
  /** How the waypoint reads the port: HTTP, or TCP with HTTP-only fields dropped. */
  protocol: 'http' | 'tcp';
  policies: PolicySet;
  /** Its policies as they read a request naming no method, path or host. */
  bare?: OperationPolicies;
  /** The destination ztunnel's verdict on the waypoint's identity, the same for every client. */
  hop?: AuthzVerdict;
}

/** An in-mesh server's enforcement, derived once and shared by every caller. */
interface ServerPlan {
  policies: PolicySet;
  /** Each known port, or one unnamed port where none is known. */
  ports: PortPlan[];
  byPort: Map<number | undefined, PortPlan>;
}

const plans = new WeakMap<WorkloadModel, ServerPlan>();

function portPlan(server: WorkloadModel, port: number | undefined): PortPlan {
  const known =
    port === undefined ? undefined : server.ports.find(p => p.port === port);
  const { mode, decidedBy } = serverMode(server, port);
  // ztunnel without a waypoint reads no HTTP, whatever the port's protocol.
  const proxyProtocol = known?.protocol === 'tcp' ? 'tcp' : 'http';
  let protocol: PortPlan['protocol'] = proxyProtocol;
  if (server.membership.mode === 'ambient') protocol = 'ztunnel';
  const route =
    server.membership.mode === 'ambient'
      ? waypointRoute(server, known, proxyProtocol)
      : undefined;
  const bypass = uncaptured(server, port);
  return {
    port,
    known,
    mode,
    decidedBy,
    protocol,
    bare: undefined,
    ...(route ? { route } : {}),
    ...(bypass ? { bypass } : {}),
  };
}

/**
 * The waypoint of a port: traffic to a port a Service exposes is addressed to the
 * Service (its first one, as for DestinationRules) and goes through the Service's
 * waypoint, and only that one; traffic to any other port is addressed to the pod and goes
 * through the pod's waypoint (ztunnel src/proxy/outbound.rs: a service waypoint for
 * service-addressed traffic, else "Don't traverse waypoint if traffic was addressed to a
 * service", then the workload's waypoint).
 */
function waypointRoute(
  server: WorkloadModel,
  known: WorkloadPort | undefined,
  protocol: 'http' | 'tcp',
): WaypointRoute | undefined {
  const service = known?.services[0]?.service;
  const binding = service
    ? server.cluster.waypoints.forService(service)
    : server.workloadWaypoint;
  if (!binding.waypoint) return undefined;
  const { mesh } = server.cluster.state;
  const policies = waypointPolicies(
    server.cluster.policiesByNamespace,
    mesh.rootNamespace,
    binding.waypoint,
    service,
    server.enforceDryRun,
  );
  return {
    waypoint: binding.waypoint,
    ...(service ? { service } : {}),
    protocol,
    policies: policySet(policies),
  };
}

/** The waypoints on the way to a workload's ports (none for a sidecar or outside the mesh). */
export function waypointRoutes(server: WorkloadModel): WaypointRoute[] {
  if (!server.inMesh) return [];
  return planFor(server).ports.flatMap(p => (p.route ? [p.route] : []));
}

function planFor(server: WorkloadModel): ServerPlan {
  let plan = plans.get(server);
  if (!plan) {
    // ztunnel enforces only ALLOW and DENY policies; it ignores CUSTOM and AUDIT ones
    // ("ztunnel does not support the CUSTOM action": convertAuthorizationPolicy in
    // pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go).
    const policies =
      server.membership.mode === 'ambient'
        ? server.policies.filter(
            p => p.policy.action === 'ALLOW' || p.policy.action === 'DENY',
          )
        : server.policies;
    const known = server.ports.map(p => p.port);
    const ports = (known.length ? known : [undefined]).map(p =>
      portPlan(server, p),
    );
    plan = {
      policies: policySet(policies),
      ports,
      byPort: new Map(ports.map(p => [p.port, p])),
    };
    plans.set(server, plan);
  }
  return plan;
}

/**
 * The decision on one port before it is worded: `evaluateAccess` words it, and
 * `allowedCallers` reads only the decision and the admitting rules.
 */
export type PortDecision = {
  port?: number;
  /** Both layers' decision. */
  decision: Decision;
  mtls: boolean;
  /** Where a NetworkPolicy isolates either end: its verdict, and Istio's decision alone. */
  network?: NetworkVerdict;
  istioDecision?: Decision;
} & (
  | { by: 'no proxy' }
  | { by: 'connection'; connection: Connection }
  | {
      by: 'trust domain';
      connection: Connection;
      trustDomain: string;
      /** Set where the waypoint refused the handshake. */
      waypoint?: Waypoint;
    }
  | { by: 'root'; connection: Connection; trust: TrustEdge }
  | { by: 'STRICT'; connection: Connection; decidedBy?: string }
  | {
      /** The sidecar does not capture the port: the application takes the connection. */
      by: 'not captured';
      connection: Connection;
      bypass: string;
    }
  | {
      by: 'rejected request';
      connection: Connection;
      /** Why the proxy answers 400 before any policy; set where a waypoint does. */
      problem: string;
      waypoint?: Waypoint;
    }
  | { by: 'policies'; connection: Connection; authz: AuthzVerdict }
  | {
      by: 'waypoint';
      connection: Connection;
      route: WaypointRoute;
      /** The waypoint's policies on the client's request. */
      authz: AuthzVerdict;
      /** The destination ztunnel's policies on the waypoint's identity. */
      ztunnel: AuthzVerdict;
    }
);

/** Whether a caller's traffic goes through the destination's waypoint. */
function throughWaypoint(
  caller: Caller,
  route: WaypointRoute,
  port: WorkloadPort | undefined,
): boolean {
  // A client outside the mesh reaches the pod's ztunnel in plaintext (inbound
  // passthrough: no waypoint); the waypoint's own pods are the second hop.
  if (caller.kind === 'plaintext') return false;
  if (caller.kind === 'principal') return true;
  const client = caller.workload;
  // Like a client outside the mesh, a sidecar client that sends the connection past its
  // sidecar reaches the pod's ztunnel in plaintext.
  if (!client.inMesh || outboundUncaptured(client, port)) return false;
  // A sidecar whose Sidecar does not import the Service knows no waypoint for it: its
  // call leaves through the catch-all, addressed to the Service's IP, and reaches the
  // pod's ztunnel as plaintext, as from outside the mesh (sidecarScope.ts).
  const scope = route.service && sidecarScopeOf(client);
  if (scope && !scope.imports(route.service!)) return false;
  return !(
    client.isWaypoint &&
    client.workload.namespace === route.waypoint.gateway.namespace &&
    client.workload.labels['gateway.networking.k8s.io/gateway-name'] ===
      route.waypoint.gateway.name
  );
}

/** Both hops must let it through; it is certain only where both are. */
function bothHops(a: Decision, b: Decision): Decision {
  if (a === 'DENY' || b === 'DENY') return 'DENY';
  return a === 'ALLOW' && b === 'ALLOW' ? 'ALLOW' : 'CONDITIONAL';
}

/**
 * Through a waypoint: the waypoint (an Envoy) checks the client's identity against its
 * trust domains, then enforces the policies bound to it with targetRefs, with L7 fields,
 * against the original client's identity; the destination's ztunnel then enforces the
 * workload's selector policies against the waypoint's identity
 * (https://istio.io/latest/docs/ambient/usage/l7-features/#security,
 * https://istio.io/latest/docs/ambient/usage/waypoint/).
 */
function decideThroughWaypoint(
  caller: Caller,
  server: WorkloadModel,
  plan: ServerPlan,
  port: PortPlan,
  route: WaypointRoute,
  attributes: RequestAttributes,
): PortDecision {
  const principal = callerPrincipal(caller);
  // The waypoint runs in the server's cluster: it verifies the client's chain the same way.
  const trust =
    caller.kind === 'workload'
      ? server.cluster.trusts(caller.workload.cluster)
      : undefined;
  if (trust && !trust.trusted) {
    return {
      port: port.port,
      decision: 'DENY',
      mtls: false,
      by: 'root',
      connection: toWaypoint,
      trust,
    };
  }
  const peerDomain = trustDomainOf(principal);
  if (
    peerDomain !== undefined &&
    !acceptsPeerDomain(server, peerDomain, true)
  ) {
    return {
      port: port.port,
      decision: 'DENY',
      mtls: false,
      by: 'trust domain',
      connection: toWaypoint,
      trustDomain: peerDomain,
      waypoint: route.waypoint,
    };
  }
  const rejected =
    route.protocol === 'http' ? rejectedRequest(attributes) : undefined;
  if (rejected) {
    return {
      port: port.port,
      decision: 'DENY',
      mtls: true,
      by: 'rejected request',
      connection: toWaypoint,
      problem: rejected,
      waypoint: route.waypoint,
    };
  }
  const req = requestOf(
    server,
    principal,
    port.port,
    route.protocol,
    attributes,
  );
  const authz = decide(policiesFor(route, route.policies, req), req);
  if (!route.hop) {
    const hop = {
      principal: route.waypoint.principal,
      port: port.port,
      protocol: 'ztunnel' as const,
    };
    route.hop = decide(forOperation(plan.policies, hop), hop);
  }
  return {
    port: port.port,
    decision: bothHops(authz.decision, route.hop.decision),
    mtls: true,
    by: 'waypoint',
    connection: toWaypoint,
    route,
    authz,
    ztunnel: route.hop,
  };
}

function decidePort(
  caller: Caller,
  server: WorkloadModel,
  plan: ServerPlan,
  port: PortPlan,
  attributes: RequestAttributes,
): PortDecision {
  if (port.route && throughWaypoint(caller, port.route, port.known)) {
    return decideThroughWaypoint(
      caller,
      server,
      plan,
      port,
      port.route,
      attributes,
    );
  }
  const conn = connection(caller, port.known, port.mode);
  // An ambient client reaches a sidecar over HBONE on 15008, which istio-iptables always
  // hands to the proxy (the InboundTunnelPort rule in run.go): its traffic meets the
  // sidecar whatever the port. Any other client's connection goes to the application.
  // A call its Sidecar drops (REGISTRY_ONLY) never leaves the client.
  const dropped = conn.failed && conn.side === 'not imported';
  if (port.bypass && conn.side !== 'ztunnel' && !dropped) {
    return {
      port: port.port,
      // istiod does not know the port is excluded: auto mTLS and ISTIO_MUTUAL still
      // send mTLS there, which the application does not terminate (istio.io FAQ,
      // "Does Auto mTLS work for port exclusion?": no, unless a DestinationRule
      // sets tls mode DISABLE for it).
      decision: conn.mtls || conn.failed ? 'DENY' : 'ALLOW',
      mtls: false,
      by: 'not captured',
      connection: conn,
      bypass: port.bypass,
    };
  }
  if (conn.failed) {
    return {
      port: port.port,
      decision: 'DENY',
      mtls: false,
      by: 'connection',
      connection: conn,
    };
  }
  // The peer's chain is verified before its SAN is read.
  const trust =
    conn.mtls && caller.kind === 'workload'
      ? server.cluster.trusts(caller.workload.cluster)
      : undefined;
  if (trust && !trust.trusted) {
    return {
      port: port.port,
      decision: 'DENY',
      mtls: false,
      by: 'root',
      connection: conn,
      trust,
    };
  }
  const peerDomain = conn.mtls
    ? trustDomainOf(callerPrincipal(caller))
    : undefined;
  if (peerDomain !== undefined && !acceptsPeerDomain(server, peerDomain)) {
    return {
      port: port.port,
      decision: 'DENY',
      mtls: false,
      by: 'trust domain',
      connection: conn,
      trustDomain: peerDomain,
    };
  }
  if (!conn.mtls && port.mode === 'STRICT') {
    return {
      port: port.port,
      decision: 'DENY',
      mtls: false,
      by: 'STRICT',
      connection: conn,
      decidedBy: port.decidedBy,
    };
  }
  const rejected =
    port.protocol === 'http' ? rejectedRequest(attributes) : undefined;
  if (rejected) {
    return {
      port: port.port,
      decision: 'DENY',
      mtls: conn.mtls,
      by: 'rejected request',
      connection: conn,
      problem: rejected,
    };
  }
  const req = requestOf(
    server,
    conn.mtls ? callerPrincipal(caller) : undefined,
    port.port,
    port.protocol,
    attributes,
  );
  const authz = decide(policiesFor(port, plan.policies, req), req);
  return {
    port: port.port,
    decision: authz.decision,
    mtls: conn.mtls,
    by: 'policies',
    connection: conn,
    authz,
  };
}

/**
 * The decision on each port a query considers (the one it names, else every port the
 * server is known to listen on), without reasons: Istio's, then the NetworkPolicies'.
 */
export function decideAccess(
  caller: Caller,
  server: WorkloadModel,
  attributes: RequestAttributes,
): PortDecision[] {
  // `decideIstio`'s list is this call's own: a port the NetworkPolicies decide too is
  // replaced in it, the others are left as they are.
  const decisions = decideIstio(caller, server, attributes);
  for (let i = 0; i < decisions.length; i++) {
    const d = decisions[i];
    const network = networkVerdict(caller, server, d.port);
    if (!network) continue;
    decisions[i] = {
      ...d,
      decision: bothLayers(d.decision, network.decision),
      network,
      istioDecision: d.decision,
    };
  }
  return decisions;
}

function decideIstio(
  caller: Caller,
  server: WorkloadModel,
  attributes: RequestAttributes,
): PortDecision[] {
  if (!server.inMesh) {
    const known = server.ports.map(p => p.port);
    let ports: (number | undefined)[] = known.length ? known : [undefined];
    if (attributes.port !== undefined) ports = [attributes.port];
    return ports.map((port): PortDecision => {
      // No proxy enforces anything, but a sidecar client whose DestinationRule sets
      // ISTIO_MUTUAL still originates mTLS that nothing terminates, so the connection
      // fails: a TLS conflict (https://istio.io/latest/docs/ops/common-problems/network-issues/).
      // Auto mTLS sends plaintext to a server without a proxy, as to a DISABLE port.
      const conn = connection(
        caller,
        server.ports.find(p => p.port === port),
        'DISABLE',
      );
      return conn.failed
        ? {
            port,
            decision: 'DENY',
            mtls: false,
            by: 'connection',
            connection: conn,
          }
        : { port, decision: 'ALLOW', mtls: false, by: 'no proxy' };
    });
  }
  const plan = planFor(server);
  const ports =
    attributes.port === undefined
      ? plan.ports
      : [plan.byPort.get(attributes.port) ?? portPlan(server, attributes.port)];
  return ports.map(port => decidePort(caller, server, plan, port, attributes));
}

function describe(
  d: PortDecision,
  caller: Caller,
  server: WorkloadModel,
): PortAccess {
  const worded = (
    reason: string,
    policies: string[],
    admittedBy: AuthzOutcome['admittedBy'] = [],
  ): PortAccess => ({
    port: d.port,
    decision: d.decision,
    mtls: d.mtls,
    reason: d.network
      ? withNetworkReason(d.network, d.istioDecision!, reason, caller, server)
      : reason,
    policies,
    admittedBy,
    ...(d.network ? { network: d.network } : {}),
  });
  switch (d.by) {
    case 'no proxy':
      return worded(
        `${server.id} is outside the mesh (${server.membership.reason}), so no proxy enforces any policy`,
        [],
      );
    case 'connection':
      return worded(failure(d.connection, caller, server), []);
    case 'trust domain':
      if (d.waypoint) {
        return worded(
          `${clientSide(d.connection, caller)}, but waypoint ${
            d.waypoint.ref
          } accepts only ${acceptedDomains(
            server,
          )} (PILOT_SKIP_VALIDATE_TRUST_DOMAIN is off): the mTLS handshake with trust domain ${
            d.trustDomain
          } fails`,
          [],
        );
      }
      return worded(
        `${clientSide(d.connection, caller)}, but ${server.id}'s ${
          server.membership.mode === 'ambient'
            ? `ztunnel accepts only its own trust domain ${server.cluster.state.mesh.trustDomain}`
            : `sidecar accepts only ${acceptedDomains(
                server,
              )} (PILOT_SKIP_VALIDATE_TRUST_DOMAIN is off)`
        }: the mTLS handshake with trust domain ${d.trustDomain} fails`,
        [],
      );
    case 'root':
      return worded(
        `${clientSide(d.connection, caller)}, but ${untrustedReason(
          d.trust,
        )}: no root certificate of ${d.trust.from} is among ${
          d.trust.to
        }'s roots or meshConfig caCertificates, so the mTLS handshake fails`,
        [],
      );
    case 'not captured':
      return worded(
        d.decision === 'ALLOW'
          ? `${server.id}'s sidecar does not capture port ${d.port} (${
              d.bypass
            }): the application takes the connection directly, with no mTLS and no policy (${clientSide(
              d.connection,
              caller,
            )})`
          : `${clientSide(d.connection, caller)}, but ${
              server.id
            }'s sidecar does not capture port ${d.port} (${
              d.bypass
            }): the application does not terminate that TLS and the connection fails (a DestinationRule with tls mode DISABLE for the port makes the client send plaintext)`,
        [],
      );
    case 'STRICT':
      return worded(
        `${clientSide(d.connection, caller)}, and STRICT mTLS${
          d.decidedBy ? ` (PeerAuthentication ${d.decidedBy})` : ''
        } rejects plaintext`,
        d.decidedBy ? [d.decidedBy] : [],
      );
    case 'rejected request':
      return worded(
        `${d.problem}, so ${
          d.waypoint ? `waypoint ${d.waypoint.ref}` : `${server.id}'s sidecar`
        } answers 400 before any policy is read (${clientSide(
          d.connection,
          caller,
        )})`,
        [],
      );
    case 'waypoint': {
      const atWaypoint = explain(d.authz);
      const atZtunnel = explain(d.ztunnel);
      const { waypoint, service } = d.route;
      return worded(
        `through waypoint ${waypoint.ref} (${
          service
            ? `Service ${service.namespace}/${service.name} uses it`
            : `traffic to the pod`
        }; ${clientSide(d.connection, caller)}): at the waypoint, ${
          atWaypoint.reason
        }; at ${server.id}'s ztunnel, which sees the waypoint's identity ${
          waypoint.principal
        }, ${atZtunnel.reason}`,
        [...new Set([...atWaypoint.policies, ...atZtunnel.policies])],
        [...atWaypoint.admittedBy, ...atZtunnel.admittedBy],
      );
    }
    default: {
      const outcome = explain(d.authz);
      return worded(
        `${outcome.reason} (${d.mtls ? 'mTLS' : 'plaintext'}: ${clientSide(
          d.connection,
          caller,
        )})`,
        outcome.policies,
        outcome.admittedBy,
      );
    }
  }
}

/** A reason naming both layers: the one that drops the connection first. */
function withNetworkReason(
  network: NetworkVerdict,
  istio: Decision,
  istioReason: string,
  caller: Caller,
  server: WorkloadModel,
): string {
  const words = describeNetwork(network, caller, server);
  if (network.decision === 'DENY' && istio !== 'DENY') {
    return `${words}, though Istio alone would ${
      istio === 'ALLOW' ? 'allow it' : 'allow it conditionally'
    }: ${istioReason}`;
  }
  return `${istioReason}; ${words}`;
}

/** Both layers' NetworkPolicy part over the ports considered. */
function networkOf(results: PortAccess[]): NetworkAccess | undefined {
  const verdicts = results.flatMap(r => (r.network ? [r.network] : []));
  if (!verdicts.length) return undefined;
  const decisions = new Set(verdicts.map(v => v.decision));
  return {
    decision: decisions.size === 1 ? verdicts[0].decision : 'CONDITIONAL',
    policies: [...new Set(verdicts.flatMap(v => v.policies))],
  };
}

/**
 * Whether a caller can reach a workload: the connection's mTLS, the server's
 * PeerAuthentication, then its AuthorizationPolicies. Without a port, every port the
 * server is known to listen on is considered, and the answer is CONDITIONAL where
 * they differ.
 *
 * @public
 */
export function evaluateAccess(
  caller: Caller,
  server: WorkloadModel,
  attributes: RequestAttributes,
): Access {
  const results = decideAccess(caller, server, attributes).map(d =>
    describe(d, caller, server),
  );
  const ports = results.map(r => r.port);
  const decisions = new Set(results.map(r => r.decision));
  const policies = [...new Set(results.flatMap(r => r.policies))];
  const mtls = results.every(r => r.mtls);
  const networkPart = networkOf(results);
  const network = networkPart ? { network: networkPart } : {};
  if (results.length === 1 || decisions.size === 1) {
    const [first] = results;
    const reason =
      results.length === 1
        ? first.reason
        : `on every port (${ports.join(', ')}): ${first.reason}`;
    return {
      decision: first.decision,
      mtls,
      reason,
      policies,
      ...network,
      ports: results,
    };
  }
  const summary = results.map(r => `${r.decision} on ${r.port}`).join(', ');
  return {
    decision: 'CONDITIONAL',
    mtls,
    reason: `it depends on the port: ${summary}`,
    policies,
    ...network,
    ports: results,
  };
}
