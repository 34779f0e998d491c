import { selectorMatches } from '../model/labels';
import {
  AuthorizationAction,
  AuthorizationCondition,
  AuthorizationOperation,
  AuthorizationPolicyInfo,
  AuthorizationRule,
  AuthorizationSource,
  Labels,
  MeshConfig,
  WorkloadInfo,
} from '../model/types';
import { parsePrincipal } from './identity';
import { Tri, pathMatches, stringMatches } from './match';

/** What the server's proxy knows about one request. */
export interface AuthzRequest {
  /** The peer's principal from mTLS; absent for plaintext. */
  principal?: string;
  /** Target port; absent when the query did not give one. */
  port?: number;
  /**
   * How the enforcing proxy reads it: `http` (a sidecar or waypoint on an HTTP port),
   * `tcp` (a sidecar on a TCP port: HTTP-only fields dropped) or `ztunnel` (ambient
   * without a waypoint, with ztunnel's own rules).
   */
  protocol: 'http' | 'tcp' | 'ztunnel';
  method?: string;
  path?: string;
  host?: string;
}

/** The trust domains a policy's principals are rewritten to (trust domain migration). */
export interface TrustBundle {
  local: string[];
}

/** The local trust domain Istio substitutes in policies (`cluster.local` is a pointer to it). */
const clusterLocal = 'cluster.local';

/**
 * A policy principal as Istio enforces it: a principal in the local trust domain, one
 * of its aliases, or `cluster.local` is rewritten to every one of them; wildcards in
 * the trust domain and foreign trust domains are kept as written
 * (pilot/pkg/security/trustdomain/bundle.go, ReplaceTrustDomainAliases;
 * https://istio.io/latest/docs/tasks/security/authorization/authz-td-migration/).
 * Only the five-part form `TD/ns/NS/sa/SA` is rewritten: `cluster.local/ns/foo/*` has
 * four parts, so Istio keeps it literal (isTrustDomainBeingEnforced in bundle.go).
 */
export function expandPrincipal(
  pattern: string,
  bundle: TrustBundle,
): string[] {
  const parts = pattern.split('/');
  if (parts.length !== 5 || parts[0].startsWith('*')) return [pattern];
  const td = parts[0];
  if (td !== clusterLocal && !bundle.local.includes(td)) return [pattern];
  const rest = pattern.slice(td.length);
  return [...new Set(bundle.local.map(t => t + rest))];
}

/**
 * A `serviceAccounts` value as `NAMESPACE/NAME`: a bare `NAME` is a ServiceAccount of
 * the policy's own namespace (serviceAccountRegex in
 * pilot/pkg/security/authz/model/generator.go; stringToServiceAccountMatch in
 * pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go).
 */
export function qualifyServiceAccount(
  value: string,
  policyNamespace: string,
): string {
  return value.includes('/') ? value : `${policyNamespace}/${value}`;
}

type Matcher = (req: AuthzRequest) => Tri;

const always: Matcher = () => 'yes';

/**
 * `triAnd` of the parts' results, stopping at the first `no`. The parts are pure, so
 * stopping early gives the same answer; it saves building an array per request, which
 * `allowedCallers` makes millions of.
 */
function allOf(parts: Matcher[]): Matcher {
  if (parts.length === 0) return always;
  if (parts.length === 1) return parts[0];
  return req => {
    let result: Tri = 'yes';
    for (const part of parts) {
      const v = part(req);
      if (v === 'no') return 'no';
      if (v === 'maybe') result = 'maybe';
    }
    return result;
  };
}

/** `triOr` of the parts' results (none: `no`), stopping at the first `yes`. */
function anyOf(parts: Matcher[]): Matcher {
  return req => {
    let result: Tri = 'no';
    for (const part of parts) {
      const v = part(req);
      if (v === 'yes') return 'yes';
      if (v === 'maybe') result = 'maybe';
    }
    return result;
  };
}

// Every candidate caller's principal is matched against the namespace and service
// account fields of many policies: parse each principal once. The cache is emptied
// when it grows past what a large mesh holds, so it cannot grow without bound.
const parsedPrincipals = new Map<
  string,
  { namespace?: string; serviceAccount?: string }
>();
const maxParsedPrincipals = 50_000;

