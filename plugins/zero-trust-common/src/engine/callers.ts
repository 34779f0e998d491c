import {
  AuthorizationOperation,
  AuthorizationRule,
  AuthorizationSource,
} from '../model/types';
import {
  Caller,
  NetworkAccess,
  RequestAttributes,
  decideAccess,
  waypointRoutes,
} from './access';
import {
  expandPrincipal,
  forEachAdmittingRule,
  qualifyServiceAccount,
} from './authorization';
import { parsePrincipal } from './identity';
import { stringMatches } from './match';
import { MeshModel, WorkloadModel } from './MeshModel';
import { untrustedReason } from './trust';

/** Who a caller entry stands for. @public */
export type CallerSource =
  | { kind: 'workload'; workload: string; principal: string }
  | { kind: 'principal'; principal: string }
  | { kind: 'principalPattern'; pattern: string }
  | { kind: 'namespace'; namespace: string }
  | { kind: 'namespacePattern'; pattern: string }
  | { kind: 'authenticated' }
  | { kind: 'anyone' };

/** What an admitting rule narrows the access to. @public */
export interface Narrowing {
  ports?: string[];
  methods?: string[];
  paths?: string[];
  hosts?: string[];
}

/**
 * One entry of a workload's allowed callers. Entries of one workload may share their
 * `ports`, `admittedBy` and `narrowing` values (a large mesh has hundreds of thousands
 * of entries): read them, do not change them.
 *
 * @public
 */
export interface AllowedCaller {
  source: CallerSource;
  /** A person's wording, e.g. `any workload in namespace monitoring`. */
  label: string;
  /** ALLOW on some port, or only CONDITIONAL (it depends on the method, path, …). */
  decision: 'ALLOW' | 'CONDITIONAL';
  /** The target ports it may reach. */
  ports: number[];
  /** The ALLOW rules that admit it (`NAMESPACE/NAME` and rule index); empty with no ALLOW policy. */
  admittedBy: { policy: string; rule: number }[];
  narrowing: Narrowing;
  /** The NetworkPolicy layer on the ports it may reach, where a NetworkPolicy isolates either end. */
  network?: NetworkAccess;
}

/** A caller Istio lets through on some port, and NetworkPolicies drop on every one. @public */
export interface NetworkBlockedCaller {
  source: CallerSource;
  label: string;
  /** The target ports Istio would let it reach. */
  ports: number[];
  /** `NAMESPACE/NAME` of the NetworkPolicies that drop it. */
  policies: string[];
}

/**
 * A workload of another cluster that the server's policies name, refused at the mTLS
 * handshake: the server's cluster does not trust its cluster's root, so no policy is read.
 * @public
 */
export interface UntrustedCaller {
  source: CallerSource;
  label: string;
  /** Its cluster. */
  cluster: string;
  /** Why, e.g. `cluster analytics's root is not trusted by cluster backend`. */
  reason: string;
}

/** A DENY rule carving callers out of what ALLOW rules admit. @public */
export interface DenyException {
  policy: string;
  rule: number;
  description: string;
}

/** @public */
export interface CallerAnalysis {
  allowedCallers: AllowedCaller[];
  denyExceptions: DenyException[];
  /** Callers Istio allows that a NetworkPolicy blocks: a broken path. */
  blockedByNetwork: NetworkBlockedCaller[];
  /** Callers its policies name whose root its cluster does not trust; absent: none. */
  untrustedCallers?: UntrustedCaller[];
}

// Probe identities for wider sources. `~` cannot occur in a Kubernetes name or a trust
// domain, so a probe matches only the wildcards of the source it stands for. Its trust
// domain is the server's own, the one every proxy accepts at the handshake, unless the
// source names another.
const probe = '~';

/** A stable key for a caller source. @public */
export function sourceKey(source: CallerSource): string {
  switch (source.kind) {
    case 'workload':
      return `workload:${source.workload}`;
    case 'principal':
      return `principal:${source.principal}`;
    case 'principalPattern':
      return `pattern:${source.pattern}`;
    case 'namespace':
      return `namespace:${source.namespace}`;
    case 'namespacePattern':
      return `namespace-pattern:${source.pattern}`;
    default:
      return source.kind;
  }
}

function label(source: CallerSource): string {
  switch (source.kind) {
    case 'workload':
      return source.workload;
    case 'principal':
      return `identity ${source.principal}`;
    case 'principalPattern':
      return `identities matching ${source.pattern}`;
    case 'namespace':
      return `any workload in namespace ${source.namespace}`;
    case 'namespacePattern':
      return `any workload in a namespace matching ${source.pattern}`;
    case 'authenticated':
      return 'any authenticated workload (any mTLS identity, any trust domain)';
    default:
      return 'anyone, plaintext callers included';
  }
}

