import {
  analyze,
  EntitySecurityResponse,
  MeshModel,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  authorizationPolicy,
  clusterState,
  entitySecurity,
  injected,
  meshApp,
  meshConfigMap,
  namespace,
} from './security';

/**
 * A mesh where `shop/checkout` admits `callers` named workloads (spread over namespaces
 * of ten, every other one only for GET), each owned by a catalog component; the
 * workload's findings are the mesh's `findings` worst ones. For tests and the render
 * benchmark of a large Security tab.
 */
export function largeEntitySecurity(
  callers: number,
  findings: number,
): EntitySecurityResponse {
  const namespaces = Math.ceil(callers / 10);
  const objects = [
    meshConfigMap('internal.example'),
    namespace('istio-system'),
    namespace('shop', injected),
    ...meshApp('shop', 'checkout', { sa: 'checkout' }),
  ];
  const principals: string[] = [];
  const owners: Record<string, string> = {};
  for (let n = 0; n < namespaces; n++) {
    objects.push(namespace(`team-${n}`, injected));
  }
  for (let i = 0; i < callers; i++) {
    const ns = `team-${Math.floor(i / 10)}`;
    objects.push(...meshApp(ns, `client-${i}`, { sa: `client-${i}` }));
    principals.push(`internal.example/ns/${ns}/sa/client-${i}`);
    owners[`backend/${ns}/client-${i}`] = `component:default/client-${i}`;
  }
  objects.push(
    authorizationPolicy('shop', 'checkout-callers', {
      selector: { matchLabels: { app: 'checkout' } },
      action: 'ALLOW',
      rules: [
        {
          from: [
            { source: { principals: principals.filter((_, i) => i % 2) } },
          ],
        },
        {
          from: [
            { source: { principals: principals.filter((_, i) => !(i % 2)) } },
          ],
          to: [{ operation: { methods: ['GET'] } }],
        },
      ],
    }),
  );
  const model = new MeshModel([clusterState('backend', ...objects)]);
  const response = entitySecurity(model, {
    entityRef: 'component:default/checkout',
    workloads: ['backend/shop/checkout'],
    selector: { kubernetesId: 'checkout' },
    owners,
  });
  // Exactly `findings` on the tab: the namespace's own are left out.
  response.clusters[0].workloads[0].findings = analyze(model).findings.slice(
    0,
    findings,
  );
  response.clusters[0].namespaceFindings = [];
  return response;
}
