import {
  authorizationPolicy,
  deployment,
  destinationRule,
  injected,
  meshApp,
  meshConfigMap,
  model,
  multiClusterModel,
  namespace,
  peerAuthentication,
  service,
} from '../__fixtures__/manifests';
import { MeshModel } from '../engine/MeshModel';
import { OnboardingRequestError } from './OnboardingRequestError';
import { parseOnboardingRequest } from './parseOnboardingRequest';
import { planOnboarding } from './planOnboarding';
import { OnboardingPlan, OnboardingResource } from './types';

const meshStrict = peerAuthentication('istio-system', 'default', {
  mode: 'STRICT',
});

/** A bookinfo namespace in the mesh, with ratings (HTTP 9080, gRPC 9090, TCP 5432). */
function bookinfo(nsLabels: Record<string, string> = injected) {
  return [
    meshConfigMap('internal.example'),
    meshStrict,
    namespace('bookinfo', nsLabels),
    ...meshApp('bookinfo', 'ratings', {
      sa: 'bookinfo-ratings',
      labels: { app: 'ratings', version: 'v1' },
      servicePorts: [
        { name: 'http', port: 9080 },
        { name: 'rpc', port: 9090, appProtocol: 'grpc' },
        { name: 'tcp-db', port: 5432 },
      ],
    }),
    ...meshApp('bookinfo', 'productpage', {
      sa: 'bookinfo-productpage',
      servicePorts: [{ name: 'http', port: 9080 }],
    }),
  ];
}

function plan(
  mesh: MeshModel,
  request: Record<string, unknown>,
  options?: { cluster?: string },
): OnboardingPlan {
  return planOnboarding(
    parseOnboardingRequest({ allowedCallers: [], ...request }),
    mesh,
    options,
  );
}

function issues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OnboardingRequestError);
    return (e as OnboardingRequestError).issues.map(
      i => `${i.path}: ${i.message}`,
    );
  }
  throw new Error('planned without an error');
}

const find = (p: OnboardingPlan, kind: string, name: string) =>
  p.resources.find(r => r.kind === kind && r.metadata.name === name);
const callersOf = (p: OnboardingPlan) =>
  find(p, 'AuthorizationPolicy', `${p.request.service}-callers`)!;

