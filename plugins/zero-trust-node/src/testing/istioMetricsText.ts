/** One Istio-labelled series: its metric and labels. */
export interface MetricSeries {
  metric: string;
  labels: Record<string, string>;
}

/** A caller → callee in Istio's terms, for `istioSeries`. */
export interface IstioTrafficLabels {
  /** `request_protocol`; `tcp` makes the series `istio_tcp_connections_opened_total`. */
  protocol?: 'http' | 'grpc' | 'tcp';
  source?: {
    /** `TD/ns/NS/sa/SA`; written `spiffe://…` as Istio does. Absent: `unknown`. */
    principal?: string;
    namespace?: string;
    workload?: string;
    cluster?: string;
  };
  destination: { namespace: string; workload: string; port?: number };
  /** HTTP status (default 200). */
  responseCode?: number;
  /** `connection_security_policy`: `mutual_tls` (default) or `none`. */
  mtls?: boolean;
  /** `response_flags` (default `-`). */
  responseFlags?: string;
  /** Who reports it: `destination` (a sidecar, ztunnel; the default) or an ambient `waypoint`. */
  reporter?: 'destination' | 'waypoint';
}

/**
 * The series Istio's destination proxy reports for this traffic, with the standard
 * labels as https://istio.io/latest/docs/reference/config/metrics/ names them
 * (`unknown` where the source is not known).
 */
export function istioSeries(t: IstioTrafficLabels): MetricSeries {
  const tcp = t.protocol === 'tcp';
  const src = t.source ?? {};
  const dst = t.destination;
  const labels: Record<string, string> = {
    reporter: t.reporter ?? 'destination',
    source_workload: src.workload ?? 'unknown',
    source_workload_namespace: src.namespace ?? 'unknown',
    source_principal: src.principal ? `spiffe://${src.principal}` : 'unknown',
    source_app: src.workload ?? 'unknown',
    source_version: 'unknown',
    source_cluster: src.cluster ?? 'unknown',
    source_canonical_service: src.workload ?? 'unknown',
    source_canonical_revision: 'latest',
    destination_workload: dst.workload,
    destination_workload_namespace: dst.namespace,
    destination_principal: `spiffe://cluster.local/ns/${dst.namespace}/sa/${dst.workload}`,
    destination_app: dst.workload,
    destination_version: 'unknown',
    destination_service: `${dst.workload}.${dst.namespace}.svc.cluster.local`,
    destination_service_name: dst.workload,
    destination_service_namespace: dst.namespace,
    destination_cluster: 'Kubernetes',
    destination_canonical_service: dst.workload,
    destination_canonical_revision: 'latest',
    request_protocol: t.protocol ?? 'http',
    connection_security_policy: t.mtls === false ? 'none' : 'mutual_tls',
    response_flags: t.responseFlags ?? '-',
    ...(tcp ? {} : { response_code: String(t.responseCode ?? 200) }),
    ...(dst.port !== undefined ? { destination_port: String(dst.port) } : {}),
  };
  return {
    metric: tcp ? 'istio_tcp_connections_opened_total' : 'istio_requests_total',
    labels,
  };
}

/**
 * Envoy's shadow RBAC counter of a pod's inbound chain, as Istio's Prometheus holds it:
 * HTTP `envoy_http_inbound_0_0_0_0_<port>_rbac` (the listener in the name), TCP the
 * network filter's `tcp.rbac.istio_dry_run_<action>_.shadow_<result>`, whose
 * name Istio's `tcp_prefix` tag reduces to `envoy_tcp_` (see node's `dryRunStats.ts`).
 */
export function dryRunSeries(options: {
  namespace: string;
  pod: string;
  /** The HTTP listener's port (a TCP stat names none). */
  port?: number;
  protocol?: 'http' | 'tcp';
  action: 'allow' | 'deny';
  result: 'allowed' | 'denied';
}): MetricSeries {
  const tcp = options.protocol === 'tcp';
  return {
    metric: tcp
      ? 'envoy_tcp_'
      : `envoy_http_inbound_0_0_0_0_${options.port ?? 80}_rbac`,
    labels: {
      namespace: options.namespace,
      pod: options.pod,
      ...(tcp ? { tcp_prefix: `rbac.istio_dry_run_${options.action}_` } : {}),
      authz_dry_run_action: options.action,
      authz_dry_run_result: options.result,
    },
  };
}

const escape = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** `metric{a="1",b="2"}`, labels in name order. */
export function seriesText(s: MetricSeries): string {
  const labels = Object.keys(s.labels)
    .sort()
    .map(k => `${k}="${escape(s.labels[k])}"`)
    .join(',');
  return `${s.metric}{${labels}}`;
}
