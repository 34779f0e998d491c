import {
  findKind,
  groupOf,
  objectKey,
  readsObject,
  resourceCaveat,
  resourceIdOf,
  trimObject,
} from './lookup';
import { resourceKinds } from './resourceKinds';

const kind = (name: string) => resourceKinds.find(k => k.kind === name)!;

describe('the kinds table', () => {
  it('names each kind once, by group and kind and by RBAC id', () => {
    const keys = resourceKinds.map(k => `${k.group}:${k.kind}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(resourceKinds.map(k => k.id)).size).toBe(keys.length);
    expect(resourceKinds.map(k => k.id)).not.toContain('secrets');
  });

  it('gives every resource the live source reads a caveat, by its RBAC name', () => {
    const watched = resourceKinds
      .filter(k => k.watched !== false)
      .flatMap(k =>
        (k.only ?? [undefined]).map(object => resourceIdOf(k, object)),
      );
    expect(watched).toEqual(
      expect.arrayContaining([
        'pods',
        'configmaps/istio',
        'configmaps/istio-ca-root-cert',
        'destinationrules.networking.istio.io',
      ]),
    );
    expect(watched.filter(id => !resourceCaveat(id))).toEqual([]);
    // Those read from repositories only are never degraded, so need none.
    expect(resourceCaveat('applications.argoproj.io')).toBeUndefined();
  });

  it('finds a kind by group and kind whatever the version', () => {
    expect(
      findKind('security.istio.io/v1beta1', 'PeerAuthentication')?.id,
    ).toBe('peerauthentications.security.istio.io');
    expect(findKind('apps/v1', 'Deployment')?.id).toBe('deployments.apps');
    expect(findKind('v1', 'Secret')).toBeUndefined();
    expect(findKind('v1', 'Deployment')).toBeUndefined();
    expect(groupOf('v1')).toBe('');
    expect(groupOf('networking.istio.io/v1')).toBe('networking.istio.io');
  });

  it("keeps of a Deployment's env only istiod's certificate settings", () => {
    const trimmed = trimObject(kind('Deployment'), 'v1', {
      metadata: { name: 'istiod', namespace: 'istio-system' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                env: [
                  { name: 'MAX_WORKLOAD_CERT_TTL', value: '48h' },
                  { name: 'TOKEN', value: 'not kept' },
                  {
                    name: 'CA_ADDR',
                    valueFrom: { configMapKeyRef: { name: 'x', key: 'y' } },
                  },
                ],
              },
              { name: 'sidecar', env: [{ name: 'OTHER', value: 'x' }] },
            ],
          },
        },
      },
    });
    expect(trimmed!.spec.template.spec.containers).toEqual([
      { env: [{ name: 'MAX_WORKLOAD_CERT_TTL', value: '48h' }] },
    ]);
  });

  it('reads of the ConfigMaps only the mesh config and the published root certificates', () => {
    const configMap = kind('ConfigMap');
    expect(readsObject(configMap, 'istio-system', 'istio')).toBe(true);
    expect(readsObject(configMap, 'shop', 'istio')).toBe(false);
    expect(readsObject(configMap, 'istio-system', 'istio-ca-root-cert')).toBe(
      true,
    );
    expect(readsObject(configMap, 'shop', 'istio-ca-root-cert')).toBe(true);
    expect(readsObject(configMap, 'istio-system', 'cacerts')).toBe(false);
    expect(readsObject(kind('Deployment'), 'shop', 'anything')).toBe(true);
  });

  it('keys an object by group, kind, namespace and name, not version', () => {
    const pa = (apiVersion: string) => ({
      apiVersion,
      kind: 'PeerAuthentication',
      metadata: { namespace: 'shop', name: 'default' },
    });
    expect(objectKey(pa('security.istio.io/v1'))).toBe(
      objectKey(pa('security.istio.io/v1beta1')),
    );
    expect(objectKey(pa('security.istio.io/v1'))).not.toBe(
      objectKey({
        ...pa('security.istio.io/v1'),
        metadata: { name: 'default' },
      }),
    );
  });
});

describe('trimObject', () => {
  it('keeps a pod’s labels, Istio annotations, service account and ports only', () => {
    const pod = trimObject(kind('Pod'), 'v1', {
      metadata: {
        name: 'p',
        namespace: 'shop',
        uid: 'x',
        managedFields: [{}],
        labels: { app: 'cart' },
        annotations: {
          'sidecar.istio.io/inject': 'false',
          'prometheus.io/scrape': 'true',
        },
      },
      spec: {
        serviceAccountName: 'cart',
        nodeName: 'n1',
        containers: [
          {
            name: 'app',
            image: 'i',
            ports: [{ containerPort: 80, name: 'http' }],
          },
          { name: 'log', image: 'j' },
        ],
      },
      status: { phase: 'Running' },
    });
    expect(pod).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        namespace: 'shop',
        labels: { app: 'cart' },
        annotations: { 'sidecar.istio.io/inject': 'false' },
      },
      spec: {
        serviceAccountName: 'cart',
        containers: [{ ports: [{ name: 'http', containerPort: 80 }] }],
      },
    });
  });

  it('drops a pod a controller owns', () => {
    const owned = {
      metadata: {
        name: 'p-1',
        namespace: 'shop',
        ownerReferences: [{ kind: 'ReplicaSet', name: 'p', controller: true }],
      },
      spec: {},
    };
    expect(trimObject(kind('Pod'), 'v1', owned)).toBeUndefined();
  });

  it('keeps an Istio spec whole, with its creation time and Istio annotations, at the version read', () => {
    const spec = { mtls: { mode: 'STRICT' }, unknownField: 1 };
    expect(
      trimObject(kind('PeerAuthentication'), 'v1beta1', {
        metadata: {
          name: 'default',
          namespace: 'istio-system',
          creationTimestamp: new Date('2024-01-02T03:04:05Z'),
          resourceVersion: '7',
          annotations: {
            'istio.io/dry-run': 'true',
            'kubectl.kubernetes.io/last-applied-configuration': '{}',
          },
        },
        spec,
      }),
    ).toEqual({
      apiVersion: 'security.istio.io/v1beta1',
      kind: 'PeerAuthentication',
      metadata: {
        name: 'default',
        namespace: 'istio-system',
        creationTimestamp: '2024-01-02T03:04:05.000Z',
        annotations: { 'istio.io/dry-run': 'true' },
      },
      spec,
    });
  });

  it('keeps only the mesh config of the istio ConfigMap', () => {
    expect(
      trimObject(kind('ConfigMap'), 'v1', {
        metadata: { name: 'istio', namespace: 'istio-system' },
        data: { mesh: 'trustDomain: a', meshNetworks: 'x' },
      }),
    ).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'istio', namespace: 'istio-system' },
      data: { mesh: 'trustDomain: a' },
    });
  });
});