/** A value a `prefix*` or `*suffix` pattern matches and nothing more specific does. */
function probeFor(pattern: string): string {
  return pattern.endsWith('*')
    ? pattern.slice(0, -1) + probe
    : probe + pattern.slice(1);
}

/** The caller a wider source stands for, to put through `decideAccess`. */
function probeCaller(
  source: Exclude<CallerSource, { kind: 'workload' }>,
  trustDomain: string,
): Caller {
  switch (source.kind) {
    case 'principal':
      return { kind: 'principal', principal: source.principal };
    case 'principalPattern': {
      // `*/ns/NS/sa/SA` leaves the trust domain open: probe with the server's.
      const principal = probeFor(source.pattern);
      return {
        kind: 'principal',
        principal: principal.startsWith(`${probe}/`)
          ? trustDomain + principal.slice(probe.length)
          : principal,
      };
    }
    case 'namespace':
      return {
        kind: 'principal',
        principal: `${trustDomain}/ns/${source.namespace}/sa/${probe}`,
      };
    case 'namespacePattern':
      return {
        kind: 'principal',
        principal: `${trustDomain}/ns/${probeFor(source.pattern)}/sa/${probe}`,
      };
    case 'authenticated':
      return {
        kind: 'principal',
        principal: `${trustDomain}/ns/${probe}/sa/${probe}`,
      };
    default:
      return { kind: 'plaintext' };
  }
}

const isWildcard = (p: string) => p.includes('*');

/** What a rule with no source admits: anyone, and (where plaintext is refused) any identity. */
const openSources: Exclude<CallerSource, { kind: 'workload' }>[] = [
  { kind: 'anyone' },
  { kind: 'authenticated' },
];

/** Candidate callers named by one `from` source of an ALLOW rule. */
function candidatesOf(
  source: AuthorizationSource,
  trustDomains: string[],
  model: MeshModel,
  add: (s: Exclude<CallerSource, { kind: 'workload' }>) => void,
  addWorkloads: (ws: WorkloadModel[]) => void,
  policyNamespace: string,
) {
  const s = source ?? {};
  if (!s.principals && !s.namespaces && !s.serviceAccounts && !s.trustDomains) {
    openSources.forEach(add);
    return;
  }
  for (const domain of s.trustDomains ?? []) {
    if (isWildcard(domain)) {
      add({ kind: 'authenticated' });
      continue;
    }
    // Every identity of that trust domain; the workloads of each cluster that has it.
    add({ kind: 'principalPattern', pattern: `${domain}/*` });
    addWorkloads(
      model.clusters
        .filter(c => c.trustDomains.includes(domain))
        .flatMap(c => c.workloads),
    );
  }
  for (const written of s.principals ?? []) {
    // Rewritten to the local trust domain and each alias; an identity no workload has
    // is shown once, in the local trust domain.
    const expanded = expandPrincipal(written, { local: trustDomains });
    const principal = expanded[0];
    if (principal === '*') {
      add({ kind: 'authenticated' });
    } else if (isWildcard(principal)) {
      // One entry stands for every identity the wildcard matches.
      add({ kind: 'principalPattern', pattern: principal });
    } else {
      const workloads = expanded.flatMap(p => model.workloadsWithPrincipal(p));
      if (workloads.length) addWorkloads(workloads);
      else add({ kind: 'principal', principal });
    }
  }
  for (const namespace of s.namespaces ?? []) {
    if (namespace === '*') {
      add({ kind: 'authenticated' });
    } else if (isWildcard(namespace)) {
      add({ kind: 'namespacePattern', pattern: namespace });
    } else {
      // A namespace named outright is usually small: list its workloads too, so
      // the Security tab can link each to its catalog entity.
      add({ kind: 'namespace', namespace });
      addWorkloads(model.workloadsInNamespace(namespace));
    }
  }
  for (const account of s.serviceAccounts ?? []) {
    const [ns, sa] = qualifyServiceAccount(account, policyNamespace).split('/');
    addWorkloads(
      model
        .workloadsInNamespace(ns)
        .filter(w => w.workload.serviceAccount === sa),
    );
  }
}

function narrowingOf(
  operations: AuthorizationOperation[] | undefined,
): Narrowing {
  const out: Narrowing = {};
  for (const o of operations ?? []) {
    for (const key of ['ports', 'methods', 'paths', 'hosts'] as const) {
      if (o?.[key]) out[key] = [...new Set([...(out[key] ?? []), ...o[key]!])];
    }
  }
  return out;
}

