import {
  IstioTrafficLabels,
  ScriptedCount,
  TestPrometheus,
  dryRunSeries,
  istioSeries,
  startTestPrometheus,
} from '@zero-trust/backstage-plugin-zero-trust-node/testing/prometheus';

const hour = 3_600_000;
const td = 'internal.example';

const productpage = {
  principal: `${td}/ns/bookinfo/sa/bookinfo-productpage`,
  namespace: 'bookinfo',
  workload: 'productpage',
};
const ingress = {
  principal: `${td}/ns/istio-system/sa/istio-ingressgateway-service-account`,
  namespace: 'istio-system',
  workload: 'istio-ingressgateway',
};
const reviews = {
  principal: `${td}/ns/bookinfo/sa/bookinfo-reviews`,
  namespace: 'bookinfo',
  workload: 'reviews-v1',
};

/**
 * The demo's traffic in its `backend` cluster (examples/gitops/clusters/backend), as
 * the destinations' proxies would have reported it, for a week's window ending now:
 * - productpage: the ingress gateway calls it (used); the edge cluster's gateway,
 *   also allowed, last called twelve days ago (unused in the window); Prometheus in
 *   `monitoring` was refused 30 times (a caller not allowed);
 * - reviews, ratings, details: called by their one allowed caller (used);
 * - identity-api: called by productpage (the `bookinfo` namespace and any
 *   authenticated caller, used), refused to a `legacy` identity, and reached over
 *   plaintext by a caller outside the mesh (its mTLS is PERMISSIVE: accepted; no ALLOW
 *   rule admits a caller without identity, so it is refused).
 */
export function demoTrafficHistory(now = new Date()): ScriptedCount[] {
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * hour);
  const seen = (
    t: IstioTrafficLabels,
    count: number,
    hoursAgo: number,
  ): ScriptedCount => ({ ...istioSeries(t), count, at: at(hoursAgo) });
  const to = (namespace: string, workload: string) => ({ namespace, workload });
  return [
    seen(
      { source: ingress, destination: to('bookinfo', 'productpage') },
      200,
      144,
    ),
    seen(
      { source: ingress, destination: to('bookinfo', 'productpage') },
      300,
      72,
    ),
    seen(
      { source: ingress, destination: to('bookinfo', 'productpage') },
      150,
      2,
    ),
    seen(
      {
        source: {
          principal: 'external.example/ns/edge/sa/edge-gateway',
          namespace: 'edge',
          workload: 'edge-gateway',
          cluster: 'edge',
        },
        destination: to('bookinfo', 'productpage'),
      },
      40,
      288,
    ),
    seen(
      {
        source: {
          principal: `${td}/ns/monitoring/sa/prometheus`,
          namespace: 'monitoring',
          workload: 'prometheus',
        },
        destination: to('bookinfo', 'productpage'),
        responseCode: 403,
      },
      30,
      5,
    ),
    seen(
      { source: productpage, destination: to('bookinfo', 'reviews-v1') },
      500,
      24,
    ),
    seen(
      { source: productpage, destination: to('bookinfo', 'reviews-v1') },
      300,
      1,
    ),
    seen({ source: reviews, destination: to('bookinfo', 'ratings') }, 400, 24),
    seen(
      { source: productpage, destination: to('bookinfo', 'details') },
      450,
      24,
    ),
    seen(
      { source: productpage, destination: to('identity', 'identity-api') },
      120,
      48,
    ),
    seen(
      {
        source: {
          principal: `${td}/ns/legacy/sa/default`,
          namespace: 'legacy',
          workload: 'legacy-client',
        },
        destination: to('identity', 'identity-api'),
        responseCode: 403,
      },
      15,
      4,
    ),
    // PERMISSIVE lets the plaintext connection in; no ALLOW rule admits a caller
    // without identity, so its proxy answers 403.
    seen(
      {
        destination: to('identity', 'identity-api'),
        mtls: false,
        responseCode: 403,
      },
      25,
      3,
    ),
  ];
}

/**
 * Envoy's shadow RBAC counts of the demo's dry-run policies, as Prometheus holds them
 * (node's `readDryRunResults`; ztunnel reports none, it is not sent dry-run policies):
 * - orders' waypoint (Deployment `waypoint`) logs `orders/orders-api-no-reviews`, the
 *   dry-run DENY bound to orders-api's Service: it would have denied 18 requests (reviews
 *   still calls orders-api) and let 260 through. A waypoint's counts are its own, not
 *   orders-api's: no onboarding request names them.
 * - inventory-api's sidecar, as it counts once inventory-api is onboarded with
 *   `rollout: dry-run` and merged: the generated ALLOW policies (its callers' and the
 *   namespace's allow-nothing) would have denied 12 requests and allowed 40. Scripted
 *   ahead: they show on that request's row of the tracker once its policies are in the
 *   cluster as dry-run, and nowhere before.
 */
export function demoDryRunHistory(now = new Date()): ScriptedCount[] {
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * hour);
  const shadow = (
    namespace: string,
    pod: string,
    action: 'allow' | 'deny',
    result: 'allowed' | 'denied',
    count: number,
    hoursAgo: number,
  ): ScriptedCount => ({
    ...dryRunSeries({ namespace, pod, port: 8080, action, result }),
    count,
    at: at(hoursAgo),
  });
  const waypoint = 'waypoint-7d9c5b8f6d-k2m4p';
  const inventory = 'inventory-api-6d8f9c7b5d-x2k4q';
  return [
    shadow('orders', waypoint, 'deny', 'denied', 18, 30),
    shadow('orders', waypoint, 'deny', 'allowed', 260, 30),
    shadow('inventory', inventory, 'allow', 'denied', 12, 6),
    shadow('inventory', inventory, 'allow', 'allowed', 40, 6),
  ];
}

/**
 * Starts Debian's prometheus the way the tests do, holding the demo's traffic history,
 * and returns it with the `zeroTrust.telemetry` that reads it (the `backend` cluster).
 */
export async function startDemoTelemetry(): Promise<{
  prometheus: TestPrometheus;
  telemetry: {
    window: string;
    clusters: { name: string; prometheusUrl: string }[];
  };
}> {
  const prometheus = await startTestPrometheus({
    history: [...demoTrafficHistory(), ...demoDryRunHistory()],
  });
  return {
    prometheus,
    telemetry: {
      window: '7d',
      clusters: [{ name: 'backend', prometheusUrl: prometheus.url }],
    },
  };
}
