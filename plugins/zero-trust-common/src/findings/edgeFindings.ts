/**
 * Findings on the mesh's edges and routes (ZT035-ZT041, ZT043): outbound policy, gateway
 * TLS and authorization, ServiceEntry scope, egress gateway bypass, retries and timeouts,
 * mesh-to-mesh paths without mTLS end to end.
 */
import { methodMayBeAllowed } from '../engine/authorization';
import { allowedCallers, CallerAnalysis } from '../engine/callers';
import { serviceHost } from '../engine/destinationRules';
import {
  attachedRoutes,
  ingressGateways,
  listenerServer,
} from '../engine/gatewayApiExposure';
import { isGatewayWorkload } from '../engine/membership';
import { meshPaths } from '../engine/meshPaths';
import { ClusterModel, MeshModel, WorkloadModel } from '../engine/MeshModel';
import { retriesAfterReached } from '../engine/routes';
import { workloadEdges, WorkloadEdges } from '../engine/workloadEdges';
import { selectorMatches } from '../model/labels';
import { parseGoDuration } from '../model/goDuration';
import { ObjectRef, VirtualServiceInfo } from '../model/types';
import { Finding, finding, isSystemNamespace } from './detect';
import { FindingUnits } from './findingUnits';
import { workloadList } from './workloadList';

const ref = (
  cluster: ClusterModel,
  kind: string,
  namespace: string,
  name: string,
): ObjectRef => ({ cluster: cluster.name, kind, namespace, name });

// What `localeCompare` without arguments compares with (ECMA-402), made once: a
// mesh-wide finding sorts thousands of workloads.
const collator = new Intl.Collator();

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Whether a workload is one of the application workloads whose edges are judged. */
const isApplication = (w: WorkloadModel) =>
  !isSystemNamespace(w.cluster, w.namespace) && !isGatewayWorkload(w.workload);

/** The application workloads of a cluster with their edges, computed once. */
function edgesOf(cluster: ClusterModel): Map<WorkloadModel, WorkloadEdges> {
  return new Map(
    cluster.workloads.filter(isApplication).map(w => [w, workloadEdges(w)]),
  );
}

/** ZT035: sidecar workloads whose proxy passes calls to any host through. */
function allowAny(
  cluster: ClusterModel,
  edges: Map<WorkloadModel, WorkloadEdges>,
  out: Finding[],
) {
  // Pushed into one list per decider, not copied at each workload: a mesh-wide
  // ALLOW_ANY holds every sidecar workload (copying made it quadratic).
  const byDecider = new Map<string, WorkloadModel[]>();
  for (const [w, e] of edges) {
    if (!e.egress?.anyHost) continue;
    const list = byDecider.get(e.egress.decidedBy);
    if (list) list.push(w);
    else byDecider.set(e.egress.decidedBy, [w]);
  }
  for (const [decidedBy, unordered] of byDecider) {
    // In id order: the same mesh read in another order (a live list, a rendered
    // repository) gives the same finding.
    const workloads = unordered.sort((a, b) => collator.compare(a.id, b.id));
    const sidecar = /^Sidecar ([^/]+)\/(.+)$/.exec(decidedBy);
    const resource = sidecar
      ? ref(cluster, 'Sidecar', sidecar[1], sidecar[2])
      : ref(cluster, 'ConfigMap', cluster.state.mesh.rootNamespace, 'istio');
    const why = sidecar
      ? `Sidecar ${sidecar[1]}/${sidecar[2]} sets outboundTrafficPolicy ALLOW_ANY`
      : `the mesh's outboundTrafficPolicy is ALLOW_ANY${
          cluster.state.mesh.outboundTrafficPolicy === 'ALLOW_ANY'
            ? " (Istio's default where the mesh config sets none)"
            : ''
        }`;
    out.push(
      finding(
        'ZT035',
        resource,
        `${why}: ${plural(workloads.length, 'workload')} (${workloadList(
          workloads.map(w => w.id),
        )}) may call any host, registered or not.`,
        undefined,
        workloads,
      ),
    );
  }
}

/**
 * ZT036: a server of a bound Gateway that serves plaintext: a protocol other than HTTPS
 * or TLS, without `tls.httpsRedirect`
 * (https://istio.io/latest/docs/reference/config/networking/gateway/#Server).
 */
