/**
 * The baseline the benchmark compares the engine with: the same decisions as
 * `check`, computed the way an implementation without indexes would. Every query
 * scans every AuthorizationPolicy in the cluster (namespace and selector checked each
 * time) and interprets the matching rules straight from the normalized objects: no
 * per-namespace index, no compiled matchers, nothing cached between queries.
 *
 * Only the pure helpers whose semantics the engine defines in one place are reused
 * (membership, ports, PeerAuthentication and DestinationRule lookup, string match):
 * the authorization rules themselves are evaluated by an independent interpreter, so
 * the agreement the benchmark prints is also a differential test of the compiled
 * matchers.
 */
import {
  AuthorizationAction,
  AuthorizationCondition,
  AuthorizationOperation,
  AuthorizationPolicyInfo,
  AuthorizationRule,
  AuthorizationSource,
  CheckQuery,
  ClusterState,
  Decision,
  DestinationRuleInfo,
  KubernetesGatewayInfo,
  LabelSelector,
  Membership,
  NetworkPolicyInfo,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  RequestAttributes,
  SidecarInfo,
  WorkloadInfo,
  WorkloadPort,
  isGatewayWorkload,
  meshMembership,
  parsePrincipal,
  principalOf,
} from '../src';
import {
  AuthzRequest,
  TrustBundle,
  expandPrincipal,
  policyAppliesTo,
  ruleHttpFields,
} from '../src/engine/authorization';
import {
  destinationRuleFor,
  serviceHost,
  tlsModeFor,
} from '../src/engine/destinationRules';
import { Tri, pathMatches, stringMatches, triNot } from '../src/engine/match';
import {
  EffectiveMtls,
  EffectiveMtlsMode,
  effectiveMtls,
  mtlsOnPort,
  peerAuthenticationScopes,
} from '../src/engine/peerAuthentication';
import { workloadPorts } from '../src/engine/ports';

/** What the benchmark compares: the decision and whether the connection is mTLS. */
export interface NaiveDecision {
  decision: Decision;
  mtls: boolean;
}

type NaiveCaller =
  | { kind: 'workload'; workload: WorkloadInfo }
  | { kind: 'principal'; principal: string }
  | { kind: 'plaintext' };

/** What the server side contributes, derived from scratch by linear scans. */
interface ServerFacts {
  workload: WorkloadInfo;
  membership: Membership;
  ports: WorkloadPort[];
  mtls: EffectiveMtls;
  /** The AuthorizationPolicies enforced on it, found by scanning all of them. */
  policies: AuthorizationPolicyInfo[];
}

// ---------------------------------------------------------------------------
// Rule interpretation: three-valued, as Istio's semantics with unknown attributes.

/** An attribute the query did not give (`null`) makes a field `maybe`. */
type Attribute = string | undefined | null;

/** What one policy's rules are read against. */
interface Scope {
  req: AuthzRequest;
  bundle: TrustBundle;
  /** A bare service account name means one in the policy's own namespace. */
  policyNamespace: string;
  /** A TCP reading, where the proxy cannot see HTTP-only fields. */
  dropHttp: boolean;
}

function triAll(values: Tri[]): Tri {
  if (values.includes('no')) return 'no';
  return values.includes('maybe') ? 'maybe' : 'yes';
}

function triAny(values: Tri[]): Tri {
  if (values.includes('yes')) return 'yes';
  return values.includes('maybe') ? 'maybe' : 'no';
}

/** A field passes when some value matches; an absent attribute fails it. */
function fieldResult(
  values: string[],
  value: Attribute,
  matches: (pattern: string, value: string) => boolean,
  negative: boolean,
): Tri {
  if (value === null) return 'maybe';
  const hit =
    value !== undefined && values.some(p => matches(p, value)) ? 'yes' : 'no';
  return negative ? triNot(hit) : hit;
}

const equals = (a: string, b: string) => a === b;
const hostMatches = (pattern: string, host: string) =>
  stringMatches(pattern.toLowerCase(), host.toLowerCase());

/** The caller's identity as each source field reads it. */
function identity(req: AuthzRequest) {
  const parsed = req.principal ? parsePrincipal(req.principal) : undefined;
  return {
    principal: req.principal,
    namespace: parsed?.namespace,
    account: parsed && `${parsed.namespace}/${parsed.serviceAccount}`,
    trustDomain: req.principal?.split('/')[0] || undefined,
  };
}

/** A trust domain that is the local one or an alias stands for all of them. */
const expandDomains = (values: string[], scope: Scope) =>
  values.flatMap(v =>
    scope.bundle.local.includes(v) ? scope.bundle.local : [v],
  );

const expand = (values: string[], scope: Scope) =>
  values.flatMap(p => expandPrincipal(p, scope.bundle));

const qualify = (values: string[], scope: Scope) =>
  values.map(v => (v.includes('/') ? v : `${scope.policyNamespace}/${v}`));

