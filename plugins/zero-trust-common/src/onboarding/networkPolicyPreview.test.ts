import {
  authorizationPolicy,
  injected,
  meshApp,
  meshConfigMap,
  model,
  namespace,
  networkPolicy,
  peerAuthentication,
} from '../__fixtures__/manifests';
import { check } from '../engine/check';
import { MeshModel } from '../engine/MeshModel';
import { explainNetworkPolicy } from './networkPolicyPreview';
import { parseOnboardingRequest } from './parseOnboardingRequest';
import { planOnboarding } from './planOnboarding';
import { applyPlan, previewOnboarding } from './previewOnboarding';

function preview(mesh: MeshModel, request: Record<string, unknown>) {
  const plan = planOnboarding(
    parseOnboardingRequest({
      service: 'cart',
      namespace: 'shop',
      networkPolicy: true,
      ...request,
    }),
    mesh,
  );
  return previewOnboarding(plan, mesh);
}

/**
 * A meshed shop: cart (8080) joins with its NetworkPolicy; stock, its neighbour, lets
 * web/admin call it (Istio) and no NetworkPolicy isolates it yet.
 */
function shop(
  shopLabels: Record<string, string>,
  ...extra: Record<string, any>[]
) {
  return model(
    meshConfigMap('internal.example'),
    peerAuthentication('istio-system', 'default', { mode: 'STRICT' }),
    namespace('shop', shopLabels),
    ...meshApp('shop', 'cart', { sa: 'cart' }),
    ...meshApp('shop', 'stock', { sa: 'stock' }),
    authorizationPolicy('shop', 'stock-callers', {
      selector: { matchLabels: { app: 'stock' } },
      action: 'ALLOW',
      rules: [
        {
          from: [
            { source: { principals: ['internal.example/ns/web/sa/admin'] } },
          ],
        },
      ],
    }),
    namespace('web', injected),
    ...meshApp('web', 'frontend', { sa: 'frontend' }),
    ...meshApp('web', 'admin', { sa: 'admin' }),
    ...extra,
  );
}

describe('the NetworkPolicy part of the onboarding preview', () => {
  it("says which pods it admits on which ports, and which neighbour's callers the default deny cuts off", () => {
    const mesh = shop(injected);
    const result = preview(mesh, {
      allowedCallers: [{ workload: 'web/frontend' }],
    });
    expect(result.networkPolicy).toEqual({
      policy: 'shop/cart-ingress',
      admits: [
        {
          pods: ['pods labelled app=frontend in namespace web'],
          workloads: ['c1/web/frontend'],
          ports: [8080],
        },
      ],
      defaultDeny: { policy: 'shop/default-deny', isolated: ['c1/shop/stock'] },
      cutOff: [
        {
          workload: 'c1/shop/stock',
          callers: [
            {
              label: 'c1/web/admin',
              ports: [8080],
              policies: ['shop/default-deny'],
            },
          ],
        },
      ],
    });
    expect(explainNetworkPolicy(result.networkPolicy!)).toEqual([
      'NetworkPolicy shop/cart-ingress admits pods labelled app=frontend in namespace web (today: c1/web/frontend) on TCP 8080.',
      'NetworkPolicy shop/default-deny is added: every pod of namespace shop then accepts only the connections a NetworkPolicy admits, so c1/shop/stock is isolated for ingress too.',
      'c1/shop/stock loses c1/web/admin on 8080: Istio still allows it, NetworkPolicy shop/default-deny drops the connection. Add a NetworkPolicy admitting it to c1/shop/stock in the same change.',
    ]);

    // What the preview says is what check answers on the cluster after the change.
    const after = new MeshModel([
      applyPlan(mesh.clusters[0].state, result.plan),
    ]);
    const answer = (from: string, to: string) =>
      check(after, { from, to, port: 8080 });
    expect(answer('web/frontend', 'shop/cart')).toMatchObject({
      decision: 'ALLOW',
      network: { decision: 'ALLOW', policies: ['shop/cart-ingress'] },
    });
    expect(answer('web/admin', 'shop/stock')).toMatchObject({
      decision: 'DENY',
      network: { decision: 'DENY', policies: ['shop/default-deny'] },
    });
    expect(
      check(mesh, { from: 'web/admin', to: 'shop/stock', port: 8080 }).decision,
    ).toBe('ALLOW');
    // The service's own view has the network layer too.
    expect(result.after.allowedCallers).toEqual([
      expect.objectContaining({
        label: 'c1/web/frontend',
        network: { decision: 'ALLOW', policies: ['shop/cart-ingress'] },
      }),
    ]);
  });

  it('admits HBONE port 15008 in ambient mode, and says why', () => {
    // Not labelled yet: the onboarding labels it for ambient.
    const result = preview(shop({}), {
      dataplane: 'ambient',
      allowedCallers: [{ namespace: 'web', ports: [8080] }],
    });
    expect(result.networkPolicy).toMatchObject({
      admits: [
        {
          pods: ['every pod in namespace web'],
          workloads: ['c1/web/frontend', 'c1/web/admin'],
          ports: [8080, 15008],
        },
      ],
      hbonePort: 15008,
    });
    const text = explainNetworkPolicy(result.networkPolicy!);
    expect(text[0]).toBe(
      'NetworkPolicy shop/cart-ingress admits every pod in namespace web (today: c1/web/frontend and c1/web/admin) on TCP 8080 and 15008.',
    );
    expect(text[1]).toBe(
      'In ambient mode ztunnel delivers every mesh connection on HBONE port 15008, whatever the target port, so each rule also admits 15008.',
    );
  });

  it('adds no default deny where the namespace has one, and then cuts no neighbour off', () => {
    const result = preview(
      shop(
        injected,
        networkPolicy('shop', 'deny-ingress', {
          podSelector: {},
          policyTypes: ['Ingress'],
        }),
      ),
      { allowedCallers: [] },
    );
    expect(result.networkPolicy).toEqual({
      policy: 'shop/cart-ingress',
      admits: [],
      cutOff: [],
    });
    expect(result.plan.resources.map(r => r.metadata.name)).not.toContain(
      'default-deny',
    );
    expect(explainNetworkPolicy(result.networkPolicy!)).toEqual([
      'NetworkPolicy shop/cart-ingress admits no pod: every connection to the service is dropped.',
    ]);
  });

  it('is absent without networkPolicy: true', () => {
    const result = preview(shop(injected), {
      networkPolicy: false,
      allowedCallers: [{ workload: 'web/frontend' }],
    });
    expect(result).not.toHaveProperty('networkPolicy');
  });
});
