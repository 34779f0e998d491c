import {
  K8sObject,
  ambient,
  deployment,
  injected,
  meshApp,
  meshConfigMap,
  model,
  namespace,
  peerAuthentication,
  service,
  waypointGateway,
} from '../__fixtures__/manifests';
import { check } from '../engine/check';
import { MeshModel } from '../engine/MeshModel';
import { analyze } from '../report/analyze';
import { OnboardingRequestError } from './OnboardingRequestError';
import { parseOnboardingRequest } from './parseOnboardingRequest';
import { planOnboarding } from './planOnboarding';
import { applyPlan, previewOnboarding } from './previewOnboarding';

/*
 * An ambient service whose callers are narrowed by method or path gets a waypoint: ztunnel
 * drops an ALLOW rule with L7 fields (handleRule in
 * pilot/pkg/serviceregistry/ambient/authorization.go), a waypoint enforces the policies
 * bound to it with targetRefs (ShouldAttachPolicy in pilot/pkg/model/policyattachment.go),
 * and the destination's ztunnel then sees the waypoint's identity
 * (https://istio.io/latest/docs/ambient/usage/l7-features/).
 */

/** An ambient shop namespace running cart (HTTP 8080), and callers in an injected web namespace. */
function shop(
  nsLabels: Record<string, string> = ambient,
  ...extra: K8sObject[]
) {
  return model(
    meshConfigMap('internal.example'),
    peerAuthentication('istio-system', 'default', { mode: 'STRICT' }),
    namespace('shop', nsLabels),
    ...meshApp('shop', 'cart', { sa: 'cart' }),
    namespace('web', injected),
    ...meshApp('web', 'frontend', { sa: 'frontend' }),
    ...meshApp('web', 'admin', { sa: 'admin' }),
    namespace('monitoring', injected),
    ...meshApp('monitoring', 'prometheus', { sa: 'prometheus' }),
    ...extra,
  );
}

const request = {
  service: 'cart',
  namespace: 'shop',
  dataplane: 'ambient',
  allowedCallers: [
    { workload: 'web/frontend', methods: ['GET'], paths: ['/cart/*'] },
    { namespace: 'monitoring' },
  ],
};

const plan = (mesh: MeshModel, r: Record<string, unknown> = request) =>
  planOnboarding(parseOnboardingRequest(r), mesh);

const byName = (p: ReturnType<typeof plan>, name: string) =>
  p.resources.find(r => r.metadata.name === name);