function sourceResult(
  source: AuthorizationSource | undefined,
  scope: Scope,
): Tri {
  const s = source ?? {};
  const id = identity(scope.req);
  const results: Tri[] = [];
  const field = (
    values: string[] | undefined,
    negative: boolean,
    value: Attribute,
    matches: (pattern: string, value: string) => boolean,
  ) => {
    if (values) results.push(fieldResult(values, value, matches, negative));
  };
  const principals = s.principals && expand(s.principals, scope);
  const notPrincipals = s.notPrincipals && expand(s.notPrincipals, scope);
  field(principals, false, id.principal, stringMatches);
  field(notPrincipals, true, id.principal, stringMatches);
  field(s.namespaces, false, id.namespace, stringMatches);
  field(s.notNamespaces, true, id.namespace, stringMatches);
  const accounts = s.serviceAccounts && qualify(s.serviceAccounts, scope);
  const notAccounts =
    s.notServiceAccounts && qualify(s.notServiceAccounts, scope);
  field(accounts, false, id.account, equals);
  field(notAccounts, true, id.account, equals);
  const domains = s.trustDomains && expandDomains(s.trustDomains, scope);
  const notDomains =
    s.notTrustDomains && expandDomains(s.notTrustDomains, scope);
  field(domains, false, id.trustDomain, stringMatches);
  field(notDomains, true, id.trustDomain, stringMatches);
  // Source IPs and JWTs are never part of a query: such a field may or may not match.
  const unknowable = [
    s.ipBlocks,
    s.notIpBlocks,
    s.remoteIpBlocks,
    s.notRemoteIpBlocks,
    ...(scope.dropHttp ? [] : [s.requestPrincipals, s.notRequestPrincipals]),
  ];
  for (const list of unknowable) if (list) results.push('maybe');
  return triAll(results);
}

function operationResult(
  operation: AuthorizationOperation | undefined,
  scope: Scope,
): Tri {
  const o = operation ?? {};
  const { req } = scope;
  const given = (v: string | undefined): Attribute =>
    v === undefined ? null : v;
  const port = req.port === undefined ? null : String(req.port);
  const fields: [string[] | undefined, boolean, Attribute, typeof equals][] = [
    [o.ports, false, port, equals],
    [o.notPorts, true, port, equals],
  ];
  if (!scope.dropHttp) {
    fields.push(
      [o.methods, false, given(req.method), equals],
      [o.notMethods, true, given(req.method), equals],
      [o.paths, false, given(req.path), pathMatches],
      [o.notPaths, true, given(req.path), pathMatches],
      [o.hosts, false, given(req.host), hostMatches],
      [o.notHosts, true, given(req.host), hostMatches],
    );
  }
  const results: Tri[] = [];
  for (const [values, negative, value, matches] of fields) {
    if (values) results.push(fieldResult(values, value, matches, negative));
  }
  return triAll(results);
}

const isHttpCondition = (c: AuthorizationCondition) =>
  c.key.startsWith('request.') || c.key.startsWith('experimental.');

function conditionResult(condition: AuthorizationCondition, scope: Scope): Tri {
  const id = identity(scope.req);
  const { port } = scope.req;
  const one = (values: string[], negative: boolean): Tri => {
    switch (condition.key) {
      case 'source.principal':
        return fieldResult(
          expand(values, scope),
          id.principal,
          stringMatches,
          negative,
        );
      case 'source.namespace':
        return fieldResult(values, id.namespace, stringMatches, negative);
      case 'source.trustDomain':
        return fieldResult(
          expandDomains(values, scope),
          id.trustDomain,
          stringMatches,
          negative,
        );
      case 'source.serviceAccount':
        return fieldResult(
          qualify(values, scope),
          id.account,
          equals,
          negative,
        );
      case 'destination.port':
        return fieldResult(
          values,
          port === undefined ? null : String(port),
          equals,
          negative,
        );
      default:
        // Headers, claims, IPs, SNI: never known from a query.
        return 'maybe';
    }
  };
  const results: Tri[] = [];
  if (condition.values) results.push(one(condition.values, false));
  if (condition.notValues) results.push(one(condition.notValues, true));
  return triAll(results);
}

/**
 * One rule against one request. A TCP reading drops HTTP-only fields; an ALLOW rule
 * that uses any is then ignored, while other actions match more.
 */
function ruleResult(
  rule: AuthorizationRule,
  action: AuthorizationAction,
  scope: Scope,
): Tri {
  if (scope.dropHttp && action === 'ALLOW' && ruleHttpFields(rule).length) {
    return 'no';
  }
  const fromResult = rule.from
    ? triAny(rule.from.map(s => sourceResult(s, scope)))
    : 'yes';
  const toResult = rule.to
    ? triAny(rule.to.map(o => operationResult(o, scope)))
    : 'yes';
  const when = (rule.when ?? [])
    .filter(c => !(scope.dropHttp && isHttpCondition(c)))
    .map(c => conditionResult(c, scope));
  return triAll([fromResult, toResult, ...when]);
}

// ---------------------------------------------------------------------------
// ztunnel: istiod's handleRule (pilot/pkg/serviceregistry/ambient/authorization.go)
// turns each rule into clauses of matches, and ztunnel (src/rbac.rs) matches them.

const ztunnelWhen = [
  'source.ip',
  'source.namespace',
  'source.principal',
  'destination.ip',
  'destination.port',
];

function ztunnelCannotRead(rule: AuthorizationRule): boolean {
  const l7Operation = (rule.to ?? []).some(o =>
    [
      o?.hosts,
      o?.notHosts,
      o?.methods,
      o?.notMethods,
      o?.paths,
      o?.notPaths,
    ].some(v => v?.length),
  );
  const l7Source = (rule.from ?? []).some(src =>
    [
      src?.remoteIpBlocks,
      src?.notRemoteIpBlocks,
      src?.requestPrincipals,
      src?.notRequestPrincipals,
    ].some(v => v?.length),
  );
  const l7When = (rule.when ?? []).some(c => !ztunnelWhen.includes(c.key));
  return l7Operation || l7Source || l7When;
}

/** One match: `undefined` when it has no field at all (ztunnel skips it). */
type ZMatch = Tri | undefined;

function zAll(results: Tri[]): ZMatch {
  return results.length ? triAll(results) : undefined;
}