function parseOnce(principal: string) {
  let parsed = parsedPrincipals.get(principal);
  if (!parsed) {
    const p = parsePrincipal(principal);
    parsed = p
      ? {
          namespace: p.namespace,
          serviceAccount: `${p.namespace}/${p.serviceAccount}`,
        }
      : {};
    if (parsedPrincipals.size >= maxParsedPrincipals) parsedPrincipals.clear();
    parsedPrincipals.set(principal, parsed);
  }
  return parsed;
}

/** The trust domain of `TD/ns/NS/sa/SA` (or of any `TD/...` identity). */
export function trustDomainOf(
  principal: string | undefined,
): string | undefined {
  if (principal === undefined) return undefined;
  const slash = principal.indexOf('/');
  return slash > 0 ? principal.slice(0, slash) : undefined;
}

/**
 * `trustDomains` values as Istio enforces them: a value equal to the local trust domain
 * or one of its aliases stands for all of them (ExpandTrustDomainAliases in
 * pilot/pkg/security/trustdomain/bundle.go, called by MigrateTrustDomain in
 * pilot/pkg/security/authz/model/model.go). Unlike principals, `cluster.local` is not
 * a pointer to the local trust domain here: it is expanded only where it is one.
 */
export function expandTrustDomains(
  values: string[],
  bundle: TrustBundle,
): string[] {
  return [
    ...new Set(
      values.flatMap(v => (bundle.local.includes(v) ? bundle.local : [v])),
    ),
  ];
}

function namespaceOf(principal: string | undefined): string | undefined {
  return principal === undefined ? undefined : parseOnce(principal).namespace;
}

function serviceAccountOf(principal: string | undefined): string | undefined {
  return principal === undefined
    ? undefined
    : parseOnce(principal).serviceAccount;
}

/**
 * A positive field passes when some value matches; a negative one when none does. An
 * attribute the connection lacks (no principal over plaintext) fails the positive
 * field and passes the negative one; one the query did not give makes both `maybe`.
 */
function field(
  values: string[] | undefined,
  negative: boolean,
  attribute: (req: AuthzRequest) => string | undefined | null,
  matches: (pattern: string, value: string) => boolean,
): Matcher | undefined {
  if (!values) return undefined;
  return req => {
    const value = attribute(req);
    if (value === null) return 'maybe';
    let hit = false;
    if (value !== undefined) {
      for (const pattern of values) {
        if (matches(pattern, value)) {
          hit = true;
          break;
        }
      }
    }
    return hit !== negative ? 'yes' : 'no';
  };
}

const unknown: Matcher = () => 'maybe';

function unknownField(values: string[] | undefined): Matcher | undefined {
  return values ? unknown : undefined;
}

function principalField(
  values: string[] | undefined,
  negative: boolean,
  bundle: TrustBundle,
): Matcher | undefined {
  if (!values) return undefined;
  const patterns = values.flatMap(v => expandPrincipal(v, bundle));
  return field(patterns, negative, r => r.principal, stringMatches);
}

function trustDomainField(
  values: string[] | undefined,
  negative: boolean,
  bundle: TrustBundle,
): Matcher | undefined {
  if (!values) return undefined;
  return field(
    expandTrustDomains(values, bundle),
    negative,
    r => trustDomainOf(r.principal),
    stringMatches,
  );
}

const httpSourceFields: (keyof AuthorizationSource)[] = [
  'requestPrincipals',
  'notRequestPrincipals',
];
const httpOperationFields: (keyof AuthorizationOperation)[] = [
  'hosts',
  'notHosts',
  'methods',
  'notMethods',
  'paths',
  'notPaths',
];

function isHttpCondition(condition: AuthorizationCondition): boolean {
  return (
    condition.key.startsWith('request.') ||
    condition.key.startsWith('experimental.')
  );
}

/**
 * Whether a sidecar's enforced policies can let a request of this method through on an
 * HTTP port (the target port), whoever sends it: without an ALLOW policy, yes; else
 * where some ALLOW rule has no `to`, or an operation whose `methods` and `ports` (absent:
 * any) hold them and whose `notMethods` and `notPorts` do not. DENY and CUSTOM only
 * refuse more. Methods compare exactly, as the rest of the engine reads them
 * (https://istio.io/latest/docs/reference/config/security/authorization-policy/#Operation).
 */
