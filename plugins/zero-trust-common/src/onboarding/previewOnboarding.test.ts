import {
  injected,
  meshApp,
  meshConfigMap,
  model,
  namespace,
  peerAuthentication,
} from '../__fixtures__/manifests';
import { analyze } from '../report/analyze';
import { check } from '../engine/check';
import { MeshModel } from '../engine/MeshModel';
import { parseOnboardingRequest } from './parseOnboardingRequest';
import { planOnboarding } from './planOnboarding';
import { applyPlan, previewOnboarding } from './previewOnboarding';

function preview(mesh: MeshModel, request: Record<string, unknown>) {
  const plan = planOnboarding(
    parseOnboardingRequest({ allowedCallers: [], ...request }),
    mesh,
  );
  return previewOnboarding(plan, mesh);
}

const callerIds = (callers: { source: any }[]) =>
  callers.map(c => c.source.workload ?? c.source.namespace ?? c.source.kind);

/** A shop namespace outside the mesh: cart (HTTP 8080), web and batch as would-be callers. */
function shop() {
  return [
    meshConfigMap('internal.example'),
    peerAuthentication('istio-system', 'default', { mode: 'STRICT' }),
    namespace('shop'),
    ...meshApp('shop', 'cart', { sa: 'cart' }),
    namespace('web', injected),
    ...meshApp('web', 'frontend', { sa: 'frontend' }),
    ...meshApp('web', 'admin', { sa: 'admin' }),
  ];
}

describe('previewOnboarding', () => {
  it("shows the workload's view before and after, and what changes for access", () => {
    const mesh = model(...shop());
    const before = JSON.stringify(analyze(mesh));
    const result = preview(mesh, {
      service: 'cart',
      namespace: 'shop',
      allowedCallers: [{ workload: 'web/frontend', methods: ['GET'] }],
    });
    expect(result.before).toMatchObject({ meshMode: 'none', identity: null });
    expect(result.after).toMatchObject({
      meshMode: 'sidecar',
      identity: 'spiffe://internal.example/ns/shop/sa/cart',
      mtls: { mode: 'STRICT' },
      policies: ['shop/cart-callers', 'shop/allow-nothing'],
    });
    expect(callerIds(result.after.allowedCallers)).toEqual(['c1/web/frontend']);
    const cart = result.diff.workloads.find(
      w => w.workload === 'c1/shop/cart',
    )!;
    expect(cart).toMatchObject({
      meshMode: { before: 'none', after: 'sidecar' },
      identity: {
        before: null,
        after: 'spiffe://internal.example/ns/shop/sa/cart',
      },
    });
    // Outside the mesh anyone could call; now only frontend, for GET.
    expect(cart.callersLost.map(c => c.key)).toContain('anyone');
    expect(cart.callersGained.map(c => c.key)).toContain(
      'workload:c1/web/frontend',
    );
    // The model it was given is left as it was.
    expect(JSON.stringify(analyze(mesh))).toBe(before);
  });

  it('agrees with check on the applied state', () => {
    const mesh = model(...shop());
    const plan = planOnboarding(
      parseOnboardingRequest({
        service: 'cart',
        namespace: 'shop',
        allowedCallers: [{ workload: 'web/frontend', ports: [8080] }],
      }),
      mesh,
    );
    const after = new MeshModel([applyPlan(mesh.clusters[0].state, plan)]);
    const decide = (from: string) =>
      check(after, { from, to: 'shop/cart', port: 8080 }).decision;
    expect(decide('web/frontend')).toBe('ALLOW');
    expect(decide('web/admin')).toBe('DENY');
    expect(decide('plaintext')).toBe('DENY');
    expect(after.clusters[0].state.problems).toEqual([]);
  });

  it('previews a service the cluster does not run yet, from the request alone', () => {
    const result = preview(model(...shop()), {
      service: 'payments',
      namespace: 'shop',
      ports: [{ name: 'rpc', port: 9090, protocol: 'GRPC' }],
      allowedCallers: [{ workload: 'web/frontend' }],
    });
    expect(result.before).toBeNull();
    expect(result.after).toMatchObject({
      name: 'payments',
      serviceAccount: 'payments',
      meshMode: 'sidecar',
      identity: 'spiffe://internal.example/ns/shop/sa/payments',
      ports: [{ port: 9090, protocol: 'http' }],
    });
    expect(callerIds(result.after.allowedCallers)).toEqual(['c1/web/frontend']);
    expect(result.diff.workloads.map(w => [w.workload, w.change])).toEqual(
      expect.arrayContaining([['c1/shop/payments', 'added']]),
    );
  });

  it('shows the default deny shutting out a neighbour that had no policy', () => {
    const mesh = model(
      ...shop(),
      ...meshApp('shop', 'legacy', { sa: 'legacy' }),
    );
    const result = preview(mesh, {
      service: 'cart',
      namespace: 'shop',
      allowedCallers: [{ workload: 'web/frontend' }],
    });
    const legacy = result.diff.workloads.find(
      w => w.workload === 'c1/shop/legacy',
    )!;
    expect(legacy.meshMode).toEqual({ before: 'none', after: 'sidecar' });
    expect(legacy.callersLost.length).toBeGreaterThan(0);
    expect(result.plan.notes).toContain(
      'allow-nothing denies every request to c1/shop/legacy, which no ALLOW policy admits yet.',
    );
  });

  it('shows an ambient caller narrowed by method as admitted for that method through the waypoint the plan adds', () => {
    const narrowed = preview(model(...shop()), {
      service: 'cart',
      namespace: 'shop',
      dataplane: 'ambient',
      allowedCallers: [{ workload: 'web/frontend', methods: ['GET'] }],
    });
    expect(narrowed.after.meshMode).toBe('ambient');
    // Without the waypoint ztunnel would drop the rule and admit nobody.
    expect(narrowed.after.allowedCallers).toMatchObject([
      {
        label: 'c1/web/frontend',
        decision: 'CONDITIONAL',
        narrowing: { methods: ['GET'] },
      },
    ]);
    expect(narrowed.after.waypoints).toMatchObject([
      { waypoint: 'shop/waypoint' },
    ]);
    const plain = preview(model(...shop()), {
      service: 'cart',
      namespace: 'shop',
      dataplane: 'ambient',
      allowedCallers: [{ workload: 'web/frontend' }],
    });
    expect(callerIds(plain.after.allowedCallers)).toEqual(['c1/web/frontend']);
  });

  it('shows PERMISSIVE as a mode that still admits plaintext', () => {
    const result = preview(model(...shop()), {
      service: 'cart',
      namespace: 'shop',
      mtlsMode: 'PERMISSIVE',
      namespaceDefaultDeny: false,
    });
    expect(result.after.mtls).toMatchObject({
      mode: 'PERMISSIVE',
      decidedBy: 'shop/cart',
    });
  });
});