/** A clause: any of its non-empty matches; none: it never matches. */
function zClause(matches: ZMatch[]): Tri {
  const real = matches.filter((m): m is Tri => m !== undefined);
  return real.length ? triAny(real) : 'no';
}

function ztunnelRuleResult(
  rule: AuthorizationRule,
  action: AuthorizationAction,
  scope: Scope,
): Tri {
  if (action === 'ALLOW' && ztunnelCannotRead(rule)) return 'no';
  const id = identity(scope.req);
  const port = scope.req.port === undefined ? null : String(scope.req.port);
  const has = (v: string[] | undefined): v is string[] => !!v?.length;
  const clauses: Tri[] = [];
  if (rule.to?.length) {
    clauses.push(
      zClause(
        rule.to.map(o => {
          const r: Tri[] = [];
          if (has(o?.ports)) r.push(fieldResult(o.ports, port, equals, false));
          if (has(o?.notPorts))
            r.push(fieldResult(o.notPorts, port, equals, true));
          return zAll(r);
        }),
      ),
    );
  }
  if (rule.from?.length) {
    clauses.push(
      zClause(
        rule.from.map(src => {
          const r: Tri[] = [];
          const add = (
            values: string[] | undefined,
            value: Attribute,
            matches: (p: string, v: string) => boolean,
            negative: boolean,
          ) => {
            if (has(values))
              r.push(fieldResult(values, value, matches, negative));
          };
          // Principals as written: ztunnel rewrites no trust domain.
          add(src?.principals, id.principal, stringMatches, false);
          add(src?.notPrincipals, id.principal, stringMatches, true);
          add(src?.namespaces, id.namespace, stringMatches, false);
          add(src?.notNamespaces, id.namespace, stringMatches, true);
          if (has(src?.serviceAccounts))
            add(qualify(src.serviceAccounts, scope), id.account, equals, false);
          if (has(src?.notServiceAccounts))
            add(
              qualify(src.notServiceAccounts, scope),
              id.account,
              equals,
              true,
            );
          if (has(src?.ipBlocks)) r.push('maybe');
          if (has(src?.notIpBlocks)) r.push('maybe');
          return zAll(r);
        }),
      ),
    );
  }
  for (const c of rule.when ?? []) {
    const r: Tri[] = [];
    for (const [values, negative] of [
      [c.values, false],
      [c.notValues, true],
    ] as const) {
      if (!has(values)) continue;
      if (c.key === 'source.namespace')
        r.push(fieldResult(values, id.namespace, stringMatches, negative));
      else if (c.key === 'source.principal')
        r.push(fieldResult(values, id.principal, stringMatches, negative));
      else if (c.key === 'destination.port')
        r.push(fieldResult(values, port, equals, negative));
      else if (c.key === 'source.ip' || c.key === 'destination.ip')
        r.push('maybe');
    }
    clauses.push(zClause([zAll(r)]));
  }
  return triAll(clauses);
}

function policyResult(
  policy: AuthorizationPolicyInfo,
  req: AuthzRequest,
  bundle: TrustBundle,
): Tri {
  const scope: Scope = {
    req,
    bundle,
    policyNamespace: policy.namespace,
    dropHttp: req.protocol === 'tcp',
  };
  if (req.protocol === 'ztunnel') {
    return triAny(
      policy.rules.map(r => ztunnelRuleResult(r, policy.action, scope)),
    );
  }
  return triAny(policy.rules.map(r => ruleResult(r, policy.action, scope)));
}

/**
 * CUSTOM, then DENY, then ALLOW; AUDIT never decides. ztunnel (ambient without a
 * waypoint) enforces only ALLOW and DENY.
 */
function decide(
  policies: AuthorizationPolicyInfo[],
  req: AuthzRequest,
  bundle: TrustBundle,
  ambient: boolean,
): Decision {
  let certainDeny = false;
  let doubt = false;
  let allowPolicies = 0;
  let allowMatch: Tri = 'no';
  for (const policy of policies) {
    if (policy.action === 'AUDIT') continue;
    if (ambient && policy.action === 'CUSTOM') continue;
    const result = policyResult(policy, req, bundle);
    if (policy.action === 'ALLOW') {
      allowPolicies++;
      allowMatch = triAny([allowMatch, result]);
    } else if (result === 'yes' && policy.action === 'DENY') {
      certainDeny = true;
    } else if (result !== 'no') {
      // A DENY that may match, or a CUSTOM provider: it depends.
      doubt = true;
    }
  }
  if (certainDeny) return 'DENY';
  if (allowPolicies === 0) return doubt ? 'CONDITIONAL' : 'ALLOW';
  if (allowMatch === 'no') return 'DENY';
  return doubt || allowMatch === 'maybe' ? 'CONDITIONAL' : 'ALLOW';
}

// ---------------------------------------------------------------------------
// Connection and per-port evaluation, with linear scans for every lookup.

function findNamespace(state: ClusterState, name: string) {
  return state.namespaces.find(n => n.name === name);
}

function membershipOf(state: ClusterState, w: WorkloadInfo): Membership {
  return meshMembership(findNamespace(state, w.namespace), w);
}

/** The DestinationRules of a few namespaces, gathered by one scan of them all. */
function rulesIn(
  state: ClusterState,
  namespaces: string[],
): Map<string, DestinationRuleInfo[]> {
  const map = new Map<string, DestinationRuleInfo[]>();
  for (const rule of state.destinationRules) {
    if (!namespaces.includes(rule.namespace)) continue;
    map.set(rule.namespace, [...(map.get(rule.namespace) ?? []), rule]);
  }
  return map;
}

// ---------------------------------------------------------------------------
// A sidecar client's Sidecar scope (pilot/pkg/model/sidecar.go), found by scans.