export function methodMayBeAllowed(
  policies: CompiledPolicy[],
  method: string,
  port: number,
): boolean {
  const allow = policies.filter(p => p.policy.action === 'ALLOW');
  if (!allow.length) return true;
  const p = String(port);
  return allow.some(({ policy }) =>
    policy.rules.some(
      rule =>
        !rule.to?.length ||
        rule.to.some(
          o =>
            (!o?.methods || o.methods.includes(method)) &&
            !o?.notMethods?.includes(method) &&
            (!o?.ports || o.ports.includes(p)) &&
            !o?.notPorts?.includes(p),
        ),
    ),
  );
}

/** Whether a rule uses fields only an HTTP-aware proxy can evaluate. */
export function ruleHttpFields(rule: AuthorizationRule): string[] {
  const found = new Set<string>();
  for (const s of rule.from ?? []) {
    for (const f of httpSourceFields) if (s?.[f]) found.add(f);
  }
  for (const o of rule.to ?? []) {
    for (const f of httpOperationFields) if (o?.[f]) found.add(f);
  }
  for (const c of rule.when ?? [])
    if (isHttpCondition(c)) found.add(`when ${c.key}`);
  return [...found];
}

function compileSource(
  source: AuthorizationSource,
  bundle: TrustBundle,
  dropHttp: boolean,
  policyNamespace: string,
): Matcher {
  const s = source ?? {};
  const qualify = (values: string[] | undefined) =>
    values?.map(v => qualifyServiceAccount(v, policyNamespace));
  const parts = [
    principalField(s.principals, false, bundle),
    principalField(s.notPrincipals, true, bundle),
    field(s.namespaces, false, r => namespaceOf(r.principal), stringMatches),
    field(s.notNamespaces, true, r => namespaceOf(r.principal), stringMatches),
    field(
      qualify(s.serviceAccounts),
      false,
      r => serviceAccountOf(r.principal),
      (p, v) => p === v,
    ),
    field(
      qualify(s.notServiceAccounts),
      true,
      r => serviceAccountOf(r.principal),
      (p, v) => p === v,
    ),
    // srcTrustDomainGenerator (pilot/pkg/security/authz/model/generator.go): exact,
    // `prefix*`, `*suffix` or `*` (any), matched against the peer's SPIFFE ID, so only
    // over mTLS.
    trustDomainField(s.trustDomains, false, bundle),
    trustDomainField(s.notTrustDomains, true, bundle),
    unknownField(s.ipBlocks),
    unknownField(s.notIpBlocks),
    unknownField(s.remoteIpBlocks),
    unknownField(s.notRemoteIpBlocks),
    ...(dropHttp
      ? []
      : [
          unknownField(s.requestPrincipals),
          unknownField(s.notRequestPrincipals),
        ]),
  ].filter((m): m is Matcher => m !== undefined);
  return allOf(parts);
}

const hostMatches = (pattern: string, host: string) =>
  stringMatches(pattern.toLowerCase(), host.toLowerCase());

function compileOperation(
  operation: AuthorizationOperation,
  dropHttp: boolean,
): Matcher {
  const o = operation ?? {};
  const port = (r: AuthzRequest) =>
    r.port === undefined ? null : String(r.port);
  const given = (v: string | undefined) => (v === undefined ? null : v);
  const parts = [
    field(o.ports, false, port, (p, v) => p === v),
    field(o.notPorts, true, port, (p, v) => p === v),
    ...(dropHttp
      ? []
      : [
          field(
            o.methods,
            false,
            r => given(r.method),
            (p, v) => p === v,
          ),
          field(
            o.notMethods,
            true,
            r => given(r.method),
            (p, v) => p === v,
          ),
          field(o.paths, false, r => given(r.path), pathMatches),
          field(o.notPaths, true, r => given(r.path), pathMatches),
          field(o.hosts, false, r => given(r.host), hostMatches),
          field(o.notHosts, true, r => given(r.host), hostMatches),
        ]),
  ].filter((m): m is Matcher => m !== undefined);
  return allOf(parts);
}