describe('onboarding an ambient service with L7 caller rules', () => {
  it('adds the waypoint, labels the namespace, binds the callers to the Service and admits the waypoint at ztunnel, and says why', () => {
    const p = plan(shop());
    expect(p.namespaceLabels).toEqual({
      'istio.io/dataplane-mode': 'ambient',
      'istio.io/use-waypoint': 'waypoint',
    });
    expect(byName(p, 'waypoint')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: {
        name: 'waypoint',
        namespace: 'shop',
        labels: { 'istio.io/waypoint-for': 'service' },
      },
      spec: {
        gatewayClassName: 'istio-waypoint',
        listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
      },
    });
    expect(byName(p, 'cart-callers')?.spec).toEqual({
      targetRefs: [{ kind: 'Service', group: '', name: 'cart' }],
      action: 'ALLOW',
      rules: [
        {
          from: [
            { source: { principals: ['internal.example/ns/web/sa/frontend'] } },
          ],
          to: [
            {
              operation: {
                ports: ['8080'],
                methods: ['GET'],
                paths: ['/cart/*'],
              },
            },
          ],
        },
        {
          from: [{ source: { namespaces: ['monitoring'] } }],
          to: [{ operation: { ports: ['8080'] } }],
        },
      ],
    });
    // ztunnel: the waypoint, and the caller whose rule it can read (pod-addressed traffic).
    expect(byName(p, 'cart-callers-l4')?.spec).toEqual({
      selector: { matchLabels: { app: 'cart' } },
      action: 'ALLOW',
      rules: [
        {
          from: [
            {
              source: { principals: ['internal.example/ns/shop/sa/waypoint'] },
            },
          ],
          to: [{ operation: { ports: ['8080'] } }],
        },
        {
          from: [{ source: { namespaces: ['monitoring'] } }],
          to: [{ operation: { ports: ['8080'] } }],
        },
      ],
    });
    expect(p.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Ambient: the callers' methods and paths need a waypoint.*Waypoint shop\/waypoint \(a Gateway of class istio-waypoint\) is added; namespace shop gets istio.io\/use-waypoint=waypoint.*bound to Service cart with targetRefs/,
        ),
      ]),
    );
  });

  it('round trip: once applied, check gives exactly the requested callers, through the waypoint', () => {
    const mesh = shop();
    const p = plan(mesh);
    const after = new MeshModel([applyPlan(mesh.clusters[0].state, p)]);
    expect(after.clusters[0].state.problems).toEqual([]);
    const ask = (from: string, extra: Record<string, unknown> = {}) =>
      check(after, { from, to: 'shop/cart', port: 8080, ...extra });
    const get = ask('web/frontend', { method: 'GET', path: '/cart/items' });
    expect(get.decision).toBe('ALLOW');
    expect(get.reason).toMatch(/waypoint/);
    expect(get.policies).toEqual(
      expect.arrayContaining(['shop/cart-callers', 'shop/cart-callers-l4']),
    );
    expect(
      ask('web/frontend', { method: 'POST', path: '/cart/items' }).decision,
    ).toBe('DENY');
    expect(
      ask('web/frontend', { method: 'GET', path: '/admin' }).decision,
    ).toBe('DENY');
    expect(ask('web/admin', { method: 'GET', path: '/cart/x' }).decision).toBe(
      'DENY',
    );
    expect(ask('monitoring/prometheus').decision).toBe('ALLOW');
    expect(ask('plaintext').decision).toBe('DENY');
    // The allowed callers analyze lists: the requested ones, nobody else.
    const cart = analyze(after).workloads.find(w => w.name === 'cart')!;
    const ids = cart.allowedCallers
      .map(c =>
        c.source.kind === 'workload'
          ? c.source.workload
          : `${c.source.kind}:${(c.source as any).namespace ?? ''}`,
      )
      .sort();
    expect(ids).toEqual([
      'c1/monitoring/prometheus',
      'c1/web/frontend',
      'namespace:monitoring',
    ]);
    expect(cart.enforcement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          policy: 'shop/cart-callers',
          enforcedAt: 'waypoint shop/waypoint',
        }),
        expect.objectContaining({
          policy: 'shop/cart-callers-l4',
          enforcedAt: 'ztunnel',
        }),
      ]),
    );
    // No waypoint finding: the waypoint exists and is admitted.
    expect(
      analyze(after).findings.filter(f =>
        ['ZT015', 'ZT031', 'ZT032', 'ZT033'].includes(f.code),
      ),
    ).toEqual([]);
  });

  it('uses the waypoint the namespace already has, adding neither a Gateway nor a label', () => {
    const p = plan(
      shop(
        { ...ambient, 'istio.io/use-waypoint': 'shop-waypoint' },
        waypointGateway('shop', 'shop-waypoint'),
      ),
    );
    expect(p.resources.some(r => r.kind === 'Gateway')).toBe(false);
    expect(p.namespaceLabels).toEqual({ 'istio.io/dataplane-mode': 'ambient' });
    expect(
      byName(p, 'cart-callers-l4')?.spec.rules as unknown[],
    ).toContainEqual({
      from: [
        {
          source: { principals: ['internal.example/ns/shop/sa/shop-waypoint'] },
        },
      ],
      to: [{ operation: { ports: ['8080'] } }],
    });
    expect(p.notes.join('\n')).toMatch(
      /enforced by waypoint shop\/shop-waypoint, which cart's traffic already goes through \(namespace label/,
    );
  });

  it("names the namespace's other Services the label sends through the waypoint", () => {
    const p = plan(
      shop(ambient, service('shop', 'orders', { ports: [{ port: 80 }] })),
    );
    expect(p.notes.join('\n')).toMatch(
      /also sends Service shop\/orders through waypoint shop\/waypoint/,
    );
  });

  it('refuses where the Service opts out of waypoints', () => {
    const mesh = model(
      meshConfigMap('internal.example'),
      namespace('shop', ambient),
      deployment('shop', 'cart', { sa: 'cart', ports: [8080] }),
      service('shop', 'cart', {
        labels: { 'istio.io/use-waypoint': 'none' },
        ports: [{ name: 'http', port: 8080 }],
      }),
      namespace('web', injected),
      ...meshApp('web', 'frontend', { sa: 'frontend' }),
    );
    let error: unknown;
    try {
      plan(mesh);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OnboardingRequestError);
    expect((error as Error).message).toMatch(
      /labelled istio.io\/use-waypoint=none/,
    );
  });

  it('adds no waypoint where no caller is narrowed by method or path, nor for sidecars', () => {
    const l4 = plan(shop(), {
      ...request,
      allowedCallers: [{ workload: 'web/frontend' }],
    });
    expect(l4.resources.some(r => r.kind === 'Gateway')).toBe(false);
    expect(byName(l4, 'cart-callers')?.spec.selector).toEqual({
      matchLabels: { app: 'cart' },
    });
    const sidecar = plan(shop({}), { ...request, dataplane: 'sidecar' });
    expect(sidecar.resources.some(r => r.kind === 'Gateway')).toBe(false);
    expect(byName(sidecar, 'cart-callers')?.spec.selector).toBeDefined();
  });

  it('previews the waypoint: the view after says where the policies are enforced', () => {
    const mesh = shop();
    const result = previewOnboarding(plan(mesh), mesh);
    expect(result.after.waypoints).toEqual([
      {
        waypoint: 'shop/waypoint',
        identity: 'spiffe://internal.example/ns/shop/sa/waypoint',
        traffic: 'Service shop/cart',
      },
    ]);
  });
});