/** The oldest of some Sidecars (istiod sorts them by creation time). */
function oldestSidecar(list: SidecarInfo[]): SidecarInfo | undefined {
  return [...list].sort((a, b) =>
    (a.creationTimestamp ?? '').localeCompare(b.creationTimestamp ?? ''),
  )[0];
}

/**
 * The Sidecar whose egress hosts narrow what a sidecar client sees: one selecting it in
 * its namespace, its namespace's default, or the root namespace's default; none for a
 * gateway or a waypoint, whose scope is istiod's default.
 */
function naiveSidecarOf(
  state: ClusterState,
  client: WorkloadInfo,
): SidecarInfo | undefined {
  if (isGatewayWorkload(client) || isWaypointPod(state, client)) {
    return undefined;
  }
  const all = state.sidecars ?? [];
  const own = all.filter(s => s.namespace === client.namespace);
  const selecting = own.filter(
    s =>
      s.workloadSelector !== undefined &&
      Object.keys(s.workloadSelector).length > 0 &&
      Object.entries(s.workloadSelector).every(
        ([k, v]) => client.labels[k] === v,
      ),
  );
  const found =
    oldestSidecar(selecting) ??
    oldestSidecar(own.filter(s => s.workloadSelector === undefined)) ??
    oldestSidecar(
      all.filter(
        s =>
          s.namespace === state.mesh.rootNamespace &&
          s.workloadSelector === undefined,
      ),
    );
  return found?.egressHosts ? found : undefined;
}

/**
 * Whether egress hosts (`NS/DNS`; `.` the client's namespace; `~NS/DNS` excluding, a
 * bare `~` for any namespace) import a Service's FQDN.
 */
function naiveImports(
  hosts: string[],
  clientNamespace: string,
  serviceNamespace: string,
  fqdn: string,
): boolean {
  let included = false;
  for (const entry of hosts) {
    const parts = entry.split('/');
    if (parts.length !== 2) continue;
    let [ns] = parts;
    const dns = parts[1];
    const excludes = ns.startsWith('~');
    if (excludes) ns = ns.slice(1) || '*';
    if (ns === '.') ns = clientNamespace;
    const nsMatches = ns === '*' || ns === serviceNamespace;
    const dnsMatches =
      dns === '*' ||
      dns === fqdn ||
      (dns.startsWith('*.') && fqdn.endsWith(dns.slice(1)));
    if (!nsMatches || !dnsMatches) continue;
    if (excludes) return false;
    included = true;
  }
  return included;
}

/** Whether a mesh VirtualService the Sidecar imports routes to the FQDN. */
function routedInScope(
  state: ClusterState,
  sidecar: SidecarInfo,
  clientNamespace: string,
  fqdn: string,
): boolean {
  return (state.virtualServices ?? []).some(vs => {
    const visible =
      vs.exportTo.includes('*') ||
      vs.exportTo.includes(clientNamespace) ||
      (vs.exportTo.includes('.') && vs.namespace === clientNamespace);
    if (!vs.gateways.includes('mesh') || !visible) return false;
    const imported = vs.hosts.some(h =>
      naiveImports(sidecar.egressHosts!, clientNamespace, vs.namespace, h),
    );
    if (!imported) return false;
    const destinations = [
      ...vs.http.flatMap(r => r.destinations),
      ...vs.tls.flatMap(r => r.destinations),
      ...vs.tcp.flatMap(r => r.destinations),
    ];
    return destinations.some(
      d =>
        (d.host.includes('.') ? d.host : serviceHost(vs.namespace, d.host)) ===
        fqdn,
    );
  });
}

/**
 * Where a sidecar client's Sidecar leaves a Service out: `passthrough` (plaintext, no
 * Istio mTLS) under ALLOW_ANY, `blackhole` under REGISTRY_ONLY; undefined where the
 * Service is in scope.
 */
function outOfScope(
  state: ClusterState,
  client: WorkloadInfo,
  service: { namespace: string; name: string },
): 'passthrough' | 'blackhole' | undefined {
  const sidecar = naiveSidecarOf(state, client);
  if (!sidecar) return undefined;
  const fqdn = serviceHost(service.namespace, service.name);
  if (
    naiveImports(
      sidecar.egressHosts!,
      client.namespace,
      service.namespace,
      fqdn,
    ) ||
    routedInScope(state, sidecar, client.namespace, fqdn)
  ) {
    return undefined;
  }
  const policy =
    sidecar.outboundTrafficPolicy ?? state.mesh.outboundTrafficPolicy;
  return policy === 'REGISTRY_ONLY' ? 'blackhole' : 'passthrough';
}

/** Whether the client's side sends mutual TLS; `undefined` where it cannot connect. */
function clientSendsMtls(
  state: ClusterState,
  caller: NaiveCaller,
  port: WorkloadPort | undefined,
  serverMode: EffectiveMtlsMode,
): boolean | undefined {
  const auto = serverMode !== 'DISABLE';
  if (caller.kind === 'plaintext') return false;
  if (caller.kind === 'principal') return auto;
  const mode = membershipOf(state, caller.workload).mode;
  if (mode === 'none') return false;
  // ztunnel sends HBONE mTLS, except to a port whose server disables it.
  if (mode === 'ambient') return auto;
  const exposing = port?.services[0];
  const scope =
    exposing && outOfScope(state, caller.workload, exposing.service);
  if (scope) return scope === 'blackhole' ? undefined : false;
  const rule =
    exposing &&
    destinationRuleFor(
      state.mesh,
      caller.workload,
      serviceHost(exposing.service.namespace, exposing.service.name),
      exposing.service.namespace,
      rulesIn(state, [
        caller.workload.namespace,
        exposing.service.namespace,
        state.mesh.rootNamespace,
      ]),
    );
  switch (rule ? tlsModeFor(rule, exposing?.servicePort) : undefined) {
    case 'ISTIO_MUTUAL':
      return serverMode === 'DISABLE' ? undefined : true;
    case 'DISABLE':
    case 'SIMPLE':
    case 'MUTUAL':
      return false;
    default:
      return state.mesh.enableAutoMtls && auto;
  }
}

