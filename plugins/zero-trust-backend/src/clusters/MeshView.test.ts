// The engine's own manifest builders (test code the package does not export).
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  deployment,
  destinationRule,
  injected,
  multiClusterModel,
  namespace,
  service,
} from '@zero-trust/backstage-plugin-zero-trust-common/src/__fixtures__/manifests';
import { MeshView } from './MeshView';

describe('MeshView', () => {
  it("files a DestinationRule's finding under the workloads it affects, not the rule's namespace", () => {
    const view = new MeshView(
      multiClusterModel({
        c1: [
          namespace('shop', injected),
          deployment('shop', 'api', { sa: 'api', ports: [8080] }),
          deployment('shop', 'web', { sa: 'web', ports: [8080] }),
          service('shop', 'api', { ports: [{ name: 'http', port: 8080 }] }),
          service('shop', 'web', { ports: [{ name: 'http', port: 8080 }] }),
          namespace('clients', injected),
          destinationRule('clients', 'no-tls', {
            host: 'api.shop.svc.cluster.local',
            trafficPolicy: { tls: { mode: 'DISABLE' } },
          }),
        ],
      }),
    );
    const codes = (findings: { code: string }[]) => findings.map(f => f.code);

    expect(codes(view.findingsForWorkload('c1/shop/api'))).toContain('ZT011');
    expect(codes(view.findingsForWorkload('c1/shop/web'))).not.toContain(
      'ZT011',
    );
    expect(codes(view.findingsForNamespace('c1', 'clients'))).not.toContain(
      'ZT011',
    );
    // Namespace-wide findings still go to their namespace.
    expect(codes(view.findingsForNamespace('c1', 'shop'))).toContain('ZT013');
  });
});
