import { AuthzOutcome, Decision, authorize } from './authorization';
import {
  destinationRuleFor,
  serviceHost,
  tlsModeFor,
} from './destinationRules';
import { WorkloadModel } from './MeshModel';
import { EffectiveMtlsMode, mtlsOnPort } from './peerAuthentication';
import { WorkloadPort } from './ports';

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
}

/** @public */
export interface Access {
  decision: Decision;
  mtls: boolean;
  reason: string;
  policies: string[];
  /** Each port considered (all the server's known ports when the query gave none). */
  ports: PortAccess[];
}

interface Connection {
  mtls: boolean;
  /** Set where the connection cannot carry the request at all. */
  failure?: string;
  /** What decided the client side, for the reason. */
  clientSide: string;
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
  if (caller.kind === 'plaintext') {
    return { mtls: false, clientSide: 'the caller has no mesh identity' };
  }
  // Auto mTLS, and ztunnel likewise, send plaintext to a port whose server disables mTLS.
  const auto = serverPortMode !== 'DISABLE';
  const toDisabledPort: Connection = {
    mtls: false,
    clientSide: 'the server has mTLS disabled, so the client sends plaintext',
  };
  if (caller.kind === 'principal') {
    return auto
      ? { mtls: true, clientSide: `the caller presents ${caller.principal}` }
      : toDisabledPort;
  }
  const client = caller.workload;
  if (client.membership.mode === 'none') {
    return {
      mtls: false,
      clientSide: `${client.id} is outside the mesh and sends plaintext`,
    };
  }
  if (client.membership.mode === 'ambient') {
    return auto
      ? { mtls: true, clientSide: `${client.id}'s ztunnel sends HBONE mTLS` }
      : toDisabledPort;
  }
  const exposing = port?.services[0];
  const rule = exposing
    ? destinationRuleFor(
        client.cluster.state.mesh,
        client.workload,
        serviceHost(exposing.service.namespace, exposing.service.name),
        exposing.service.namespace,
        client.cluster.destinationRulesByNamespace,
      )
    : undefined;
  const mode = rule ? tlsModeFor(rule, exposing?.servicePort) : undefined;
  const drRef = rule ? `DestinationRule ${rule.namespace}/${rule.name}` : '';
  switch (mode) {
    case 'ISTIO_MUTUAL':
      return serverPortMode === 'DISABLE'
        ? {
            mtls: false,
            failure: `${drRef} makes the client send mTLS, but the server's mTLS is DISABLE`,
            clientSide: `${drRef} sets ISTIO_MUTUAL`,
          }
        : { mtls: true, clientSide: `${drRef} sets ISTIO_MUTUAL` };
    case 'DISABLE':
      return {
        mtls: false,
        clientSide: `${drRef} disables TLS, so the client sends plaintext`,
      };
    case 'SIMPLE':
    case 'MUTUAL':
      return {
        mtls: false,
        clientSide: `${drRef} originates ${mode} TLS with its own certificates, not the mesh identity`,
      };
    default:
      if (!client.cluster.state.mesh.enableAutoMtls) {
        return {
          mtls: false,
          clientSide:
            'auto mTLS is off and no DestinationRule sets ISTIO_MUTUAL',
        };
      }
      return auto ? { mtls: true, clientSide: 'auto mTLS' } : toDisabledPort;
  }
}

function callerPrincipal(caller: Caller): string | undefined {
  if (caller.kind === 'workload') return caller.workload.principal;
  if (caller.kind === 'principal') return caller.principal;
  return undefined;
}

function onePort(
  caller: Caller,
  server: WorkloadModel,
  port: number | undefined,
  attributes: RequestAttributes,
): PortAccess {
  const known =
    port === undefined ? undefined : server.ports.find(p => p.port === port);
  if (!server.inMesh) {
    return {
      port,
      decision: 'ALLOW',
      mtls: false,
      reason: `${server.id} is outside the mesh (${server.membership.reason}), so no proxy enforces any policy`,
      policies: [],
      admittedBy: [],
    };
  }
  const { mode, decidedBy } = serverMode(server, port);
  const conn = connection(caller, known, mode);
  if (conn.failure) {
    return {
      port,
      decision: 'DENY',
      mtls: false,
      reason: conn.failure,
      policies: [],
      admittedBy: [],
    };
  }
  if (!conn.mtls && mode === 'STRICT') {
    return {
      port,
      decision: 'DENY',
      mtls: false,
      reason: `${conn.clientSide}, and STRICT mTLS${
        decidedBy ? ` (PeerAuthentication ${decidedBy})` : ''
      } rejects plaintext`,
      policies: decidedBy ? [decidedBy] : [],
      admittedBy: [],
    };
  }
  // ztunnel without a waypoint reads no HTTP, whatever the port's protocol.
  const ambient = server.membership.mode === 'ambient';
  const protocol = ambient || known?.protocol === 'tcp' ? 'tcp' : 'http';
  // ztunnel enforces only ALLOW and DENY policies; it ignores CUSTOM and AUDIT ones
  // ("ztunnel does not support the CUSTOM action": convertAuthorizationPolicy in
  // pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go).
  const policies = ambient
    ? server.policies.filter(
        p => p.policy.action === 'ALLOW' || p.policy.action === 'DENY',
      )
    : server.policies;
  const outcome = authorize(policies, {
    principal: conn.mtls ? callerPrincipal(caller) : undefined,
    port,
    protocol,
    method: attributes.method,
    path: attributes.path,
    host: attributes.host,
  });
  return {
    port,
    decision: outcome.decision,
    mtls: conn.mtls,
    reason: `${outcome.reason} (${conn.mtls ? 'mTLS' : 'plaintext'}: ${
      conn.clientSide
    })`,
    policies: outcome.policies,
    admittedBy: outcome.admittedBy,
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
  const known = server.ports.map(p => p.port);
  let ports: (number | undefined)[] = known.length ? known : [undefined];
  if (attributes.port !== undefined) ports = [attributes.port];
  const results = ports.map(p => onePort(caller, server, p, attributes));
  const decisions = new Set(results.map(r => r.decision));
  const policies = [...new Set(results.flatMap(r => r.policies))];
  const mtls = results.every(r => r.mtls);
  if (results.length === 1 || decisions.size === 1) {
    const [first] = results;
    const reason =
      results.length === 1
        ? first.reason
        : `on every port (${ports.join(', ')}): ${first.reason}`;
    return { decision: first.decision, mtls, reason, policies, ports: results };
  }
  const summary = results.map(r => `${r.decision} on ${r.port}`).join(', ');
  return {
    decision: 'CONDITIONAL',
    mtls,
    reason: `it depends on the port: ${summary}`,
    policies,
    ports: results,
  };
}