function compileCondition(
  condition: AuthorizationCondition,
  bundle: TrustBundle,
  policyNamespace: string,
): Matcher {
  // https://istio.io/latest/docs/reference/config/security/conditions/
  const { key, values, notValues } = condition;
  const build = (negative: boolean, list: string[] | undefined) => {
    if (!list) return undefined;
    switch (key) {
      case 'source.principal':
        return principalField(list, negative, bundle);
      case 'source.trustDomain':
        return trustDomainField(list, negative, bundle);
      case 'source.namespace':
        return field(
          list,
          negative,
          r => namespaceOf(r.principal),
          stringMatches,
        );
      case 'source.serviceAccount':
        return field(
          list.map(v => qualifyServiceAccount(v, policyNamespace)),
          negative,
          r => serviceAccountOf(r.principal),
          (p, v) => p === v,
        );
      case 'destination.port':
        return field(
          list,
          negative,
          r => (r.port === undefined ? null : String(r.port)),
          (p, v) => p === v,
        );
      default:
        return unknown;
    }
  };
  const parts = [build(false, values), build(true, notValues)].filter(
    (m): m is Matcher => m !== undefined,
  );
  return allOf(parts);
}

/**
 * A rule as one kind of proxy reads it, in two parts: its operation (`to`), which reads
 * only the port and the request's method, path and host, and the rest (`from` and
 * `when`). The rule matches where both do (`triAnd`).
 */
interface RuleReading {
  operation: Matcher;
  rest: Matcher;
}

/** A rule compiled for each protocol reading. */
interface CompiledRule {
  /** Whether it uses HTTP-only fields (then on TCP an ALLOW rule never matches). */
  httpFields: string[];
  http: RuleReading;
  /** The rule as a TCP proxy enforces it: HTTP-only fields dropped. */
  tcp: RuleReading;
  /** The rule as ztunnel enforces it. */
  ztunnel: RuleReading;
}

const never: Matcher = () => 'no';

/** ztunnel's `when` keys (l4WhenAttributes in pilot/pkg/serviceregistry/ambient/authorization.go). */
const ztunnelConditionKeys = [
  'source.ip',
  'source.namespace',
  'source.principal',
  'destination.ip',
  'destination.port',
];

/**
 * The fields of a rule ztunnel cannot enforce (httpOperations, httpSources and the `when`
 * keys outside l4WhenAttributes in pilot/pkg/serviceregistry/ambient/authorization.go).
 */
export function ztunnelL7Fields(rule: AuthorizationRule): string[] {
  const found = new Set<string>();
  for (const o of rule.to ?? []) {
    for (const f of httpOperationFields) if (o?.[f]?.length) found.add(f);
  }
  for (const s of rule.from ?? []) {
    for (const f of [
      'remoteIpBlocks',
      'notRemoteIpBlocks',
      'requestPrincipals',
      'notRequestPrincipals',
    ] as const) {
      if (s?.[f]?.length) found.add(f);
    }
  }
  for (const c of rule.when ?? []) {
    if (!ztunnelConditionKeys.includes(c.key)) found.add(`when ${c.key}`);
  }
  return [...found];
}

const nonEmpty = (values: string[] | undefined) =>
  values?.length ? values : undefined;

/**
 * One clause of ztunnel's rule: it matches where one of its matches does, but
 * Authorization::matches (ztunnel src/rbac.rs) skips a match with no field in it, so a
 * clause whose matches are all empty never matches.
 */
function clause(matches: (Matcher | undefined)[]): Matcher {
  const real = matches.filter((m): m is Matcher => m !== undefined);
  return real.length ? anyOf(real) : never;
}

function allOrEmpty(parts: (Matcher | undefined)[]): Matcher | undefined {
  const real = parts.filter((m): m is Matcher => m !== undefined);
  return real.length ? allOf(real) : undefined;
}

/**
 * A source as handleRule hands it to ztunnel: principals and namespaces as written (no
 * trust domain alias rewriting, `cluster.local` included), service accounts, IP blocks;
 * `trustDomains` are not carried at all.
 */
function ztunnelSource(
  source: AuthorizationSource,
  policyNamespace: string,
): Matcher | undefined {
  const s = source ?? {};
  const qualify = (values: string[] | undefined) =>
    nonEmpty(values)?.map(v => qualifyServiceAccount(v, policyNamespace));
  const sameAccount = (p: string, v: string) => p === v;
  return allOrEmpty([
    field(nonEmpty(s.principals), false, r => r.principal, stringMatches),
    field(nonEmpty(s.notPrincipals), true, r => r.principal, stringMatches),
    field(
      nonEmpty(s.namespaces),
      false,
      r => namespaceOf(r.principal),
      stringMatches,
    ),
    field(
      nonEmpty(s.notNamespaces),
      true,
      r => namespaceOf(r.principal),
      stringMatches,
    ),
    field(
      qualify(s.serviceAccounts),
      false,
      r => serviceAccountOf(r.principal),
      sameAccount,
    ),
    field(
      qualify(s.notServiceAccounts),
      true,
      r => serviceAccountOf(r.principal),
      sameAccount,
    ),
    unknownField(nonEmpty(s.ipBlocks)),
    unknownField(nonEmpty(s.notIpBlocks)),
  ]);
}

