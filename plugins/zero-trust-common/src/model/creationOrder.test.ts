import {
  injected,
  meshApp,
  meshConfigMap,
  model,
  namespace,
  networking,
} from '../__fixtures__/manifests';
import { workloadView } from '../report/analyze';

/*
 * Istio orders VirtualServices by creation time, then name, then namespace
 * (configCompareByCreationTime in istio/istio pilot/pkg/model/config.go,
 * sortMergedVirtualServicesByCreationTime in pilot/pkg/model/virtualservice_controller.go),
 * and a sidecar keeps the first that names a host. The model holds them in that order,
 * so the answer does not depend on the order the manifests came in.
 */

type Objects = Record<string, any>[];

const route = (name: string, ns: string, timeout: string, created?: string) => {
  const vs = networking('VirtualService', ns, name, {
    hosts: ['checkout.shop.svc.cluster.local'],
    http: [
      {
        timeout,
        route: [{ destination: { host: 'checkout.shop.svc.cluster.local' } }],
      },
    ],
  });
  if (created) vs.metadata.creationTimestamp = created;
  return vs;
};

function routesOf(...virtualServices: Objects) {
  const m = model(
    meshConfigMap('internal.example'),
    namespace('shop', injected),
    namespace('other', injected),
    ...meshApp('shop', 'checkout', {
      sa: 'checkout',
      labels: { app: 'checkout' },
      servicePorts: [{ name: 'http', port: 8080 }],
    }),
    ...virtualServices,
  );
  return workloadView(m.resolveWorkload('c1/shop/checkout'), m).routes;
}

describe('VirtualServices in Istio order', () => {
  it.each([
    [
      'the oldest wins, whatever its name',
      route('a-newer', 'shop', '1s', '2026-03-02T00:00:00Z'),
      route('z-older', 'shop', '9s', '2026-03-01T00:00:00Z'),
      'shop/z-older',
    ],
    [
      'created in the same second: by name',
      route('b', 'shop', '1s', '2026-03-01T00:00:00Z'),
      route('a', 'shop', '9s', '2026-03-01T00:00:00.000Z'),
      'shop/a',
    ],
    [
      'no creation time (GitOps files): by name, then namespace',
      route('same', 'shop', '1s'),
      route('same', 'other', '9s'),
      'other/same',
    ],
    [
      'no creation time counts as Go zero time: before any other',
      route('a', 'shop', '1s', '2026-03-01T00:00:00Z'),
      route('z', 'shop', '9s'),
      'shop/z',
    ],
  ])('%s', (_, one, two, expected) => {
    const forward = routesOf(one, two);
    const backward = routesOf(two, one);
    expect(forward?.[0].virtualService).toBe(expected);
    expect(backward).toEqual(forward);
  });
});