function describeRule(rule: AuthorizationRule): string {
  const who = rule.from
    ? rule.from
        .map(f =>
          Object.entries(f ?? {})
            .map(([k, v]) => `${k} ${(v as string[]).join(', ')}`)
            .join(' and '),
        )
        .join('; or ')
    : 'every caller';
  const what = rule.to ? ` for ${JSON.stringify(narrowingOf(rule.to))}` : '';
  const when = rule.when?.length ? ' under conditions' : '';
  return `${who || 'every caller'}${what}${when}`;
}

/** A request naming no port, method, path or host: every port, read bare. */
const anyRequest: Readonly<RequestAttributes> = {};

/** A caller to try: a wider source with its probe, or a known workload as itself. */
type Candidate =
  | { source: Exclude<CallerSource, { kind: 'workload' }>; caller: Caller }
  | {
      source?: undefined;
      key: string;
      workload: WorkloadModel;
      caller: Caller;
    };

// A workload is a candidate caller of many servers: its key and caller are built once.
// The source in its entries is built per entry, so that no two entries share an object.
const workloadCandidates = new WeakMap<
  WorkloadModel,
  Candidate & { key: string }
>();

function workloadCandidate(w: WorkloadModel): Candidate & { key: string } {
  let c = workloadCandidates.get(w);
  if (!c) {
    c = {
      key: sourceKey(workloadSource(w)),
      workload: w,
      caller: { kind: 'workload', workload: w },
    };
    workloadCandidates.set(w, c);
  }
  return c;
}

function workloadSource(w: WorkloadModel): CallerSource {
  return { kind: 'workload', workload: w.id, principal: w.principal };
}

/**
 * Who may call a workload: each known workload (every cluster) and each wider source
 * that gets ALLOW or CONDITIONAL on some port. Candidates come from the ALLOW rules'
 * sources; every one is then put through `decideAccess`, the decision `check` words,
 * so the list and `check` cannot disagree.
 *
 * @public
 */