const portOf = (r: AuthzRequest) =>
  r.port === undefined ? null : String(r.port);

function ztunnelOperation(
  operation: AuthorizationOperation,
): Matcher | undefined {
  const o = operation ?? {};
  return allOrEmpty([
    field(nonEmpty(o.ports), false, portOf, (p, v) => p === v),
    field(nonEmpty(o.notPorts), true, portOf, (p, v) => p === v),
  ]);
}

function ztunnelCondition(
  condition: AuthorizationCondition,
): Matcher | undefined {
  const build = (negative: boolean, list: string[] | undefined) => {
    if (!nonEmpty(list)) return undefined;
    switch (condition.key) {
      case 'source.namespace':
        return field(
          list,
          negative,
          r => namespaceOf(r.principal),
          stringMatches,
        );
      case 'source.principal':
        return field(list, negative, r => r.principal, stringMatches);
      case 'destination.port':
        return field(list, negative, portOf, (p, v) => p === v);
      case 'source.ip':
      case 'destination.ip':
        return unknown;
      default:
        return undefined;
    }
  };
  return allOrEmpty([
    build(false, condition.values),
    build(true, condition.notValues),
  ]);
}

/**
 * A rule as ztunnel enforces it (handleRule in pilot/pkg/serviceregistry/ambient/authorization.go,
 * Authorization::matches in ztunnel src/rbac.rs, release-1.31). An ALLOW rule with a
 * field ztunnel cannot read is dropped, so it never matches (fail closed). A DENY rule
 * keeps its clauses with those fields left out; istiod's status message says it is
 * "enforced without the HTTP rules", but the code goes further: a `to`, `from` or
 * `when` entry left with no field is an empty match, which ztunnel skips, so a clause
 * made only of such entries never matches and neither does the rule (fail open). The
 * code is what runs.
 */
function compileZtunnelRule(
  rule: AuthorizationRule,
  action: AuthorizationAction,
  policyNamespace: string,
): RuleReading {
  if (action === 'ALLOW' && ztunnelL7Fields(rule).length) {
    return { operation: never, rest: never };
  }
  const to = rule.to?.length
    ? clause(rule.to.map(o => ztunnelOperation(o)))
    : always;
  const from = rule.from?.length
    ? clause(rule.from.map(src => ztunnelSource(src, policyNamespace)))
    : always;
  const when = (rule.when ?? []).map(c => clause([ztunnelCondition(c)]));
  return { operation: to, rest: allOf([from, ...when]) };
}

function compileRule(
  rule: AuthorizationRule,
  bundle: TrustBundle,
  policyNamespace: string,
  action: AuthorizationAction,
): CompiledRule {
  const build = (dropHttp: boolean): RuleReading => {
    const from = rule.from?.map(s =>
      compileSource(s, bundle, dropHttp, policyNamespace),
    );
    const to = rule.to?.map(o => compileOperation(o, dropHttp));
    const when = (rule.when ?? [])
      .filter(c => !(dropHttp && isHttpCondition(c)))
      .map(c => compileCondition(c, bundle, policyNamespace));
    return {
      operation: to ? anyOf(to) : always,
      rest: allOf([from ? anyOf(from) : always, ...when]),
    };
  };
  return {
    httpFields: ruleHttpFields(rule),
    http: build(false),
    tcp: build(true),
    ztunnel: compileZtunnelRule(rule, action, policyNamespace),
  };
}

/** A policy with its rules compiled against its cluster's trust domains. */
export interface CompiledPolicy {
  policy: AuthorizationPolicyInfo;
  /** `NAMESPACE/NAME`. */
  ref: string;
  rules: CompiledRule[];
}

/**
 * Each policy's compiled form, by the policy's identity and the trust domains it was
 * compiled against: a model built again after a change (whose state reuses the objects
 * read from unchanged manifests, see `BuildClusterStateOptions.readings`) compiles only
 * the policies that changed.
 */
const compiledPolicies = new WeakMap<
  AuthorizationPolicyInfo,
  { trustDomains: string; policy: CompiledPolicy }
