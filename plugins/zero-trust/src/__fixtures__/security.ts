/**
 * Test fixtures built by the real engine: manifests from the common package's fixture
 * builders, run through `MeshModel`, `workloadView` and `analyze`, then shaped the way the
 * backend answers (`EntitySecurityResponse`, `ClustersResponse`, ...). Frontend code may
 * not load manifest files (that is node code), so the meshes are written with builders.
 */
import {
  analyze,
  findingNamespace,
  findingWorkloads,
  ClusterInfo,
  ClusterSecurity,
  ClusterStatus,
  EntitySecurityResponse,
  EntityWorkloadSelector,
  Finding,
  MeshModel,
  NamespacePosture,
  namespacePostures as enginePostures,
  ObservedTraffic,
  ResolvedCaller,
  SecurityWorkload,
  TelemetryStatus,
  workloadUsage,
  workloadView,
} from '@zero-trust/backstage-plugin-zero-trust-common';
// The engine's own manifest builders, so these meshes are written the way the engine's
// tests write theirs; the package does not export them, being test code.
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  authorizationPolicy,
  clusterState,
  destinationRule,
  injected,
  meshApp,
  meshConfigMap,
  namespace,
  networkPolicy,
  peerAuthentication,
  deployment,
  service,
  K8sObject,
} from '@zero-trust/backstage-plugin-zero-trust-common/src/__fixtures__/manifests';

export {
  authorizationPolicy,
  clusterState,
  destinationRule,
  injected,
  meshApp,
  meshConfigMap,
  namespace,
  networkPolicy,
  peerAuthentication,
};
export type { K8sObject };

/** Which catalog entity owns which workload (`CLUSTER/NAMESPACE/NAME`). */
export const catalog: Record<string, string> = {
  'backend/bookinfo/productpage': 'component:default/productpage',
  'backend/bookinfo/reviews': 'component:default/reviews',
  'backend/bookinfo/ratings': 'component:default/ratings',
  'backend/identity/identity-api': 'component:default/identity-api',
  'backend/inventory/inventory-api': 'component:default/inventory-api',
  'backend/legacy/billing': 'component:default/billing',
  'edge/edge/edge-gateway': 'component:default/edge-gateway',
};

/**
 * Two clusters in two trust domains, after examples/clusters:
 * - backend (internal.example, alias cluster.local): bookinfo, locked down (default-deny,
 *   STRICT, exact principals) except a DestinationRule that turns TLS off toward ratings;
 *   identity (PERMISSIVE, open to any authenticated caller); inventory (not in the mesh);
 *   legacy (in the mesh with no ALLOW policy: open to anyone).
 * - edge (external.example): the gateway that calls productpage across trust domains.
 */