function plaintextServers(
  cluster: ClusterModel,
  edges: Map<WorkloadModel, WorkloadEdges>,
  out: Finding[],
) {
  for (const gateway of cluster.state.gateways ?? []) {
    if (!Object.keys(gateway.selector).length) continue;
    const bound = cluster.workloads.some(w =>
      selectorMatches(gateway.selector, w.workload.labels),
    );
    if (!bound) continue;
    const name = `${gateway.namespace}/${gateway.name}`;
    for (const server of gateway.servers) {
      const { protocol, number } = server.port;
      if (protocol === 'HTTPS' || protocol === 'TLS') continue;
      if (server.tls?.httpsRedirect) continue;
      const exposed = [...edges]
        .filter(([, e]) =>
          e.exposure.some(
            x =>
              x.gateway === name &&
              x.gatewayClass === undefined &&
              x.port === number,
          ),
        )
        .map(([w]) => w);
      out.push(
        finding(
          'ZT036',
          ref(cluster, 'Gateway', gateway.namespace, gateway.name),
          `Gateway ${name} serves ${protocol} on port ${number} for ${server.hosts.join(
            ', ',
          )} without TLS and without redirecting to HTTPS${
            exposed.length
              ? `: requests to ${workloadList(
                  exposed.map(w => w.id),
                )} cross the network in the clear`
              : ''
          }.`,
          undefined,
          exposed,
        ),
      );
    }
  }
}

/**
 * Names no one outside a private network resolves: `localhost` and `.localhost` (RFC
 * 6761), `.local` (RFC 6762), `.home.arpa` (RFC 8375), `.internal` (reserved by ICANN for
 * private use, 2024). A listener without a hostname takes any host: public.
 */
const privateSuffixes = ['.localhost', '.local', '.home.arpa', '.internal'];

function publicHostname(hostname: string | undefined): boolean {
  if (!hostname) return true;
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name !== 'localhost' && !privateSuffixes.some(s => name.endsWith(s));
}

/**
 * ZT036 on Gateway API: a listener of a Gateway of class `istio` with protocol HTTP on a
 * public hostname, unless every route attached to it only redirects to HTTPS (the
 * Gateway API has no httpsRedirect: an HTTPRoute's RequestRedirect filter does it,
 * https://gateway-api.sigs.k8s.io/guides/http-redirect-rewrite/).
 */
function plaintextListeners(
  cluster: ClusterModel,
  edges: Map<WorkloadModel, WorkloadEdges>,
  out: Finding[],
) {
  for (const gateway of ingressGateways(cluster)) {
    const name = `${gateway.namespace}/${gateway.name}`;
    for (const listener of gateway.listeners ?? []) {
      if (listenerServer(listener)?.protocol !== 'HTTP') continue;
      if (!publicHostname(listener.hostname)) continue;
      const routes = attachedRoutes(cluster, gateway, listener);
      const redirectOnly =
        routes.length > 0 &&
        routes.every(
          ({ route }) =>
            route.rules.length > 0 &&
            route.rules.every(rule => rule.redirectsToHttps),
        );
      if (redirectOnly) continue;
      const exposed = [...edges]
        .filter(([, e]) =>
          e.exposure.some(
            x =>
              x.gateway === name &&
              x.gatewayClass !== undefined &&
              x.listener === listener.name,
          ),
        )
        .map(([w]) => w);
      out.push(
        finding(
          'ZT036',
          ref(cluster, 'Gateway', gateway.namespace, gateway.name),
          `Gateway ${name} (Gateway API, class ${
            gateway.gatewayClassName
          }) listener ${listener.name} serves HTTP on port ${
            listener.port
          } for ${
            listener.hostname ?? 'any host'
          } without TLS and without only redirecting to HTTPS${
            exposed.length
              ? `: requests to ${workloadList(
                  exposed.map(w => w.id),
                )} cross the network in the clear`
              : ''
          }.`,
          undefined,
          exposed,
        ),
      );
    }
  }
}

/**
 * ZT037: exposed, with no AuthorizationPolicy on the gateway nor on the workload. A
 * gateway only in-cluster clients reach (`reach.from` cluster) is no way in from outside.
 */