>();

export function compilePolicy(
  policy: AuthorizationPolicyInfo,
  mesh: MeshConfig,
): CompiledPolicy {
  const local = [mesh.trustDomain, ...mesh.trustDomainAliases];
  const trustDomains = local.join('\n');
  const known = compiledPolicies.get(policy);
  if (known?.trustDomains === trustDomains) return known.policy;
  const result = {
    policy,
    ref: `${policy.namespace}/${policy.name}`,
    rules: policy.rules.map(r =>
      compileRule(r, { local }, policy.namespace, policy.action),
    ),
  };
  compiledPolicies.set(policy, { trustDomains, policy: result });
  return result;
}

/**
 * What a rule's operation says about a request. On a TCP port an ALLOW rule with
 * HTTP-only fields is ignored, while a DENY, AUDIT or CUSTOM rule loses those fields
 * and so matches more (pilot/pkg/security/authz/model/model.go, checkError;
 * https://istio.io/latest/docs/ops/configuration/security/security-policy-examples/).
 */
function operationMatches(
  rule: CompiledRule,
  action: AuthorizationAction,
  req: Operation,
): Tri {
  if (req.protocol === 'http') return rule.http.operation(req);
  if (req.protocol === 'ztunnel') return rule.ztunnel.operation(req);
  if (action === 'ALLOW' && rule.httpFields.length > 0) return 'no';
  return rule.tcp.operation(req);
}

/** A request's port, protocol, method, path and host: all an operation reads. */
export type Operation = Omit<AuthzRequest, 'principal'>;

/** A policy some rule of which matches (`yes`) or may match (`maybe`) a request. */
export interface PolicyMatch {
  compiled: CompiledPolicy;
  result: Tri;
  /** The rules that match or may match, in rule order. */
  rules: { index: number; result: Tri }[];
}

/** A policy's rules whose operation a request fits (`yes`) or may fit (`maybe`). */
interface PolicyOnOperation {
  compiled: CompiledPolicy;
  rules: { index: number; rule: RuleReading; operation: Tri }[];
}

/** The policy set as it reads one operation, whoever sends it. */
export interface OperationPolicies {
  set: PolicySet;
  custom: PolicyOnOperation[];
  deny: PolicyOnOperation[];
  allow: PolicyOnOperation[];
}

function onOperation(
  policies: CompiledPolicy[],
  op: Operation,
): PolicyOnOperation[] {
  const out: PolicyOnOperation[] = [];
  for (const compiled of policies) {
    const rules: PolicyOnOperation['rules'] = [];
    compiled.rules.forEach((rule, index) => {
      const operation = operationMatches(rule, compiled.policy.action, op);
      if (operation === 'no') return;
      const reading =
        op.protocol === 'ztunnel' ? rule.ztunnel : rule[op.protocol];
      rules.push({ index, rule: reading, operation });
    });
    if (rules.length) out.push({ compiled, rules });
  }
  return out;
}

/**
 * A policy set read for one operation: the rules whose operation the request cannot
 * fit are left out, and the others keep what their operation said. The callers of a
 * workload all send the same operation to a port, so `allowedCallers` reads each
 * port's policies once and then only the sources of each caller.
 */
export function forOperation(set: PolicySet, op: Operation): OperationPolicies {
  return {
    set,
    custom: onOperation(set.custom, op),
    deny: onOperation(set.deny, op),
    allow: onOperation(set.allow, op),
  };
}

/** How one policy reads a request; undefined where no rule matches. */
function policyMatches(
  policy: PolicyOnOperation,
  req: AuthzRequest,
): PolicyMatch | undefined {
  let rules: PolicyMatch['rules'] | undefined;
  let result: Tri = 'no';
  for (const { index, rule, operation } of policy.rules) {
    const rest = rule.rest(req);
    if (rest === 'no') continue;
    // triAnd of the two parts: neither is `no` here.
    const r: Tri = rest === 'yes' && operation === 'yes' ? 'yes' : 'maybe';
    // A literal is sized to fit; a list grown by push keeps room for 17.
    if (rules) rules.push({ index, result: r });
    else rules = [{ index, result: r }];
    if (r === 'yes' || result === 'no') result = r;
  }
  return rules ? { compiled: policy.compiled, result, rules } : undefined;
}