export function bookinfoManifests(): Record<string, K8sObject[]> {
  return {
    backend: [
      // The edge cluster's root of trust: its workloads (external.example) pass the
      // sidecars' mTLS handshake here, as in the demo's backend cluster.
      meshConfigMap(
        'internal.example',
        ['cluster.local'],
        // REGISTRY_ONLY here, Istio's default ALLOW_ANY on the edge cluster (ZT035).
        'caCertificates:\n  - spiffeBundleUrl: https://spiffe.external.example/bundle\n    trustDomains: [external.example]\noutboundTrafficPolicy:\n  mode: REGISTRY_ONLY',
      ),
      namespace('istio-system'),
      peerAuthentication('istio-system', 'default', { mode: 'STRICT' }),
      namespace('bookinfo', injected),
      ...meshApp('bookinfo', 'productpage', {
        sa: 'bookinfo-productpage',
        servicePorts: [{ name: 'http', port: 9080 }],
      }),
      ...meshApp('bookinfo', 'reviews', {
        sa: 'bookinfo-reviews',
        servicePorts: [{ name: 'http', port: 9080 }],
      }),
      ...meshApp('bookinfo', 'ratings', {
        sa: 'bookinfo-ratings',
        servicePorts: [{ name: 'http', port: 9080 }],
      }),
      authorizationPolicy('bookinfo', 'allow-nothing', {}),
      authorizationPolicy('bookinfo', 'productpage-viewer', {
        selector: { matchLabels: { app: 'productpage' } },
        action: 'ALLOW',
        rules: [
          {
            from: [
              {
                source: {
                  principals: ['external.example/ns/edge/sa/edge-gateway'],
                },
              },
            ],
            to: [{ operation: { methods: ['GET'] } }],
          },
        ],
      }),
      authorizationPolicy('bookinfo', 'reviews-allow', {
        selector: { matchLabels: { app: 'reviews' } },
        action: 'ALLOW',
        rules: [
          {
            from: [
              {
                source: {
                  principals: [
                    'cluster.local/ns/bookinfo/sa/bookinfo-productpage',
                  ],
                },
              },
            ],
            to: [{ operation: { methods: ['GET'], paths: ['/reviews/*'] } }],
          },
        ],
      }),
      authorizationPolicy('bookinfo', 'ratings-allow', {
        selector: { matchLabels: { app: 'ratings' } },
        action: 'ALLOW',
        rules: [
          {
            from: [
              {
                source: {
                  principals: ['cluster.local/ns/bookinfo/sa/bookinfo-reviews'],
                },
              },
            ],
          },
        ],
      }),
      destinationRule('bookinfo', 'ratings-plaintext', {
        host: 'ratings.bookinfo.svc.cluster.local',
        trafficPolicy: { tls: { mode: 'DISABLE' } },
      }),
      namespace('identity', injected),
      ...meshApp('identity', 'identity-api', {
        sa: 'identity-api',
        servicePorts: [
          { name: 'http-api', port: 8080 },
          { name: 'grpc-tokens', port: 9090 },
        ],
      }),
      peerAuthentication('identity', 'default', { mode: 'PERMISSIVE' }),
      peerAuthentication('identity', 'tokens-strict', {
        selector: { app: 'identity-api' },
        portLevelMtls: { 9090: 'STRICT' },
      }),
      authorizationPolicy('identity', 'identity-api-callers', {
        selector: { matchLabels: { app: 'identity-api' } },
        action: 'ALLOW',
        rules: [{ from: [{ source: { principals: ['*'] } }] }],
      }),
      authorizationPolicy('identity', 'deny-legacy', {
        selector: { matchLabels: { app: 'identity-api' } },
        action: 'DENY',
        rules: [{ from: [{ source: { namespaces: ['legacy'] } }] }],
      }),
      namespace('inventory'),
      deployment('inventory', 'inventory-api', {
        sa: 'inventory-api',
        ports: [8080],
      }),
      service('inventory', 'inventory-api', {
        ports: [{ name: 'http', port: 8080 }],
      }),
      namespace('legacy', injected),
      ...meshApp('legacy', 'billing', { sa: 'billing' }),
    ],
    edge: [
      meshConfigMap('external.example'),
      namespace('istio-system'),
      peerAuthentication('istio-system', 'default', { mode: 'STRICT' }),
      namespace('edge', injected),
      ...meshApp('edge', 'edge-gateway', {
        sa: 'edge-gateway',
        // An Istio gateway, as the demo's edge cluster has one.
        annotations: { 'inject.istio.io/templates': 'gateway' },
        servicePorts: [{ name: 'https', port: 8443 }],
      }),
    ],
  };
}

/** An AuthorizationPolicy marked `istio.io/dry-run`: its proxy logs it, does not enforce it. */
export function dryRunPolicy(
  ns: string,
  name: string,
  spec: K8sObject,
): K8sObject {
  const policy = authorizationPolicy(ns, name, spec);
  return {
    ...policy,
    metadata: {
      ...policy.metadata,
      annotations: { 'istio.io/dry-run': 'true' },
    },
  };
}

/**
 * A NetworkPolicy on bookinfo's reviews, a second layer under its AuthorizationPolicies:
 * admitting productpage's pods keeps the path Istio allows; admitting nothing breaks it.
 */
export function reviewsNetworkPolicy(
  admit: 'productpage' | 'nothing',
): K8sObject {
  return networkPolicy('bookinfo', 'reviews-ingress', {
    podSelector: { matchLabels: { app: 'reviews' } },
    policyTypes: ['Ingress'],
    ...(admit === 'productpage'
      ? {
          ingress: [
            {
              from: [{ podSelector: { matchLabels: { app: 'productpage' } } }],
            },
          ],
        }
      : {}),
  });
}

/** The engine's model of `bookinfoManifests()`, optionally with extra objects per cluster. */
export function bookinfoModel(
  extra: Record<string, K8sObject[]> = {},
): MeshModel {
  const manifests = bookinfoManifests();
  for (const [cluster, objects] of Object.entries(extra)) {
    manifests[cluster] = [...(manifests[cluster] ?? []), ...objects];
  }
  return new MeshModel(
    Object.entries(manifests).map(([name, objs]) =>
      clusterState(name, ...objs),
    ),
  );
}

export const syncedAt = '2025-05-01T10:00:00.000Z';

export const synced: ClusterStatus = {
  state: 'synced',
  source: 'snapshot',
  lastSyncedAt: syncedAt,
  degraded: [],
};

function resolve(
  model: MeshModel,
  workloadId: string,
  owners: Record<string, string>,
): ResolvedCaller[] {
  const w = model.resolveWorkload(workloadId);
  return workloadView(w, model).allowedCallers.map(caller => {
    let ids: string[] = [];
    if (caller.source.kind === 'workload') ids = [caller.source.workload];
    else if (caller.source.kind === 'principal') {
      ids = model
        .workloadsWithPrincipal(caller.source.principal)
        .map(x => x.id);
    }
    return {
      ...caller,
      entityRefs: ids.flatMap(id => (owners[id] ? [owners[id]] : [])),
    };
  });
}

