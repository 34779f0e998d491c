import {
  authorizationPolicy,
  deployment,
  model,
  namespace,
  networkPolicy,
} from '../__fixtures__/manifests';
import { namespacePostures } from './posture';

describe('namespacePostures', () => {
  it("reports each namespace's NetworkPolicy default-deny beside Istio's", () => {
    const m = model(
      namespace('locked'),
      deployment('locked', 'api'),
      // https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic
      networkPolicy('locked', 'default-deny-ingress', {
        podSelector: {},
        policyTypes: ['Ingress'],
      }),
      namespace('narrow'),
      deployment('narrow', 'api'),
      // Selects some pods only: not a namespace-wide default deny.
      networkPolicy('narrow', 'api-only', {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Ingress'],
      }),
      namespace('open'),
      deployment('open', 'api'),
      authorizationPolicy('open', 'allow-nothing', {}),
    );
    const postures = namespacePostures(m, []);
    const of = (ns: string) => postures.find(p => p.namespace === ns);
    expect(of('locked')).toMatchObject({
      networkDefaultDeny: true,
      defaultDeny: false,
    });
    expect(of('narrow')).toMatchObject({ networkDefaultDeny: false });
    expect(of('open')).toMatchObject({
      networkDefaultDeny: false,
      defaultDeny: true,
    });
  });
});