function unguardedExposure(w: WorkloadModel, e: WorkloadEdges, out: Finding[]) {
  if (w.policies.length) return;
  const open = e.exposure.filter(
    x => !x.gatewayPolicies.length && x.reach.from !== 'cluster',
  );
  if (!open.length) return;
  const ways = [...new Set(open.map(x => `${x.host} (Gateway ${x.gateway})`))];
  out.push(
    finding(
      'ZT037',
      ref(w.cluster, w.workload.kind, w.namespace, w.workload.name),
      `${w.id} is reachable from outside through ${ways.join(
        ', ',
      )}, and neither the gateway workloads nor ${
        w.id
      } enforce any AuthorizationPolicy: every request the gateway accepts reaches it.`,
      w,
    ),
  );
}

/** ZT038: a ServiceEntry with a wildcard host, exported to every namespace. */
function wildcardEntries(cluster: ClusterModel, out: Finding[]) {
  for (const entry of cluster.state.serviceEntries ?? []) {
    if (!entry.exportTo.includes('*')) continue;
    const wild = entry.hosts.filter(h => h.startsWith('*'));
    if (!wild.length) continue;
    out.push(
      finding(
        'ZT038',
        ref(cluster, 'ServiceEntry', entry.namespace, entry.name),
        `ServiceEntry ${entry.namespace}/${entry.name} registers ${wild.join(
          ', ',
        )} for every namespace: under REGISTRY_ONLY, any workload may call any host of ${
          wild.length === 1 ? 'that domain' : 'those domains'
        }.`,
      ),
    );
  }
}

/**
 * ZT039: a host some workloads reach through an egress gateway and others reach
 * directly (a VirtualService sends it to the gateway only for the namespaces it is
 * exported to; another ServiceEntry can register it again).
 */
function gatewayBypass(
  cluster: ClusterModel,
  edges: Map<WorkloadModel, WorkloadEdges>,
  out: Finding[],
) {
  const byHost = new Map<
    string,
    { via: Set<string>; direct: WorkloadModel[]; entries: Set<string> }
  >();
  for (const [w, e] of edges) {
    for (const h of e.egress?.hosts ?? []) {
      if (h.how === 'blocked') continue;
      const entry = byHost.get(h.host) ?? {
        via: new Set(),
        direct: [],
        entries: new Set(),
      };
      if (h.how === 'egress-gateway' && h.via) {
        entry.via.add(`${h.via.host} (VirtualService ${h.via.virtualService})`);
      } else if (h.how === 'direct' && !entry.direct.includes(w)) {
        entry.direct.push(w);
        entry.entries.add(h.serviceEntry);
      }
      byHost.set(h.host, entry);
    }
  }
  for (const [host, { via, direct, entries }] of byHost) {
    if (!via.size || !direct.length) continue;
    const [namespace, name] = [...entries][0].split('/');
    out.push(
      finding(
        'ZT039',
        ref(cluster, 'ServiceEntry', namespace, name),
        `${host} is routed through an egress gateway (${[...via].join(
          ', ',
        )}), but ${workloadList(direct.map(w => w.id))} reach${
          direct.length === 1 ? 'es' : ''
        } it directly, bypassing the gateway and its policies.`,
        undefined,
        direct,
      ),
    );
  }
}

// RFC 9110 section 9.2.2: of the methods a route can match, POST and PATCH are not
// idempotent.
const nonIdempotent = ['POST', 'PATCH'];

/** An RE2 pattern against a whole value; one JavaScript cannot read matches nothing. */
function fullMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}

/** Whether a route's match entries let a POST or PATCH through (no match: every request). */
function matchesNonIdempotent(route: VirtualServiceInfo['http'][number]) {
  if (!route.match?.length) return true;
  return route.match.some(m => {
    if (!m.method) return true;
    const [kind, value] = Object.entries(m.method)[0] ?? [];
    return nonIdempotent.some(method => {
      if (kind === 'exact') return value === method;
      if (kind === 'prefix') return method.startsWith(value);
      if (kind === 'regex') return fullMatch(value, method);
      return false;
    });
  });
}

/**
 * The target ports of the cluster's workloads behind a route destination: its host a
 * Service of the cluster, its port (absent: each) one of that Service's ports.
 */