describe('planOnboarding', () => {
  it('fills the defaults from the workload the cluster runs', () => {
    const p = plan(model(...bookinfo()), {
      service: 'ratings',
      namespace: 'bookinfo',
    });
    expect(p).toMatchObject({
      cluster: 'c1',
      trustDomain: 'internal.example',
      spiffeId: 'spiffe://internal.example/ns/bookinfo/sa/bookinfo-ratings',
      principal: 'internal.example/ns/bookinfo/sa/bookinfo-ratings',
      workloads: ['c1/bookinfo/ratings'],
      namespaceLabels: { 'istio-injection': 'enabled' },
    });
    expect(p.request).toEqual({
      service: 'ratings',
      namespace: 'bookinfo',
      cluster: 'c1',
      serviceAccount: 'bookinfo-ratings',
      selector: { app: 'ratings', version: 'v1' },
      ports: [
        { name: 'tcp-db', port: 5432, protocol: 'TCP' },
        { name: 'http', port: 9080, protocol: 'HTTP' },
        { name: 'rpc', port: 9090, protocol: 'GRPC' },
      ],
      dataplane: 'sidecar',
      mtlsMode: 'STRICT',
      namespaceDefaultDeny: true,
      rollout: 'enforce',
      allowedCallers: [],
    });
  });

  it('finds the workloads through the Service of the same name and uses the labels they share', () => {
    const mesh = model(
      namespace('bookinfo', injected),
      deployment('bookinfo', 'reviews-v1', {
        sa: 'bookinfo-reviews',
        labels: { app: 'reviews', version: 'v1' },
        ports: [9080],
      }),
      deployment('bookinfo', 'reviews-v2', {
        sa: 'bookinfo-reviews',
        labels: { app: 'reviews', version: 'v2' },
        ports: [9080],
      }),
      service('bookinfo', 'reviews', {
        selector: { app: 'reviews' },
        ports: [{ name: 'http', port: 9080 }],
      }),
    );
    const p = plan(mesh, { service: 'reviews', namespace: 'bookinfo' });
    expect(p.workloads).toEqual([
      'c1/bookinfo/reviews-v1',
      'c1/bookinfo/reviews-v2',
    ]);
    expect(p.request.selector).toEqual({ app: 'reviews' });
    expect(p.request.serviceAccount).toBe('bookinfo-reviews');
  });

  it('defaults a new service to app=<service> and its own service account, and needs its ports', () => {
    const mesh = model(...bookinfo());
    expect(
      issues(() => plan(mesh, { service: 'payments', namespace: 'bookinfo' })),
    ).toEqual([
      "ports: the workload is not in cluster c1 yet, so list the service's target ports",
    ]);
    const p = plan(mesh, {
      service: 'payments',
      namespace: 'bookinfo',
      ports: [{ port: 8443 }],
    });
    expect(p.workloads).toEqual([]);
    expect(p.request.selector).toEqual({ app: 'payments' });
    expect(p.request.serviceAccount).toBe('payments');
    expect(p.request.ports).toEqual([{ port: 8443, protocol: 'HTTP' }]);
    expect(p.principal).toBe('internal.example/ns/bookinfo/sa/payments');
  });

  it('writes one ALLOW rule per caller, each caller resolved to its identity in its own cluster', () => {
    const mesh = multiClusterModel({
      backend: bookinfo(),
      edge: [
        meshConfigMap('external.example'),
        namespace('edge', injected),
        ...meshApp('edge', 'gateway', { sa: 'edge-gateway' }),
      ],
    });
    const p = plan(mesh, {
      service: 'ratings',
      namespace: 'bookinfo',
      cluster: 'backend',
      allowedCallers: [
        {
          workload: 'bookinfo/productpage',
          methods: ['GET'],
          paths: ['/ratings/*'],
        },
        { workload: 'edge/edge/gateway', ports: [9080] },
        { principal: 'partner.example/ns/billing/sa/invoicer', ports: [9090] },
        { namespace: 'monitoring', ports: [9090] },
      ],
    });
    expect(callersOf(p)).toEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'ratings-callers', namespace: 'bookinfo' },
      spec: {
        selector: { matchLabels: { app: 'ratings', version: 'v1' } },
        action: 'ALLOW',
        rules: [
          {
            from: [
              {
                source: {
                  principals: [
                    'internal.example/ns/bookinfo/sa/bookinfo-productpage',
                  ],
                },
              },
            ],
            to: [
              {
                operation: {
                  ports: ['5432', '9080', '9090'],
                  methods: ['GET'],
                  paths: ['/ratings/*'],
                },
              },
            ],
          },
          {
            from: [
              {
                source: {
                  principals: ['external.example/ns/edge/sa/edge-gateway'],
                },
              },
            ],
            to: [{ operation: { ports: ['9080'] } }],
          },
          {
            from: [
              {
                source: {
                  principals: ['partner.example/ns/billing/sa/invoicer'],
                },
              },
            ],
            to: [{ operation: { ports: ['9090'] } }],
          },
          {
            from: [{ source: { namespaces: ['monitoring'] } }],
            to: [{ operation: { ports: ['9090'] } }],
          },
        ],
      },
    });
    expect(p.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^No known workload presents partner\.example/),
        expect.stringMatching(/^No cluster has a namespace monitoring yet/),
      ]),
    );
  });

  it('names its resources deterministically, so planning again yields the same manifests', () => {
    const mesh = model(
      meshConfigMap('internal.example'),
      namespace('shop'),
      ...meshApp('shop', 'cart', {
        servicePorts: [{ name: 'http', port: 8080 }],
      }),
    );
    const request = {
      service: 'cart',
      namespace: 'shop',
      allowedCallers: [{ namespace: 'web' }],
    };
    const first = plan(mesh, request);
    expect(first.resources.map(r => `${r.kind}/${r.metadata.name}`)).toEqual([
      'DestinationRule/cart',
      'PeerAuthentication/cart',
      'AuthorizationPolicy/cart-callers',
      'AuthorizationPolicy/allow-nothing',
    ]);
    expect(plan(mesh, request)).toEqual(first);
    expect(find(first, 'DestinationRule', 'cart')!.spec).toEqual({
      host: 'cart.shop.svc.cluster.local',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    });
    expect(find(first, 'AuthorizationPolicy', 'allow-nothing')!.spec).toEqual(
      {},
    );
  });

  it('adds a workload PeerAuthentication only where the mode differs from what the namespace and mesh give', () => {
    const strictMesh = plan(model(...bookinfo()), {
      service: 'ratings',
      namespace: 'bookinfo',
    });
    expect(find(strictMesh, 'PeerAuthentication', 'ratings')).toBeUndefined();
    expect(strictMesh.notes).toContain(
      'mTLS STRICT already comes from PeerAuthentication istio-system/default, so no workload PeerAuthentication is added.',
    );

    const permissiveNamespace = plan(
      model(
        ...bookinfo(),
        peerAuthentication('bookinfo', 'default', { mode: 'PERMISSIVE' }),
      ),
      { service: 'ratings', namespace: 'bookinfo' },
    );
    expect(
      find(permissiveNamespace, 'PeerAuthentication', 'ratings')!.spec,
    ).toEqual({
      selector: { matchLabels: { app: 'ratings', version: 'v1' } },
      mtls: { mode: 'STRICT' },
    });

    const migrating = plan(model(...bookinfo()), {
      service: 'ratings',
      namespace: 'bookinfo',
      mtlsMode: 'PERMISSIVE',
    });
    expect(
      find(migrating, 'PeerAuthentication', 'ratings')!.spec,
    ).toMatchObject({
      mtls: { mode: 'PERMISSIVE' },
    });
    expect(migrating.notes).toContain(
      'mtlsMode PERMISSIVE is a migration step: the workload still accepts plaintext. Switch to STRICT once every caller is in the mesh.',
    );

    // No PeerAuthentication anywhere: Istio's default is PERMISSIVE, so PERMISSIVE needs none.
    const bare = model(namespace('shop'), ...meshApp('shop', 'cart'));
    expect(
      find(
        plan(bare, {
          service: 'cart',
          namespace: 'shop',
          mtlsMode: 'PERMISSIVE',
        }),
        'PeerAuthentication',
        'cart',
      ),
    ).toBeUndefined();
    expect(
      find(
        plan(bare, { service: 'cart', namespace: 'shop' }),
        'PeerAuthentication',
        'cart',
      ),
    ).toBeDefined();
  });

  it('enrolls an ambient service without a DestinationRule, and gives HTTP rules a waypoint', () => {
    const mesh = model(
      meshConfigMap('internal.example'),
      namespace('shop'),
      ...meshApp('shop', 'cart'),
    );
    const p = plan(mesh, {
      service: 'cart',
      namespace: 'shop',
      dataplane: 'ambient',
      allowedCallers: [{ namespace: 'web', methods: ['GET'] }],
    });
    expect(p.namespaceLabels).toEqual({
      'istio.io/dataplane-mode': 'ambient',
      'istio.io/use-waypoint': 'waypoint',
    });
    expect(p.resources.some(r => r.kind === 'DestinationRule')).toBe(false);
    expect(p.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Ambient: ztunnel carries every connection in HBONE mTLS/,
        ),
        expect.stringMatching(
          /^Ambient: the callers' methods and paths need a waypoint, since ztunnel enforces only L4/,
        ),
      ]),
    );
  });

  it('keeps a namespace the way it joins the mesh, and refuses to move its other workloads', () => {
    const ambientNs = model(
      namespace('shop', { 'istio.io/dataplane-mode': 'ambient' }),
      ...meshApp('shop', 'cart'),
    );
    expect(
      plan(ambientNs, {
        service: 'cart',
        namespace: 'shop',
        dataplane: 'ambient',
      }).namespaceLabels,
    ).toEqual({ 'istio.io/dataplane-mode': 'ambient' });
    // The contract's default is sidecar even here, so leaving dataplane out is
    // refused the same way as asking for sidecar, with the fix in the message.
    for (const dataplane of ['sidecar', undefined] as const) {
      expect(
        issues(() =>
          plan(ambientNs, { service: 'cart', namespace: 'shop', dataplane }),
        ),
      ).toEqual([
        expect.stringMatching(
          /^dataplane: namespace shop is in ambient mode.*onboard with dataplane "ambient"/,
        ),
      ]);
    }

    const revisioned = model(
      namespace('identity', { 'istio.io/rev': '1-24' }),
      ...meshApp('identity', 'api'),
    );
    const kept = plan(revisioned, { service: 'api', namespace: 'identity' });
    expect(kept.namespaceLabels).toEqual({ 'istio.io/rev': '1-24' });
    expect(kept.request.revision).toBe('1-24');
    expect(
      issues(() =>
        plan(revisioned, {
          service: 'api',
          namespace: 'identity',
          revision: '1-25',
        }),
      ),
    ).toEqual([
      expect.stringMatching(
        /^revision: namespace identity is injected by revision 1-24/,
      ),
    ]);

    expect(
      issues(() =>
        plan(model(...bookinfo()), {
          service: 'ratings',
          namespace: 'bookinfo',
          revision: '1-24',
        }),
      ),
    ).toEqual([
      expect.stringMatching(
        /^revision: namespace bookinfo has istio-injection=enabled, which takes precedence/,
      ),
    ]);
    expect(
      issues(() =>
        plan(model(...bookinfo()), {
          service: 'ratings',
          namespace: 'bookinfo',
          dataplane: 'ambient',
        }),
      ),
    ).toEqual([
      expect.stringMatching(
        /^dataplane: namespace bookinfo has istio-injection=enabled/,
      ),
    ]);
    expect(
      issues(() =>
        plan(
          model(
            namespace('x', { 'istio-injection': 'disabled' }),
            ...meshApp('x', 'a'),
          ),
          { service: 'a', namespace: 'x' },
        ),
      ),
    ).toEqual([
      expect.stringMatching(
        /^dataplane: namespace x has istio-injection=disabled/,
      ),
    ]);

    const fresh = plan(model(namespace('shop'), ...meshApp('shop', 'cart')), {
      service: 'cart',
      namespace: 'shop',
      revision: 'canary',
    });
    expect(fresh.namespaceLabels).toEqual({ 'istio.io/rev': 'canary' });
  });

  it('adds the namespace default deny only when asked and absent, naming who it shuts out', () => {
    const objects = [
      meshConfigMap('internal.example'),
      namespace('shop', injected),
      ...meshApp('shop', 'cart'),
      ...meshApp('shop', 'legacy'),
    ];
    const asked = plan(model(...objects), {
      service: 'cart',
      namespace: 'shop',
    });
    expect(find(asked, 'AuthorizationPolicy', 'allow-nothing')).toBeDefined();
    expect(asked.notes).toContain(
      'allow-nothing denies every request to c1/shop/legacy, which no ALLOW policy admits yet.',
    );
    expect(
      find(
        plan(model(...objects), {
          service: 'cart',
          namespace: 'shop',
          namespaceDefaultDeny: false,
        }),
        'AuthorizationPolicy',
        'allow-nothing',
      ),
    ).toBeUndefined();
    for (const existing of [
      authorizationPolicy('shop', 'deny-by-default', {}),
      authorizationPolicy('istio-system', 'mesh-deny', {}),
    ]) {
      const p = plan(model(...objects, existing), {
        service: 'cart',
        namespace: 'shop',
      });
      expect(p.resources.map(r => r.metadata.name)).not.toContain(
        'allow-nothing',
      );
    }
  });

  it('fails with a clear error for what resolves to nothing, and for entityRef callers', () => {
    const mesh = multiClusterModel({
      backend: bookinfo(),
      edge: [namespace('edge')],
    });
    expect(
      issues(() =>
        plan(mesh, {
          service: 'ratings',
          namespace: 'bookinfo',
          cluster: 'backend',
          allowedCallers: [
            { workload: 'bookinfo/nobody' },
            { workload: 'mars/bookinfo/productpage' },
            { entityRef: 'component:default/reviews' },
          ],
        }),
      ),
    ).toEqual([
      'allowedCallers[0].workload: no workload bookinfo/nobody',
      'allowedCallers[1].workload: no cluster "mars" (clusters: backend, edge)',
      'allowedCallers[2].entityRef: entityRef callers need Backstage; use workload, principal or namespace (Backstage resolves an entityRef through the catalog before planning)',
    ]);
    expect(
      issues(() => plan(mesh, { service: 'ratings', namespace: 'bookinfo' })),
    ).toEqual([
      'cluster: is required where several clusters are configured (backend, edge)',
    ]);
    expect(
      issues(() =>
        plan(mesh, {
          service: 'ratings',
          namespace: 'bookinfo',
          cluster: 'mars',
        }),
      ),
    ).toEqual(['cluster: no cluster "mars" (clusters: backend, edge)']);
    expect(
      plan(
        mesh,
        { service: 'ratings', namespace: 'bookinfo' },
        { cluster: 'backend' },
      ).cluster,
    ).toBe('backend');
  });

  it('refuses methods or paths on TCP ports only, where Istio would ignore the rule', () => {
    const mesh = model(...bookinfo());
    expect(
      issues(() =>
        plan(mesh, {
          service: 'ratings',
          namespace: 'bookinfo',
          allowedCallers: [{ namespace: 'x', ports: [5432], methods: ['GET'] }],
        }),
      ),
    ).toEqual([
      'allowedCallers[0].methods: port 5432 is TCP or TLS, where Istio ignores an ALLOW rule with methods or paths; leave them out, or use an HTTP port',
    ]);
    // Mixed ports are fine: the rule applies where the port speaks HTTP.
    expect(() =>
      plan(mesh, {
        service: 'ratings',
        namespace: 'bookinfo',
        allowedCallers: [
          { namespace: 'x', ports: [5432, 9080], methods: ['GET'] },
        ],
      }),
    ).not.toThrow();
  });

  it('refuses a caller narrowed to a port the service does not serve, naming its ports', () => {
    const mesh = model(...bookinfo());
    expect(
      issues(() =>
        plan(mesh, {
          service: 'ratings',
          namespace: 'bookinfo',
          allowedCallers: [
            { namespace: 'monitoring', ports: [9080] },
            { namespace: 'monitoring', ports: [9080, 15090] },
          ],
        }),
      ),
    ).toEqual([
      'allowedCallers[1].ports[1]: 15090 is not a port ratings serves (its target ports: 5432, 9080, 9090); a rule for it would admit nobody',
    ]);
    // The request's own ports are the service's where it lists them.
    expect(
      issues(() =>
        plan(mesh, {
          service: 'ratings',
          namespace: 'bookinfo',
          ports: [{ port: 8080 }],
          allowedCallers: [{ namespace: 'monitoring', ports: [9090] }],
        }),
      ),
    ).toEqual([
      'allowedCallers[0].ports[0]: 9090 is not a port ratings serves (its target ports: 8080); a rule for it would admit nobody',
    ]);
  });

  it('checks the service account against the workload it names', () => {
    expect(
      issues(() =>
        plan(model(...bookinfo()), {
          service: 'ratings',
          namespace: 'bookinfo',
          serviceAccount: 'other',
        }),
      ),
    ).toEqual([
      'serviceAccount: workload c1/bookinfo/ratings runs as bookinfo-ratings, not other; its identity comes from the service account it runs as',
    ]);
    const mixed = model(
      namespace('shop'),
      deployment('shop', 'a', {
        sa: 'sa-a',
        labels: { app: 'web', tier: 'a' },
      }),
      deployment('shop', 'b', {
        sa: 'sa-b',
        labels: { app: 'web', tier: 'b' },
      }),
    );
    expect(
      issues(() =>
        plan(mixed, {
          service: 'web',
          namespace: 'shop',
          selector: { app: 'web' },
          ports: [{ port: 80 }],
        }),
      ),
    ).toEqual([
      expect.stringMatching(
        /^serviceAccount: the workloads found through the request selector run as different service accounts \(sa-a, sa-b\)/,
      ),
    ]);
  });

  it('leaves an equivalent DestinationRule alone and refuses to shadow a conflicting one', () => {
    const same = destinationRule('bookinfo', 'ratings-tls', {
      host: 'ratings',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    });
    const p = plan(model(...bookinfo(), same), {
      service: 'ratings',
      namespace: 'bookinfo',
    });
    expect(p.resources.some(r => r.kind === 'DestinationRule')).toBe(false);
    const plaintext = destinationRule('bookinfo', 'ratings-plain', {
      host: 'ratings.bookinfo.svc.cluster.local',
      trafficPolicy: { tls: { mode: 'DISABLE' } },
    });
    expect(
      issues(() =>
        plan(model(...bookinfo(), plaintext), {
          service: 'ratings',
          namespace: 'bookinfo',
        }),
      ),
    ).toEqual([
      expect.stringMatching(
        /^service: DestinationRule bookinfo\/ratings-plain sets tls DISABLE/,
      ),
    ]);
  });

  it('tells the reviewer what stays in place', () => {
    const mesh = model(
      ...bookinfo(),
      authorizationPolicy('bookinfo', 'ratings-allow', {
        selector: { matchLabels: { app: 'ratings' } },
        rules: [{ from: [{ source: { namespaces: ['bookinfo'] } }] }],
      }),
      namespace('shop'),
      deployment('shop', 'cart', {
        labels: { app: 'cart', 'sidecar.istio.io/inject': 'false' },
        ports: [80],
      }),
    );
    expect(
      plan(mesh, { service: 'ratings', namespace: 'bookinfo' }).notes,
    ).toContain(
      "AuthorizationPolicy bookinfo/ratings-allow also selects c1/bookinfo/ratings and keeps admitting its own callers; remove it if the request's list is meant to be the whole list.",
    );
    const optedOut = plan(mesh, { service: 'cart', namespace: 'shop' });
    expect(optedOut.notes).toContain(
      'c1/shop/cart stays outside the mesh (pod label sidecar.istio.io/inject=false); the onboarding does not edit the workload itself.',
    );
    // The policies select it by its identifying labels, not by the injection switch.
    expect(optedOut.request.selector).toEqual({ app: 'cart' });
  });

  it('gives every resource a name and namespace a writer can use as a file name', () => {
    const p = plan(model(...bookinfo()), {
      service: 'ratings',
      namespace: 'bookinfo',
      allowedCallers: [{ namespace: 'x' }],
    });
    p.resources.forEach((r: OnboardingResource) => {
      expect(r.metadata.name).toMatch(/^[a-z0-9-]+$/);
      expect(r.metadata.namespace).toBe('bookinfo');
    });
  });
});
