import { resourceCaveatText } from './caveats';

describe('resourceCaveatText', () => {
  it("says per resource what an answer may get wrong, with the kinds table's labels and effects", () => {
    const resources = [
      'namespaces',
      'serviceaccounts',
      'services',
      'pods',
      'configmaps/istio',
      'configmaps/istio-ca-root-cert',
      'deployments.apps',
      'statefulsets.apps',
      'daemonsets.apps',
      'peerauthentications.security.istio.io',
      'authorizationpolicies.security.istio.io',
      'destinationrules.networking.istio.io',
      'networkpolicies.networking.k8s.io',
    ];
    expect(resources.map(r => resourceCaveatText(r, 'degraded'))).toEqual([
      'Namespaces could not be read: mesh membership from namespace labels may be wrong',
      'ServiceAccounts could not be read: findings about principals that name no service account may be wrong',
      'Services could not be read: port protocols (HTTP or TCP), Service references and which gateways are reachable from outside may be wrong',
      'Pods could not be read: pods no controller owns may be missing',
      'The mesh config (ConfigMap istio-system/istio) could not be read: the trust domain, and so every SPIFFE ID, may be wrong',
      'The root certificates (ConfigMaps istio-ca-root-cert) could not be read: trust between clusters is assumed, and may be wrong',
      'Deployments could not be read: workloads may be missing or out of date',
      'StatefulSets could not be read: workloads may be missing or out of date',
      'DaemonSets could not be read: workloads may be missing or out of date',
      'PeerAuthentications could not be read: mTLS modes may be wrong',
      'AuthorizationPolicies could not be read: allowed callers and access decisions may be wrong',
      'DestinationRules could not be read: mTLS shown as auto mTLS may be wrong',
      'NetworkPolicies could not be read: calls shown as allowed may be dropped by the network, and NetworkPolicy findings may be missing',
    ]);
  });

  it('says when a stale resource was last read, and falls back for an unknown one', () => {
    expect(
      resourceCaveatText(
        'destinationrules.networking.istio.io',
        'stale',
        '2026-12-02T10:01:00Z',
      ),
    ).toBe(
      'DestinationRules could not be read again since 2026-12-02T10:01:00Z, the last good ones are used: mTLS shown as auto mTLS may be wrong',
    );
    expect(resourceCaveatText('widgets.example.com', 'stale')).toBe(
      'widgets.example.com could not be read again, the last good ones are used: answers that depend on it may be wrong',
    );
  });
});