export interface EntitySecurityOptions {
  entityRef: string;
  /** `CLUSTER/NAMESPACE/NAME` of the entity's workloads. */
  workloads: string[];
  selector?: EntityWorkloadSelector;
  /** Status per cluster; `synced` by default. */
  status?: Record<string, ClusterStatus>;
  /** Which entity owns which workload; `catalog` by default. */
  owners?: Record<string, string>;
  /** Telemetry per cluster; `not-configured` by default. */
  telemetry?: Record<string, TelemetryStatus>;
  /** What the clusters' Prometheus reported, read where a cluster's telemetry is `ok`. */
  traffic?: ObservedTraffic[];
}

/** A cluster's telemetry read over `window`, as the backend says it. */
export function telemetryOk(
  duration = '7d',
  end = '2025-05-01T10:00:00.000Z',
): TelemetryStatus {
  const start = new Date(
    Date.parse(end) - Number(duration.replace('d', '')) * 86_400_000,
  ).toISOString();
  return {
    state: 'ok',
    window: { duration, start, end },
    queriedAt: end,
  };
}

/** The usage fields of a workload, as the backend adds them where telemetry is `ok`. */
function withUsage(
  model: MeshModel,
  id: string,
  workload: SecurityWorkload,
  telemetry: TelemetryStatus,
  traffic: ObservedTraffic[],
): SecurityWorkload {
  if (telemetry.state !== 'ok') return workload;
  const w = model.resolveWorkload(id);
  // The same callers in the same order as the view's, so the usage lines up by index.
  const usage = workloadUsage(
    model,
    w,
    traffic,
    telemetry.window,
    workloadView(w, model).allowedCallers,
  );
  return {
    ...workload,
    allowedCallers: workload.allowedCallers.map((c, i) => ({
      ...c,
      usage: usage.callers[i].usage,
    })),
    notAllowedCallers: usage.notAllowed,
    plaintextObserved: usage.plaintext,
  };
}

/** What `GET /entities/.../security` answers for an entity running `workloads`. */
export function entitySecurity(
  model: MeshModel,
  options: EntitySecurityOptions,
): EntitySecurityResponse {
  const findings = analyze(model).findings;
  const clusters: ClusterSecurity[] = model.clusters.map(cluster => {
    const status = options.status?.[cluster.name] ?? synced;
    const telemetry: TelemetryStatus = options.telemetry?.[cluster.name] ?? {
      state: 'not-configured',
      message: `No Prometheus is configured for cluster ${cluster.name}.`,
    };
    const ids = options.workloads.filter(id =>
      id.startsWith(`${cluster.name}/`),
    );
    const workloads: SecurityWorkload[] =
      status.state === 'failed' || status.state === 'syncing'
        ? []
        : ids.map(id => {
            const w = model.resolveWorkload(id);
            return withUsage(
              model,
              id,
              {
                ...workloadView(w, model),
                allowedCallers: resolve(model, id, options.owners ?? catalog),
                findings: findings.filter(f =>
                  findingWorkloads(f).includes(id),
                ),
              },
              telemetry,
              options.traffic ?? [],
            );
          });
    const namespaces = new Set(workloads.map(w => w.namespace));
    // As the backend files them: a namespace's (an object in it, or the Namespace), and
    // those about a cluster-scoped object, which concern every namespace.
    const namespaceFindings: Finding[] = findings.filter(f => {
      if (findingWorkloads(f).length || f.resource.cluster !== cluster.name) {
        return false;
      }
      const ns = findingNamespace(f);
      return ns === undefined ? workloads.length > 0 : namespaces.has(ns);
    });
    return {
      cluster: cluster.name,
      status,
      workloads,
      namespaceFindings,
      telemetry,
    };
  });
  return {
    entityRef: options.entityRef,
    selector: options.selector ?? { kubernetesId: 'x' },
    clusters,
  };
}

/** What `GET /clusters` answers, with a status per cluster (`synced` by default). */
export function clusterInfos(
  model: MeshModel,
  status: Record<string, ClusterStatus> = {},
): ClusterInfo[] {
  const summaries = analyze(model).clusters;
  return summaries.map(summary => {
    const s = status[summary.name] ?? synced;
    return {
      name: summary.name,
      ...(s.state === 'failed' || s.state === 'syncing' ? {} : { summary }),
      status: s,
    };
  });
}

/** What `GET /namespaces` answers: the engine's own namespace posture. */
export function namespacePostures(model: MeshModel): NamespacePosture[] {
  return enginePostures(model, analyze(model).findings);
}