export function allowedCallers(
  server: WorkloadModel,
  model: MeshModel,
): CallerAnalysis {
  // Each candidate with the caller that stands for it: a known workload as itself,
  // a wider source as a probe.
  const candidates = new Map<string, Candidate>();
  const add = (s: Exclude<CallerSource, { kind: 'workload' }>) =>
    candidates.set(sourceKey(s), {
      source: s,
      caller: probeCaller(s, server.cluster.state.mesh.trustDomain),
    });
  const addWorkloads = (ws: WorkloadModel[]) => {
    for (const w of ws) {
      const c = workloadCandidate(w);
      candidates.set(c.key, c);
    }
  };

  const ownAllow = server.inMesh
    ? server.policies.filter(p => p.policy.action === 'ALLOW')
    : [];
  // Through a waypoint the client's identity meets the waypoint's policies (the
  // destination's own ones then see the waypoint's identity).
  const routes = waypointRoutes(server);
  const waypointAllow = routes.flatMap(r => r.policies.allow);
  const allowPolicies = [...new Set([...ownAllow, ...waypointAllow])];
  if (
    ownAllow.length === 0 ||
    routes.some(r => r.policies.allow.length === 0)
  ) {
    openSources.forEach(add);
  }
  const denyPolicies = [
    ...new Set([
      ...(server.inMesh ? server.policies : []).filter(
        p => p.policy.action === 'DENY',
      ),
      ...routes.flatMap(r => r.policies.deny),
    ]),
  ];
  // Each ALLOW policy's rules by index, under its `NAMESPACE/NAME`.
  const ruleIndex = new Map<string, AuthorizationRule[]>();
  for (const compiled of allowPolicies) {
    compiled.policy.rules.forEach((rule, i) => {
      let rules = ruleIndex.get(compiled.ref);
      if (!rules) ruleIndex.set(compiled.ref, (rules = []));
      rules[i] = rule;
      if (!rule.from) {
        openSources.forEach(add);
        return;
      }
      for (const source of rule.from) {
        candidatesOf(
          source,
          server.cluster.trustDomains,
          model,
          add,
          addWorkloads,
          compiled.policy.namespace,
        );
      }
    });
  }
  // A DENY rule can exempt callers its negative fields name ("deny all but X"): where
  // it blocks every wider source, those named callers are the only ones left.
  for (const compiled of denyPolicies) {
    for (const source of compiled.policy.rules.flatMap(r => r.from ?? [])) {
      const named = {
        principals: [
          ...(source?.principals ?? []),
          ...(source?.notPrincipals ?? []),
        ],
        namespaces: [
          ...(source?.namespaces ?? []),
          ...(source?.notNamespaces ?? []),
        ],
      };
      candidatesOf(
        named,
        server.cluster.trustDomains,
        model,
        add,
        addWorkloads,
        compiled.policy.namespace,
      );
    }
  }

  const allowed: AllowedCaller[] = [];
  // The current candidate's open ports and admitting rules (each once, in the order
  // first seen), in scratch lists reused from one candidate to the next.
  const ports: number[] = [];
  let portCount = 0;
  const policies: string[] = [];
  const ruleNumbers: number[] = [];
  let ruleCount = 0;
  const admit = (policy: string, rule: number) => {
    for (let i = 0; i < ruleCount; i++) {
      if (policies[i] === policy && ruleNumbers[i] === rule) return;
    }
    policies[ruleCount] = policy;
    ruleNumbers[ruleCount] = rule;
    ruleCount++;
  };
  // Entries with the same ports, or the same admitting rules, share one list (and the
  // narrowing that follows from the rules): most of a workload's callers are alike,
  // and a report of thousands of workloads holds hundreds of thousands of entries.
  const portLists: number[][] = [];
  const admissions: Pick<AllowedCaller, 'admittedBy' | 'narrowing'>[] = [];
  const samePorts = (list: number[]) => {
    if (list.length !== portCount) return false;
    for (let i = 0; i < portCount; i++) if (list[i] !== ports[i]) return false;
    return true;
  };
  const sameRules = (list: AllowedCaller['admittedBy']) => {
    if (list.length !== ruleCount) return false;
    for (let i = 0; i < ruleCount; i++) {
      if (list[i].policy !== policies[i] || list[i].rule !== ruleNumbers[i])
        return false;
    }
    return true;
  };
  const sharedPorts = () => {
    const found = portLists.find(samePorts);
    if (found) return found;
    const list = ports.slice(0, portCount);
    portLists.push(list);
    return list;
  };
  const sharedAdmission = () => {
    const found = admissions.find(a => sameRules(a.admittedBy));
    if (found) return found;
    const admittedBy = policies.slice(0, ruleCount).map((policy, i) => ({
      policy,
      rule: ruleNumbers[i],
    }));
    const admission = {
      admittedBy,
      narrowing: narrowingOf(
        admittedBy.flatMap(a => ruleIndex.get(a.policy)?.[a.rule]?.to ?? []),
      ),
    };
    admissions.push(admission);
    return admission;
  };
  const blockedByNetwork: NetworkBlockedCaller[] = [];
  const untrustedCallers: UntrustedCaller[] = [];
  for (const candidate of candidates.values()) {
    // The decisions only: a caller's reasons are not part of the list.
    let open = false;
    let certain = false;
    portCount = 0;
    ruleCount = 0;
    const decisions = decideAccess(candidate.caller, server, anyRequest);
    for (const p of decisions) {
      if (p.decision === 'DENY') continue;
      open = true;
      if (p.decision === 'ALLOW') certain = true;
      if (p.port !== undefined) ports[portCount++] = p.port;
      if (p.by === 'policies') forEachAdmittingRule(p.authz, admit);
      if (p.by === 'waypoint') {
        forEachAdmittingRule(p.authz, admit);
        forEachAdmittingRule(p.ztunnel, admit);
      }
    }
    if (!open) {
      // A workload of a cluster whose root is not trusted is refused on every port at
      // the handshake, before any policy: said apart, since a policy names it.
      const refused = decisions.find(p => p.by === 'root');
      if (refused?.by === 'root' && !candidate.source) {
        const source = workloadSource(candidate.workload);
        untrustedCallers.push({
          source,
          label: label(source),
          cluster: refused.trust.from,
          reason: untrustedReason(refused.trust),
        });
        continue;
      }
      const blocked = networkBlocked(decisions);
      if (blocked) {
        const source = candidate.source ?? workloadSource(candidate.workload);
        blockedByNetwork.push({ source, label: label(source), ...blocked });
      }
      continue;
    }
    const source = candidate.source ?? workloadSource(candidate.workload);
    const { admittedBy, narrowing } = sharedAdmission();
    const network = networkOnOpenPorts(decisions);
    allowed.push({
      source,
      label: label(source),
      decision: certain ? 'ALLOW' : 'CONDITIONAL',
      ports: sharedPorts(),
      admittedBy,
      narrowing,
      ...(network ? { network } : {}),
    });
  }
  // Where anyone may call on the same ports, 'any authenticated workload' adds nothing.
  const anyone = allowed.find(a => a.source.kind === 'anyone');
  const redundant = (a: AllowedCaller) =>
    a.source.kind === 'authenticated' &&
    anyone !== undefined &&
    anyone.decision === 'ALLOW' &&
    a.ports.every(p => anyone.ports.includes(p));
  const denyExceptions = [
    ...new Set([
      ...server.policies.filter(p => p.policy.action === 'DENY'),
      ...routes.flatMap(r => r.policies.deny),
    ]),
  ].flatMap(p =>
    p.policy.rules.map((rule, i) => ({
      policy: p.ref,
      rule: i,
      description: describeRule(rule),
    })),
  );
  return {
    allowedCallers: allowed.filter(a => !redundant(a)),
    denyExceptions,
    blockedByNetwork,
    ...(untrustedCallers.length ? { untrustedCallers } : {}),
  };
}