/**
 * Whether a proxy enforces a policy, or only logs it: an `istio.io/dry-run` policy goes
 * into the RBAC filter's shadow rules (isDryRun in pilot/pkg/security/authz/builder/builder.go),
 * so it decides nothing, and a dry-run ALLOW alone leaves no enforced ALLOW rule set
 * (no deny-by-default). The exception is in that same file: a dry-run CUSTOM policy
 * still sends its requests to the provider ("limitation: dry-run CUSTOM policies still
 * call ext_authz"), so a sidecar still defers to it. ztunnel never enforces one: istiod
 * drops it, or sends it as dry-run with AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY
 * (convertAuthorizationPolicy in pilot/pkg/serviceregistry/ambient/authorization.go).
 */
export function isEnforced(
  policy: AuthorizationPolicyInfo,
  ztunnel: boolean,
): boolean {
  if (!policy.dryRun) return true;
  return !ztunnel && policy.action === 'CUSTOM';
}

/** Whether a policy is enforced on a workload's pods (selector in its namespace, or mesh-wide). */
export function policyAppliesTo(
  policy: AuthorizationPolicyInfo,
  mesh: MeshConfig,
  workload: WorkloadInfo,
): boolean {
  // A policy bound with targetRefs is enforced by a gateway or waypoint, not by the
  // workload's own sidecar or ztunnel.
  if (policy.targetRefs) return false;
  if (
    policy.namespace !== workload.namespace &&
    policy.namespace !== mesh.rootNamespace
  ) {
    return false;
  }
  return selectorMatches(policy.selector, workload.labels);
}

/**
 * Whether a policy is bound to a Gateway API gateway's proxy (ShouldAttachPolicy in
 * pilot/pkg/model/policyattachment.go for a workload with the gateway-name label): a
 * targetRef to its Gateway from its own namespace; without targetRefs, a selector
 * matching its pods (ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY, default on), from its
 * namespace or the root namespace. Dry-run or not.
 */
export function policyAppliesToGateway(
  policy: AuthorizationPolicyInfo,
  gateway: { namespace: string; name: string },
  labels: Labels,
  rootNamespace: string,
): boolean {
  if (policy.targetRefs?.length) {
    return (
      policy.namespace === gateway.namespace &&
      policy.targetRefs.some(
        ref =>
          ref.group === 'gateway.networking.k8s.io' &&
          ref.kind === 'Gateway' &&
          ref.name === gateway.name &&
          (!ref.namespace || ref.namespace === policy.namespace),
      )
    );
  }
  if (
    policy.namespace !== gateway.namespace &&
    policy.namespace !== rootNamespace
  ) {
    return false;
  }
  return selectorMatches(policy.selector, labels);
}

/** @public */
export type Decision = 'ALLOW' | 'DENY' | 'CONDITIONAL';

/** A rule that let a request through, or may. @public */
export interface AdmittingRule {
  policy: string;
  rule: number;
  certain: boolean;
}

/** @public */
export interface AuthzOutcome {
  decision: Decision;
  reason: string;
  policies: string[];
  /** ALLOW rules that admit the request (empty when no ALLOW policy applies). */
  admittedBy: AdmittingRule[];
}

/** A workload's policies by action, in their order; AUDIT ones never decide anything. */
export interface PolicySet {
  custom: CompiledPolicy[];
  deny: CompiledPolicy[];
  allow: CompiledPolicy[];
}

export function policySet(policies: CompiledPolicy[]): PolicySet {
  const of = (action: AuthorizationAction) =>
    policies.filter(p => p.policy.action === action);
  return { custom: of('CUSTOM'), deny: of('DENY'), allow: of('ALLOW') };
}

/** What `decide` found: the decision, and the matches `explain` words it from. */
export interface AuthzVerdict {
  decision: Decision;
  set: PolicySet;
  /** The CUSTOM, DENY and ALLOW policies that match or may match, in order. */
  custom: PolicyMatch[];
  deny: PolicyMatch[];
  allow: PolicyMatch[];
}

const none: PolicyMatch[] = [];
const certainly = (m: PolicyMatch) => m.result === 'yes';

function matching(policies: PolicyOnOperation[], req: AuthzRequest) {
  let found: PolicyMatch[] | undefined;
  for (const policy of policies) {
    const m = policyMatches(policy, req);
    if (!m) continue;
    if (found) found.push(m);
    else found = [m];
  }
  return found ?? none;
}

