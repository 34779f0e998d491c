import { DestinationRuleInfo } from '../model/types';
import {
  AuthzOutcome,
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
import { tlsModeFor } from './destinationRules';
import { normalizePath } from './paths';
import { WorkloadModel } from './MeshModel';
import {
  NetworkVerdict,
  bothLayers,
  describeNetwork,
  networkVerdict,
} from './networkPolicy';
import { EffectiveMtlsMode, mtlsOnPort } from './peerAuthentication';
import { WorkloadPort } from './ports';
import { TrustEdge, trustDomainAcceptance, untrustedReason } from './trust';

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
        | 'auto mTLS off'
        | 'auto mTLS';
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
    case 'auto mTLS off':
      return 'auto mTLS is off and no DestinationRule sets ISTIO_MUTUAL';
    case 'auto mTLS':
      return 'auto mTLS';
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

/** Why a failed connection cannot carry the request. */
function failure(conn: Connection, server: WorkloadModel): string {
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
 * mesh sends plaintext; ztunnel sends HBONE mTLS to any in-mesh peer; a sidecar uses
 * its DestinationRule's TLS mode, else auto mTLS, which sends mTLS to in-mesh servers
 * unless their PeerAuthentication disables it
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
  if (client.membership.mode === 'ambient') {
    return auto ? ztunnel : toDisabledPort;
  }
  const exposing = port?.services[0];
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
function acceptsPeerDomain(server: WorkloadModel, domain: string): boolean {
  return (
    trustDomainAcceptance(
      server.cluster.state.mesh,
      domain,
      server.membership.mode === 'ambient',
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
  let protocol: PortPlan['protocol'] =
    known?.protocol === 'tcp' ? 'tcp' : 'http';
  if (server.membership.mode === 'ambient') protocol = 'ztunnel';
  return { port, known, mode, decidedBy, protocol, bare: undefined };
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
  | { by: 'trust domain'; connection: Connection; trustDomain: string }
  | { by: 'root'; connection: Connection; trust: TrustEdge }
  | { by: 'STRICT'; connection: Connection; decidedBy?: string }
  | { by: 'policies'; connection: Connection; authz: AuthzVerdict }
);

function decidePort(
  caller: Caller,
  server: WorkloadModel,
  plan: ServerPlan,
  port: PortPlan,
  attributes: RequestAttributes,
): PortDecision {
  const conn = connection(caller, port.known, port.mode);
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
  const req = {
    principal: conn.mtls ? callerPrincipal(caller) : undefined,
    port: port.port,
    protocol: port.protocol,
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
  const bare =
    req.method === undefined &&
    req.path === undefined &&
    req.host === undefined;
  const policies = bare
    ? (port.bare ??= forOperation(plan.policies, req))
    : forOperation(plan.policies, req);
  const authz = decide(policies, req);
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
      return worded(failure(d.connection, server), []);
    case 'trust domain':
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
    case 'STRICT':
      return worded(
        `${clientSide(d.connection, caller)}, and STRICT mTLS${
          d.decidedBy ? ` (PeerAuthentication ${d.decidedBy})` : ''
        } rejects plaintext`,
        d.decidedBy ? [d.decidedBy] : [],
      );
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