function targetsBehind(
  cluster: ClusterModel,
  vs: VirtualServiceInfo,
  destination: { host: string; port?: number },
): { workload: WorkloadModel; port: number }[] {
  const { host } = destination;
  const service = cluster.state.services.find(
    s =>
      host === serviceHost(s.namespace, s.name) ||
      host === `${s.name}.${s.namespace}` ||
      host === `${s.name}.${s.namespace}.svc` ||
      (host === s.name && vs.namespace === s.namespace),
  );
  if (!service) return [];
  return (cluster.workloadsByNamespace.get(service.namespace) ?? []).flatMap(
    workload =>
      workload.ports
        .filter(p =>
          p.services.some(
            s =>
              s.service === service &&
              (destination.port === undefined ||
                s.servicePort === destination.port),
          ),
        )
        .map(p => ({ workload, port: p.port })),
  );
}

/**
 * Whether no POST or PATCH a route sends can reach an application: each destination is
 * a Service of the cluster whose workloads are all sidecar workloads whose ALLOW
 * policies admit neither method on the ports it reaches. Their sidecar answers such a
 * request 403 (not a retried status) before the application sees it, so a retry cannot
 * run it twice.
 */
function nonIdempotentRefused(
  cluster: ClusterModel,
  vs: VirtualServiceInfo,
  route: VirtualServiceInfo['http'][number],
): boolean {
  if (!route.destinations.length) return false;
  return route.destinations.every(d => {
    const targets = targetsBehind(cluster, vs, d);
    return (
      targets.length > 0 &&
      targets.every(
        ({ workload, port }) =>
          workload.membership.mode === 'sidecar' &&
          nonIdempotent.every(
            m => !methodMayBeAllowed(workload.policies, m, port),
          ),
      )
    );
  });
}

/**
 * ZT040: a route retrying after the request may have reached the upstream
 * (`retriesAfterReached`: 5xx, gateway-error, reset, retriable-4xx) that matches POST or
 * PATCH, toward a service whose policies may let one through. `attempts: 0` disables
 * retries (HTTPRetry).
 */
function unsafeRetries(cluster: ClusterModel, out: Finding[]) {
  for (const vs of cluster.state.virtualServices ?? []) {
    vs.http.forEach((route, i) => {
      const retries = route.retries;
      if (!retries || retries.attempts <= 0) return;
      const covering = retriesAfterReached(retries.retryOn);
      if (!covering.length || !matchesNonIdempotent(route)) return;
      if (nonIdempotentRefused(cluster, vs, route)) return;
      out.push(
        finding(
          'ZT040',
          ref(cluster, 'VirtualService', vs.namespace, vs.name),
          `VirtualService ${vs.namespace}/${vs.name} route ${
            route.name ?? i
          } retries ${plural(retries.attempts, 'time')} on ${covering.join(
            ', ',
          )} and matches ${
            route.match?.length ? 'POST or PATCH' : 'every method'
          }: a request the server already processed may run again.`,
        ),
      );
    });
  }
}

const seconds = (timeout: string | null) =>
  timeout === null ? Infinity : parseGoDuration(timeout) ?? Infinity;

const shown = (s: number) => (s === Infinity ? 'none' : `${s}s`);

/**
 * ZT041: a workload's caller (a workload its ALLOW policies name) answers within a route
 * timeout shorter than the callee's route timeout (or the callee has none): the caller's
 * own callers give up while it still waits. Within one cluster, where both routes are read.
 */
interface Budgets {
  budget: Map<string, { seconds: number; host: string }>;
  shortest: number;
}

/** Each workload's shortest route timeout (routes read no AuthorizationPolicy). */
function timeoutBudgetsOf(edges: Map<WorkloadModel, WorkloadEdges>): Budgets {
  // Each workload's shortest route timeout: what its callers wait at most.
  const budget = new Map<string, { seconds: number; host: string }>();
  for (const [w, e] of edges) {
    for (const r of e.routes) {
      const s = seconds(r.timeout);
      if (s === Infinity) continue;
      const current = budget.get(w.id);
      if (!current || s < current.seconds) {
        budget.set(w.id, { seconds: s, host: r.host });
      }
    }
  }
  const shortest = budget.size
    ? Math.min(...[...budget.values()].map(b => b.seconds))
    : Infinity;
  return { budget, shortest };
}

