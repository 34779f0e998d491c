import type {
  ObservedTraffic,
  TrafficProtocol,
  UsageWindow,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { PrometheusClient, PromSample } from './PrometheusClient';
import { parsePrometheusDuration } from './duration';

// Istio's standard metrics and their labels
// (https://istio.io/latest/docs/reference/config/metrics/): only what the destination's
// proxy reports (`reporter="destination"`) is read, since only it saw the peer
// certificate (`connection_security_policy` is `unknown` on the source's side) and
// only it applied the AuthorizationPolicies. `destination_port` is not a standard
// label: it is read where the mesh adds it (the Telemetry API's tagOverrides).
const peerLabels = [
  'destination_workload',
  'destination_workload_namespace',
  'destination_port',
  'source_principal',
  'source_workload',
  'source_workload_namespace',
  'source_cluster',
];
const by = (...extra: string[]) => [...peerLabels, ...extra].join(', ');
// Ambient: a waypoint, not the destination, handles a request and reports it as
// `reporter="waypoint"` (with the client as source and the workload as destination);
// ztunnel reports connections as the destination does
// (https://istio.io/latest/docs/ambient/migrate/ on observability after migrating).
const requestSelector = '{reporter=~"destination|waypoint"}';
const connectionSelector = '{reporter="destination"}';

/**
 * The PromQL queries over a window (`W`) with the step (`S`) last seen is read at.
 * HTTP and gRPC: requests (`istio_requests_total`). An AuthorizationPolicy's refusal is
 * a 403 from the destination's proxy (Envoy's RBAC filter answers `403 RBAC: access
 * denied` and sets no response flag; a CUSTOM policy's ext_authz answers 403 with flag
 * UAEX): `response_code` is kept to count them. An application's own 403 looks the same
 * in these metrics and counts as refused too. TCP: connections opened
 * (`istio_tcp_connections_opened_total`); a connection Envoy's RBAC network filter
 * closes is counted as opened like any other, and no standard label marks it, so TCP
 * refusals are not counted (`denied` absent).
 */
export function trafficQueries(window: string, step: string) {
  // When each peer last increased its counter: the end of the latest step in which it did.
  const seen = (metric: string, extra: string[]) =>
    `timestamp(sum by (${by(...extra)}) (increase(${metric}${
      metric === 'istio_requests_total' ? requestSelector : connectionSelector
    }[${step}])) > 0)`;
  // Over the window, a subquery; its steps are aligned to multiples of the step, not to
  // the query's time (evalSubquery in prometheus/prometheus promql/engine.go), so its
  // last one may end up to a step before it: the step that ends at the query's time is
  // read by the expression itself (`Recent`), the later of the two wins.
  const lastSeen = (metric: string, extra: string[]) =>
    `max by (${by(...extra)}) (max_over_time(${seen(
      metric,
      extra,
    )}[${window}:${step}]))`;
  return {
    requests: `sum by (${by(
      'request_protocol',
      'connection_security_policy',
      'response_code',
    )}) (increase(istio_requests_total${requestSelector}[${window}]))`,
    connections: `sum by (${by(
      'connection_security_policy',
    )}) (increase(istio_tcp_connections_opened_total${connectionSelector}[${window}]))`,
    requestsLastSeen: lastSeen('istio_requests_total', ['request_protocol']),
    connectionsLastSeen: lastSeen('istio_tcp_connections_opened_total', []),
    requestsRecent: seen('istio_requests_total', ['request_protocol']),
    connectionsRecent: seen('istio_tcp_connections_opened_total', []),
  };
}

/** The step last seen is read at: about 300 steps over the window, at least a minute. */
export function lastSeenStep(window: string): string {
  const seconds = Math.max(
    60,
    Math.ceil(parsePrometheusDuration(window) / 1000 / 300 / 60) * 60,
  );
  return `${seconds}s`;
}

const known = (value: string | undefined) =>
  value && value !== 'unknown' ? value : undefined;

function protocolOf(labels: Record<string, string>): TrafficProtocol {
  const p = labels.request_protocol;
  return p === 'grpc' ? 'grpc' : 'http';
}

function keyOf(
  labels: Record<string, string>,
  protocol: TrafficProtocol,
): string {
  return [...peerLabels.map(l => labels[l] ?? ''), protocol].join('|');
}

function entryOf(
  cluster: string,
  labels: Record<string, string>,
  protocol: TrafficProtocol,
): ObservedTraffic | undefined {
  const namespace = known(labels.destination_workload_namespace);
  const workload = known(labels.destination_workload);
  if (!namespace || !workload) return undefined;
  const port = Number(labels.destination_port);
  const principal = known(labels.source_principal)?.replace(/^spiffe:\/\//, '');
  const source = {
    ...(principal ? { principal } : {}),
    ...(known(labels.source_workload_namespace)
      ? { namespace: labels.source_workload_namespace }
      : {}),
    ...(known(labels.source_workload)
      ? { workload: labels.source_workload }
      : {}),
    ...(known(labels.source_cluster) ? { cluster: labels.source_cluster } : {}),
  };
  return {
    cluster,
    destination: {
      namespace,
      workload,
      ...(Number.isInteger(port) && port > 0 ? { port } : {}),
    },
    source,
    protocol,
    count: 0,
    ...(protocol === 'tcp' ? {} : { denied: 0 }),
    plaintext: 0,
  };
}

/**
 * Sums the queries' series into one `ObservedTraffic` per source, destination and
 * protocol. `increase()` extrapolates to the window's ends, so counts are rounded;
 * series that did not increase in the window are left out.
 */
export function observedTraffic(
  cluster: string,
  results: {
    requests: PromSample[];
    connections: PromSample[];
    /** When each peer was last seen: over the window, and in the step ending now. */
    requestsLastSeen: PromSample[];
    connectionsLastSeen: PromSample[];
    requestsRecent: PromSample[];
    connectionsRecent: PromSample[];
  },
): ObservedTraffic[] {
  const entries = new Map<string, ObservedTraffic>();
  const add = (
    sample: PromSample,
    protocol: TrafficProtocol,
    refused: boolean,
  ) => {
    if (!Number.isFinite(sample.value) || sample.value <= 0) return;
    const key = keyOf(sample.labels, protocol);
    let entry = entries.get(key);
    if (!entry) {
      entry = entryOf(cluster, sample.labels, protocol);
      if (!entry) return;
      entries.set(key, entry);
    }
    entry.count += sample.value;
    if (refused && entry.denied !== undefined) entry.denied += sample.value;
    if (sample.labels.connection_security_policy !== 'mutual_tls') {
      entry.plaintext += sample.value;
    }
  };
  for (const s of results.requests) {
    add(s, protocolOf(s.labels), s.labels.response_code === '403');
  }
  for (const s of results.connections) add(s, 'tcp', false);
  const lastSeen = (samples: PromSample[], tcp: boolean) => {
    for (const s of samples) {
      const entry = entries.get(
        keyOf(s.labels, tcp ? 'tcp' : protocolOf(s.labels)),
      );
      if (!entry || !Number.isFinite(s.value)) continue;
      const at = new Date(s.value * 1000).toISOString();
      // ISO timestamps of one format compare as the times do.
      if (!entry.lastSeen || at > entry.lastSeen) entry.lastSeen = at;
    }
  };
  lastSeen(results.requestsLastSeen, false);
  lastSeen(results.connectionsLastSeen, true);
  lastSeen(results.requestsRecent, false);
  lastSeen(results.connectionsRecent, true);
  const out: ObservedTraffic[] = [];
  for (const e of entries.values()) {
    e.count = Math.round(e.count);
    e.plaintext = Math.min(e.count, Math.round(e.plaintext));
    if (e.denied !== undefined)
      e.denied = Math.min(e.count, Math.round(e.denied));
    if (e.count > 0) out.push(e);
  }
  return out.sort((a, b) =>
    keyOf(flat(a), a.protocol).localeCompare(keyOf(flat(b), b.protocol)),
  );
}

function flat(t: ObservedTraffic): Record<string, string> {
  return {
    destination_workload_namespace: t.destination.namespace,
    destination_workload: t.destination.workload,
    destination_port: String(t.destination.port ?? ''),
    source_principal: t.source.principal ?? '',
    source_workload_namespace: t.source.namespace ?? '',
    source_workload: t.source.workload ?? '',
    source_cluster: t.source.cluster ?? '',
  };
}

/** One cluster's traffic over the window ending `at`, and the window it covers. @public */
export async function readObservedTraffic(
  client: PrometheusClient,
  cluster: string,
  window: string,
  at: Date,
): Promise<{ traffic: ObservedTraffic[]; window: UsageWindow }> {
  const queries = trafficQueries(window, lastSeenStep(window));
  // Every query at once, each answer under its query's name.
  const answers = await Promise.all(
    Object.entries(queries).map(
      async ([name, promql]) => [name, await client.query(promql, at)] as const,
    ),
  );
  const results = Object.fromEntries(answers) as Record<
    keyof typeof queries,
    PromSample[]
  >;
  return {
    traffic: observedTraffic(cluster, results),
    window: {
      duration: window,
      start: new Date(
        at.getTime() - parsePrometheusDuration(window),
      ).toISOString(),
      end: at.toISOString(),
    },
  };
}