/**
 * Istio's authorization order: CUSTOM, then DENY, then ALLOW. With no ALLOW policy
 * the request is allowed; with ALLOW policies it must match one of their rules
 * (`spec: {}` has no rules and so denies everything). AUDIT never changes the
 * decision (https://istio.io/latest/docs/concepts/security/#implicit-enablement).
 * The decision only, without words: `explain` adds them, and `allowedCallers`, which
 * decides millions of requests, needs none. `policies` must have been read for the
 * request's own operation (`forOperation`).
 */
export function decide(
  policies: OperationPolicies,
  req: AuthzRequest,
): AuthzVerdict {
  const { set } = policies;
  const custom = matching(policies.custom, req);
  const deny = matching(policies.deny, req);
  const allow = matching(policies.allow, req);
  let decision: Decision;
  if (deny.some(certainly)) {
    decision = 'DENY';
  } else if (set.allow.length > 0 && allow.length === 0) {
    decision = 'DENY';
  } else if (
    deny.length > 0 ||
    (set.allow.length > 0 && !allow.some(certainly)) ||
    custom.length > 0
  ) {
    decision = 'CONDITIONAL';
  } else {
    decision = 'ALLOW';
  }
  return { decision, set, custom, deny, allow };
}

/**
 * Each ALLOW rule that admits a request `decide` did not deny, in policy and rule
 * order; `allowedCallers` reads them for every candidate, so without building a list.
 */
export function forEachAdmittingRule(
  verdict: AuthzVerdict,
  visit: (policy: string, rule: number, certain: boolean) => void,
): void {
  if (verdict.decision === 'DENY') return;
  for (const m of verdict.allow) {
    for (const r of m.rules) visit(m.compiled.ref, r.index, r.result === 'yes');
  }
}

/** The ALLOW rules that admit a request `decide` did not deny. */
export function admittingRules(verdict: AuthzVerdict): AdmittingRule[] {
  const rules: AdmittingRule[] = [];
  forEachAdmittingRule(verdict, (policy, rule, certain) =>
    rules.push({ policy, rule, certain }),
  );
  return rules;
}

/** A verdict in words, with the policies that decided it. */
export function explain(verdict: AuthzVerdict): AuthzOutcome {
  const { decision, set, custom, deny, allow } = verdict;
  const ref = (m: PolicyMatch) => m.compiled.ref;
  const certainDeny = deny.filter(m => m.result === 'yes');
  if (certainDeny.length) {
    return {
      decision,
      reason: `denied by DENY policy ${ref(certainDeny[0])}`,
      policies: certainDeny.map(ref),
      admittedBy: [],
    };
  }
  if (decision === 'DENY') {
    return {
      decision,
      reason:
        set.allow.length === 1
          ? `no rule of ALLOW policy ${set.allow[0].ref} matches`
          : `no rule of the ${set.allow.length} ALLOW policies matches`,
      policies: set.allow.map(p => p.ref),
      admittedBy: [],
    };
  }
  const doubts: string[] = [];
  if (deny.length) doubts.push(`DENY policy ${ref(deny[0])} may match`);
  if (set.allow.length && !allow.some(m => m.result === 'yes')) {
    doubts.push(`ALLOW policy ${ref(allow[0])} matches only some requests`);
  }
  if (custom.length) {
    doubts.push(
      `CUSTOM policy ${ref(custom[0])} defers to provider ${
        custom[0].compiled.policy.provider ?? '(none)'
      }`,
    );
  }
  const policies = [
    ...new Set([...custom.map(ref), ...deny.map(ref), ...allow.map(ref)]),
  ];
  const admittedBy = admittingRules(verdict);
  if (decision === 'CONDITIONAL') {
    return {
      decision,
      reason: `${doubts.join('; ')}: it depends on attributes not given`,
      policies,
      admittedBy,
    };
  }
  return {
    decision,
    reason:
      set.allow.length === 0
        ? 'no ALLOW policy applies to the workload, so every request is allowed'
        : `allowed by ALLOW policy ${ref(
            allow.find(m => m.result === 'yes')!,
          )}`,
    policies,
    admittedBy,
  };
}

/** `decide`, then `explain`: one request on its own. */
export function authorize(
  policies: CompiledPolicy[],
  req: AuthzRequest,
): AuthzOutcome {
  return explain(decide(forOperation(policySet(policies), req), req));
}