function callerPrincipal(
  state: ClusterState,
  caller: NaiveCaller,
): string | undefined {
  if (caller.kind === 'principal') return caller.principal;
  if (caller.kind === 'plaintext') return undefined;
  const { namespace, serviceAccount } = caller.workload;
  return principalOf(state.mesh.trustDomain, namespace, serviceAccount);
}

/**
 * The path a proxy's RBAC filter reads: no query string; then, unless NONE, `%2F`/`%5C`
 * decoded (DECODE_AND_MERGE_SLASHES only), unreserved escapes decoded, `\` as `/`, dot
 * segments resolved, and runs of `/` merged (MERGE_SLASHES and stricter).
 */
function naivePath(raw: string, mode: string): string {
  const query = raw.search(/[?#]/);
  let path = query < 0 ? raw : raw.slice(0, query);
  if (mode === 'NONE') return path;
  if (mode === 'DECODE_AND_MERGE_SLASHES') {
    path = path.replace(/%(2f|2F|5c|5C)/g, m =>
      m.toLowerCase() === '%2f' ? '/' : '\\',
    );
  }
  let decoded = '';
  for (let i = 0; i < path.length; i++) {
    const hex = path.slice(i + 1, i + 3);
    if (path[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      const c = String.fromCharCode(parseInt(hex, 16));
      decoded += /^[\w.~-]$/.test(c) ? c : `%${hex.toUpperCase()}`;
      i += 2;
    } else {
      decoded += path[i] === '\\' ? '/' : path[i];
    }
  }
  const stack: string[] = [];
  const parts = decoded.split('/').slice(decoded.startsWith('/') ? 1 : 0);
  parts.forEach((part, i) => {
    if (part === '..') stack.pop();
    if (part !== '.' && part !== '..') stack.push(part);
    else if (i === parts.length - 1) stack.push('');
  });
  let out = `/${stack.join('/')}`;
  if (mode !== 'BASE') out = out.replace(/\/+/g, '/');
  return out;
}

/** ztunnel reads an ambient server's traffic; a sidecar HTTP, or TCP on a TCP port. */
function readingOf(
  ambient: boolean,
  known: WorkloadPort | undefined,
): AuthzRequest['protocol'] {
  if (ambient) return 'ztunnel';
  return known?.protocol === 'tcp' ? 'tcp' : 'http';
}

// ---------------------------------------------------------------------------
// Ambient waypoints, read straight from the labels and Gateways by linear scans
// (istiod's pilot/pkg/serviceregistry/ambient/waypoints.go, pilot/pkg/model/policyattachment.go,
// ztunnel's src/proxy/outbound.rs), without the engine's waypoint index.

interface NaiveWaypoint {
  gateway: KubernetesGatewayInfo;
  principal: string;
}

/** `istio.io/use-waypoint` on one object: `none`, a `NAMESPACE/NAME`, or nothing. */
function waypointLabel(
  labels: Record<string, string> | undefined,
  namespace: string,
): string | undefined {
  const name = labels?.['istio.io/use-waypoint'];
  if (name === undefined || name === 'none') return name;
  return `${labels?.['istio.io/use-waypoint-namespace'] ?? namespace}/${name}`;
}

/** The waypoint an object's traffic goes through: own label, else its namespace's. */
function naiveWaypoint(
  state: ClusterState,
  namespace: string,
  labels: Record<string, string> | undefined,
  traffic: 'service' | 'workload',
): NaiveWaypoint | undefined {
  // A waypoint the object's own label names is the only one tried, found or not.
  let named = waypointLabel(labels, namespace);
  if (named === 'none') return undefined;
  if (named === undefined) {
    named = waypointLabel(findNamespace(state, namespace)?.labels, namespace);
  }
  if (named === undefined || named === 'none') return undefined;
  const gateway = (state.kubernetesGateways ?? []).find(
    g =>
      `${g.namespace}/${g.name}` === named &&
      g.gatewayClassName === 'istio-waypoint',
  );
  if (!gateway) return undefined;
  if (gateway.status && gateway.status.addresses === 0) return undefined;
  const routes = gateway.allowedRoutes;
  const admitted =
    routes.from === 'All' ||
    (routes.from === 'Same' && gateway.namespace === namespace) ||
    (routes.from === 'Selector' &&
      naiveSelects(routes.selector, naiveNamespaceLabels(state, namespace)));
  if (!admitted) return undefined;
  const takes = gateway.labels['istio.io/waypoint-for'] ?? 'service';
  if (takes !== 'all' && takes !== traffic) return undefined;
  const instance = state.workloads.find(
    w =>
      w.namespace === gateway.namespace &&
      w.labels['gateway.networking.k8s.io/gateway-name'] === gateway.name,
  );
  const account =
    instance?.serviceAccount ??
    gateway.annotations['gateway.istio.io/service-account'] ??
    gateway.name;
  return {
    gateway,
    principal: principalOf(state.mesh.trustDomain, gateway.namespace, account),
  };
}

/** Whether a workload is one of a waypoint's own pods. */
function isWaypointPod(state: ClusterState, w: WorkloadInfo): boolean {
  const name = w.labels['gateway.networking.k8s.io/gateway-name'];
  return (
    name !== undefined &&
    (state.kubernetesGateways ?? []).some(
      g =>
        g.namespace === w.namespace &&
        g.name === name &&
        g.gatewayClassName === 'istio-waypoint',
    )
  );
}

/** The policies a waypoint enforces for one Service (or for pod traffic). */
function naiveWaypointPolicies(
  state: ClusterState,
  waypoint: NaiveWaypoint,
  service: { namespace: string; name: string } | undefined,
): AuthorizationPolicyInfo[] {
  const root = state.mesh.rootNamespace;
  const gw = waypoint.gateway;
  return state.authorizationPolicies.filter(p => {
    if (p.dryRun && p.action !== 'CUSTOM') return false;
    return (p.targetRefs ?? []).some(
      ref =>
        (service !== undefined &&
          ref.kind === 'Service' &&
          (!ref.group || ref.group === 'core') &&
          ref.name === service.name &&
          p.namespace === service.namespace) ||
        (ref.group === 'gateway.networking.k8s.io' &&
          ref.kind === 'GatewayClass' &&
          ref.name === 'istio-waypoint' &&
          p.namespace === root) ||
        (ref.group === 'gateway.networking.k8s.io' &&
          ref.kind === 'Gateway' &&
          ref.name === gw.name &&
          p.namespace === gw.namespace &&
          (!ref.namespace || ref.namespace === p.namespace)),
    );
  });
}

/**
 * A mesh client's request through the destination's waypoint: the waypoint's policies on
 * the client's identity, then the destination ztunnel's on the waypoint's.
 */
function throughNaiveWaypoint(
  state: ClusterState,
  caller: NaiveCaller,
  server: ServerFacts,
  port: number | undefined,
  attributes: RequestAttributes,
): NaiveDecision | undefined {
  if (server.membership.mode !== 'ambient') return undefined;
  if (caller.kind === 'plaintext') return undefined;
  if (caller.kind === 'workload') {
    if (membershipOf(state, caller.workload).mode === 'none') return undefined;
  }
  const known = server.ports.find(p => p.port === port);
  const service = known?.services[0]?.service;
  let waypoint: NaiveWaypoint | undefined;
  if (service) {
    waypoint = naiveWaypoint(
      state,
      service.namespace,
      service.labels,
      'service',
    );
  } else if (!isWaypointPod(state, server.workload)) {
    waypoint = naiveWaypoint(
      state,
      server.workload.namespace,
      server.workload.labels,
      'workload',
    );
  }
  if (!waypoint) return undefined;
  // A sidecar client whose Sidecar leaves the Service out sends it past the waypoint.
  if (
    service &&
    caller.kind === 'workload' &&
    membershipOf(state, caller.workload).mode === 'sidecar' &&
    outOfScope(state, caller.workload, service)
  ) {
    return undefined;
  }
  if (
    caller.kind === 'workload' &&
    caller.workload.namespace === waypoint.gateway.namespace &&
    caller.workload.labels['gateway.networking.k8s.io/gateway-name'] ===
      waypoint.gateway.name
  ) {
    return undefined;
  }
  const principal = callerPrincipal(state, caller)!;
  const domain = principal.split('/')[0];
  const accepted =
    state.mesh.skipValidateTrustDomain ||
    domain === state.mesh.trustDomain ||
    state.mesh.trustDomainAliases.includes(domain) ||
    state.mesh.caCertificateTrustDomains.includes(domain);
  if (!accepted) return { decision: 'DENY', mtls: false };
  const bundle = {
    local: [state.mesh.trustDomain, ...state.mesh.trustDomainAliases],
  };
  const atWaypoint = decide(
    naiveWaypointPolicies(state, waypoint, service),
    {
      principal,
      port,
      protocol: known?.protocol === 'tcp' ? 'tcp' : 'http',
      method: attributes.method,
      path:
        attributes.path === undefined
          ? undefined
          : naivePath(attributes.path, state.mesh.pathNormalization),
      host: attributes.host,
    },
    bundle,
    false,
  );
  const atZtunnel = decide(
    server.policies,
    { principal: waypoint.principal, port, protocol: 'ztunnel' },
    bundle,
    true,
  );
  const both = [atWaypoint, atZtunnel];
  if (both.includes('DENY')) return { decision: 'DENY', mtls: true };
  return {
    decision: both.every(d => d === 'ALLOW') ? 'ALLOW' : 'CONDITIONAL',
    mtls: true,
  };
}

function onePort(
  state: ClusterState,
  caller: NaiveCaller,
  server: ServerFacts,
  port: number | undefined,
  attributes: RequestAttributes,
): NaiveDecision {
  const viaWaypoint = throughNaiveWaypoint(
    state,
    caller,
    server,
    port,
    attributes,
  );
  if (viaWaypoint) return viaWaypoint;
  if (server.membership.mode === 'none') {
    // No proxy: nothing is enforced, but Istio mTLS a client originates toward it (its
    // DestinationRule's ISTIO_MUTUAL) is terminated by nothing, so that fails.
    const known = server.ports.find(p => p.port === port);
    return clientSendsMtls(state, caller, known, 'DISABLE') === undefined
      ? { decision: 'DENY', mtls: false }
      : { decision: 'ALLOW', mtls: false };
  }
  const ambient = server.membership.mode === 'ambient';
  let mode =
    port === undefined ? server.mtls.mode : mtlsOnPort(server.mtls, port);
  if (ambient && mode === 'DISABLE') mode = 'PERMISSIVE';
  const known = server.ports.find(p => p.port === port);
  const mtls = clientSendsMtls(state, caller, known, mode);
  if (mtls === undefined) return { decision: 'DENY', mtls: false };
  const principal = mtls ? callerPrincipal(state, caller) : undefined;
  if (principal !== undefined) {
    // The handshake: ztunnel takes only its own trust domain; a sidecar the trust
    // domain, its aliases and its caCertificates' trust domains, unless istiod skips
    // that check.
    const peerDomain = principal.split('/')[0];
    const accepted = ambient
      ? peerDomain === state.mesh.trustDomain
      : state.mesh.skipValidateTrustDomain ||
        peerDomain === state.mesh.trustDomain ||
        state.mesh.trustDomainAliases.includes(peerDomain) ||
        state.mesh.caCertificateTrustDomains.includes(peerDomain);
    if (!accepted) return { decision: 'DENY', mtls: false };
  }
  if (!mtls && mode === 'STRICT') return { decision: 'DENY', mtls: false };
  const request: AuthzRequest = {
    principal,
    port,
    protocol: readingOf(ambient, known),
    method: attributes.method,
    path:
      attributes.path === undefined
        ? undefined
        : naivePath(attributes.path, state.mesh.pathNormalization),
    host: attributes.host,
  };
  const bundle = {
    local: [state.mesh.trustDomain, ...state.mesh.trustDomainAliases],
  };
  return {
    decision: decide(server.policies, request, bundle, ambient),
    mtls,
  };
}

/** Every port when the query names none; CONDITIONAL where the ports disagree. */
function access(
  state: ClusterState,
  caller: NaiveCaller,
  server: ServerFacts,
  attributes: RequestAttributes,
): NaiveDecision {
  let ports: (number | undefined)[] = server.ports.map(p => p.port);
  if (attributes.port !== undefined) ports = [attributes.port];
  else if (ports.length === 0) ports = [undefined];
  const results = ports.map(p =>
    withNaiveNetwork(
      state,
      caller,
      server,
      p,
      onePort(state, caller, server, p, attributes),
    ),
  );
  const decisions = new Set(results.map(r => r.decision));
  return {
    decision: decisions.size === 1 ? results[0].decision : 'CONDITIONAL',
    mtls: results.every(r => r.mtls),
  };
}

/** The server's facts, each derived by scanning the whole cluster state. */
function serverFacts(state: ClusterState, workload: WorkloadInfo): ServerFacts {
  const mtls = effectiveMtls(
    peerAuthenticationScopes(state.mesh, workload, state.peerAuthentications),
  );
  const membership = membershipOf(state, workload);
  // A dry-run policy is only logged (shadow rules); a sidecar still calls the provider
  // of a dry-run CUSTOM one (pilot/pkg/security/authz/builder/builder.go).
  const enforced = (p: AuthorizationPolicyInfo) =>
    !p.dryRun || (membership.mode === 'sidecar' && p.action === 'CUSTOM');
  return {
    workload,
    membership,
    ports: workloadPorts(workload, state.services),
    mtls,
    // The point of the baseline: every policy, checked against this server. A
    // waypoint's own pods read no selector policy.
    policies: isWaypointPod(state, workload)
      ? []
      : state.authorizationPolicies.filter(
          p => enforced(p) && policyAppliesTo(p, state.mesh, workload),
        ),
  };
}

/** `NAMESPACE/NAME` or `CLUSTER/NAMESPACE/NAME`, found by a linear scan. */
function findWorkload(state: ClusterState, ref: string): WorkloadInfo {
  const parts = ref.split('/');
  const [namespace, name] = parts.length === 3 ? parts.slice(1) : parts;
  const found = state.workloads.find(
    w => w.namespace === namespace && w.name === name,
  );
  if (!found) throw new Error(`no workload ${ref}`);
  return found;
}

function parseNaiveCaller(state: ClusterState, ref: string): NaiveCaller {
  if (ref === 'plaintext') return { kind: 'plaintext' };
  if (ref.startsWith('principal:')) {
    return { kind: 'principal', principal: ref.slice('principal:'.length) };
  }
  return { kind: 'workload', workload: findWorkload(state, ref) };
}

/** `check`, without indexes or caches: one query, everything scanned. @public */
export function naiveCheck(
  state: ClusterState,
  query: CheckQuery,
): NaiveDecision {
  const caller = parseNaiveCaller(state, query.from);
  const server = serverFacts(state, findWorkload(state, query.to));
  return access(state, caller, server, query);
}

/**
 * The known workloads that may call `server` on some port (ALLOW or CONDITIONAL):
 * the policies are scanned once for the server, then every workload in the cluster
 * is tried as a caller, as an implementation without a principal or namespace
 * index has to.
 *
 * @public
 */
export function naiveAllowedCallers(
  state: ClusterState,
  server: WorkloadInfo,
): WorkloadInfo[] {
  const facts = serverFacts(state, server);
  return state.workloads.filter(
    caller =>
      access(state, { kind: 'workload', workload: caller }, facts, {})
        .decision !== 'DENY',
  );
}

// ---------------------------------------------------------------------------
// The NetworkPolicy layer, interpreted straight from the normalized policies: every
// policy of the cluster scanned for each end of each connection.

function naiveSelects(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  const matchLabels = selector?.matchLabels ?? {};
  const labelsOk = Object.keys(matchLabels).every(
    k => labels[k] === matchLabels[k],
  );
  const expressionsOk = (selector?.matchExpressions ?? []).every(e => {
    const value = labels[e.key];
    const present = e.key in labels;
    if (e.operator === 'Exists') return present;
    if (e.operator === 'DoesNotExist') return !present;
    const listed = present && (e.values ?? []).indexOf(value) >= 0;
    return e.operator === 'In' ? listed : !listed;
  });
  return labelsOk && expressionsOk;
}

function naiveNamespaceLabels(state: ClusterState, name: string) {
  const found = state.namespaces.find(n => n.name === name);
  return { ...found?.labels, 'kubernetes.io/metadata.name': name };
}

/** One peer against a pod (`undefined`: a client whose pod and address are unknown). */
function naivePeer(
  state: ClusterState,
  policy: NetworkPolicyInfo,
  peer: NetworkPolicyPeer,
  pod: WorkloadInfo | undefined,
): Tri {
  if (peer.ipBlock) {
    const all = ['0.0.0.0/0', '::/0'].includes(peer.ipBlock.cidr);
    return all && !peer.ipBlock.except.length ? 'yes' : 'maybe';
  }
  if (!peer.podSelector && !peer.namespaceSelector) return 'no';
  if (!pod) return 'maybe';
  const inNamespace = peer.namespaceSelector
    ? naiveSelects(
        peer.namespaceSelector,
        naiveNamespaceLabels(state, pod.namespace),
      )
    : pod.namespace === policy.namespace;
  const podOk = peer.podSelector
    ? naiveSelects(peer.podSelector, pod.labels)
    : true;
  return inNamespace && podOk ? 'yes' : 'no';
}

function naivePorts(
  entries: NetworkPolicyPort[],
  port: number | undefined,
  destination: WorkloadInfo,
): Tri {
  if (entries.length === 0) return 'yes';
  return triAny(
    entries.map((e): Tri => {
      if (e.protocol !== 'TCP') return 'no';
      if (e.port === undefined) return 'yes';
      if (port === undefined) return 'maybe';
      const number =
        typeof e.port === 'number'
          ? e.port
          : destination.containerPorts.find(c => c.name === e.port)?.port;
      if (number === undefined) return 'no';
      const last = typeof e.port === 'number' ? e.endPort ?? number : number;
      return port >= number && port <= last ? 'yes' : 'no';
    }),
  );
}

/** One end's direction: undefined where no policy of that type selects the pod. */
function naiveDirection(
  state: ClusterState,
  pod: WorkloadInfo,
  type: 'Ingress' | 'Egress',
  peerPod: WorkloadInfo | undefined,
  destination: WorkloadInfo,
  port: number | undefined,
): Tri | undefined {
  const isolating = (state.networkPolicies ?? []).filter(
    p =>
      p.namespace === pod.namespace &&
      p.policyTypes.includes(type) &&
      naiveSelects(p.podSelector, pod.labels),
  );
  if (isolating.length === 0) return undefined;
  return triAny(
    isolating.flatMap(p =>
      (type === 'Ingress' ? p.ingress : p.egress).map(rule =>
        triAll([
          rule.peers.length === 0
            ? 'yes'
            : triAny(
                rule.peers.map(peer => naivePeer(state, p, peer, peerPod)),
              ),
          naivePorts(rule.ports, port, destination),
        ]),
      ),
    ),
  );
}

/** Istio's answer on one port, then the NetworkPolicies': both must let it through. */
function withNaiveNetwork(
  state: ClusterState,
  caller: NaiveCaller,
  server: ServerFacts,
  port: number | undefined,
  istio: NaiveDecision,
): NaiveDecision {
  const client = caller.kind === 'workload' ? caller.workload : undefined;
  // A bare principal presents mTLS: in the mesh, as a sidecar would be.
  let clientMode = caller.kind === 'principal' ? 'sidecar' : 'none';
  if (client) clientMode = membershipOf(state, client).mode;
  const serverMode = server.membership.mode;
  // HBONE: ztunnel carries ambient traffic to port 15008 of the destination pod.
  const hbone =
    (serverMode === 'ambient' && clientMode !== 'none') ||
    (clientMode === 'ambient' && serverMode !== 'none');
  const wire = hbone ? 15008 : port;
  const ingress = naiveDirection(
    state,
    server.workload,
    'Ingress',
    client,
    server.workload,
    wire,
  );
  const egress = client
    ? naiveDirection(
        state,
        client,
        'Egress',
        server.workload,
        server.workload,
        wire,
      )
    : undefined;
  if (ingress === undefined && egress === undefined) return istio;
  const network = triAll([ingress ?? 'yes', egress ?? 'yes']);
  if (network === 'no' || istio.decision === 'DENY')
    return { decision: 'DENY', mtls: istio.mtls };
  if (network === 'maybe' || istio.decision === 'CONDITIONAL')
    return { decision: 'CONDITIONAL', mtls: istio.mtls };
  return istio;
}

// ---------------------------------------------------------------------------
// Trust between clusters, read straight from the certificates: a server's proxy verifies
// a peer's chain against its own roots and caCertificates.

/**
 * Whether workloads of `client` can complete an mTLS handshake with workloads of
 * `server`: the same cluster; no root known on either side (assumed); or some root of
 * the client's bundle is, or was issued (by name) by, a CA the server trusts.
 *
 * @public
 */
export function naiveTrusts(
  client: ClusterState,
  server: ClusterState,
): boolean {
  if (client.name === server.name) return true;
  const roots = client.trust?.roots ?? [];
  if (roots.length === 0 || server.trust === undefined) return true;
  const anchors = [...server.trust.roots, ...server.trust.caCertificates];
  return roots.some(root =>
    anchors.some(
      anchor =>
        anchor.fingerprint === root.fingerprint ||
        (!root.selfSigned && anchor.ca && anchor.subject === root.issuer),
    ),
  );
}