function timeoutBudgets(
  cluster: ClusterModel,
  model: MeshModel,
  callee: WorkloadModel,
  e: WorkloadEdges,
  { budget, shortest }: Budgets,
  callers: Pick<ReadonlyMap<WorkloadModel, CallerAnalysis>, 'get'> | undefined,
  out: Finding[],
) {
  if (!budget.size) return;
  if (!e.routes.length) return;
  const longest = e.routes.reduce(
    (max, r) => Math.max(max, seconds(r.timeout)),
    0,
  );
  if (longest <= shortest) return;
  const analysis = callers?.get(callee) ?? allowedCallers(callee, model);
  for (const { source } of analysis.allowedCallers) {
    if (source.kind !== 'workload') continue;
    const mine = budget.get(source.workload);
    if (!mine || mine.seconds >= longest) continue;
    const caller = cluster.workloads.find(w => w.id === source.workload);
    if (!caller) continue;
    out.push(
      finding(
        'ZT041',
        ref(
          cluster,
          callee.workload.kind,
          callee.namespace,
          callee.workload.name,
        ),
        `${caller.id} may call ${callee.id} and answers within ${shown(
          mine.seconds,
        )} (route timeout of ${mine.host}), but the route timeout toward ${
          callee.id
        } is ${shown(longest)}: calls to it can outlast the caller's budget.`,
        callee,
      ),
    );
  }
}

/** Every finding on the edges and routes. */
export function edgeFindings(
  model: MeshModel,
  out: Finding[],
  callers?: Pick<ReadonlyMap<WorkloadModel, CallerAnalysis>, 'get'>,
  units: FindingUnits = new FindingUnits(),
) {
  for (const cluster of model.clusters) {
    // Every workload's edges where a unit of the whole cluster is found; each of a
    // workload's own units reads only its own.
    let all: Map<WorkloadModel, WorkloadEdges> | undefined;
    const edges = () => (all ??= edgesOf(cluster));
    const edgesFor = (w: WorkloadModel) => all?.get(w) ?? workloadEdges(w);
    const name = cluster.name;
    units.section('exposure', name, out, () => {
      units.cluster('allowAny', name, out, () =>
        allowAny(cluster, edges(), out),
      );
      units.cluster('plaintextServers', name, out, () =>
        plaintextServers(cluster, edges(), out),
      );
      units.cluster('plaintextListeners', name, out, () =>
        plaintextListeners(cluster, edges(), out),
      );
      for (const w of cluster.workloads) {
        if (!isApplication(w)) continue;
        units.workload('unguardedExposure', w, out, () =>
          unguardedExposure(w, edgesFor(w), out),
        );
      }
    });
    wildcardEntries(cluster, out);
    units.cluster('gatewayBypass', name, out, () =>
      gatewayBypass(cluster, edges(), out),
    );
    unsafeRetries(cluster, out);
    units.section('timeoutBudgets', name, out, () => {
      const budgets = units.value('timeoutBudgetsOf', name, () =>
        timeoutBudgetsOf(edges()),
      );
      for (const w of cluster.workloads) {
        if (!isApplication(w)) continue;
        units.workload('timeoutBudgets', w, out, () =>
          timeoutBudgets(cluster, model, w, edgesFor(w), budgets, callers, out),
        );
      }
    });
  }
  meshPathsWithoutMtls(model, out);
}

/**
 * ZT043: a workload of one cluster reaches a Service another cluster serves at its
 * ingress gateway (meshPaths.ts), and the path is not mTLS end to end: no origination,
 * SIMPLE origination, a server that does not require a client certificate, or a root
 * the server's cluster does not trust.
 */
function meshPathsWithoutMtls(model: MeshModel, out: Finding[]) {
  for (const p of meshPaths(model)) {
    if (p.mtls) continue;
    const client = model.workload(p.client.workload);
    if (!client) continue;
    const [namespace, name] = p.client.serviceEntry.split('/');
    out.push(
      finding(
        'ZT043',
        ref(client.cluster, 'ServiceEntry', namespace, name),
        `${p.client.workload} reaches ${p.client.host}, served by cluster ${p.server.cluster}'s ingress gateway ${p.server.gateway} (${p.server.tls}) for ${p.server.service}, without mTLS end to end: ${p.gap}.`,
        client,
      ),
    );
  }
}