type Decisions = ReturnType<typeof decideAccess>;

/** Where Istio lets a caller through on some port and NetworkPolicies drop it on each such port. */
function networkBlocked(
  decisions: Decisions,
): Pick<NetworkBlockedCaller, 'ports' | 'policies'> | undefined {
  const istioOpen = decisions.filter(
    p => p.network && p.istioDecision !== 'DENY',
  );
  if (!istioOpen.length) return undefined;
  return {
    ports: istioOpen.flatMap(p => (p.port === undefined ? [] : [p.port])),
    policies: [...new Set(istioOpen.flatMap(p => p.network!.policies))],
  };
}

/** The NetworkPolicy layer over the ports both layers leave open. */
function networkOnOpenPorts(decisions: Decisions): NetworkAccess | undefined {
  // Without a NetworkPolicy on either end (the usual case), no list is built.
  if (!decisions.some(p => p.network)) return undefined;
  const open = decisions.filter(p => p.network && p.decision !== 'DENY');
  if (!open.length) return undefined;
  const decision = open.every(p => p.network!.decision === 'ALLOW')
    ? 'ALLOW'
    : 'CONDITIONAL';
  return {
    decision,
    policies: [...new Set(open.flatMap(p => p.network!.policies))],
  };
}

/**
 * A peer seen on the wire: the principal its certificate carried (absent over plaintext)
 * and, where the telemetry names it, its workload.
 * @public
 */
export interface ObservedPeer {
  /** `TD/ns/NS/sa/SA` (a `spiffe://` prefix is accepted). */
  principal?: string;
  namespace?: string;
  workload?: string;
  cluster?: string;
}

/**
 * Whether a peer seen calling `server` is one the caller entry stands for: the same
 * reading of identities as the server's proxy (a policy principal in the local trust
 * domain, an alias or `cluster.local` stands for every one of them, `expandPrincipal`;
 * `namespaces` is read from the peer's principal, any trust domain), so an entry wider
 * than one identity covers every identity it admits. A peer without a principal
 * (plaintext) is covered only by `anyone`. Several workloads may share an identity
 * (one service account): a peer the telemetry names by workload covers that one, a
 * peer it does not name covers each of them.
 *
 * @public
 */
export function callerCovers(
  source: CallerSource,
  peer: ObservedPeer,
  server: WorkloadModel,
  model: MeshModel,
): boolean {
  if (source.kind === 'anyone') return true;
  const principal = peer.principal?.replace(/^spiffe:\/\//, '');
  if (!principal) return false;
  const bundle = { local: server.cluster.trustDomains };
  switch (source.kind) {
    case 'authenticated':
      return true;
    case 'workload': {
      const holders = model.workloadsWithPrincipal(principal);
      const named = holders.filter(
        w =>
          peer.workload !== undefined &&
          w.workload.name === peer.workload &&
          (peer.namespace === undefined || w.namespace === peer.namespace) &&
          (peer.cluster === undefined || w.cluster.name === peer.cluster),
      );
      return (named.length ? named : holders).some(
        w => w.id === source.workload,
      );
    }
    case 'principal':
      return expandPrincipal(source.principal, bundle).includes(principal);
    case 'principalPattern':
      return expandPrincipal(source.pattern, bundle).some(p =>
        stringMatches(p, principal),
      );
    case 'namespace':
      return parsePrincipal(principal)?.namespace === source.namespace;
    case 'namespacePattern': {
      const namespace = parsePrincipal(principal)?.namespace;
      return (
        namespace !== undefined && stringMatches(source.pattern, namespace)
      );
    }
    default:
      return false;
  }
}
