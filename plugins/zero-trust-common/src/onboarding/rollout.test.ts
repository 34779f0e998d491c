import {
  injected,
  meshApp,
  meshConfigMap,
  model,
  namespace,
  peerAuthentication,
} from '../__fixtures__/manifests';
import { check } from '../engine/check';
import { MeshModel } from '../engine/MeshModel';
import { manifestText } from '../gitops/manifestFiles';
import { OnboardingRequestError } from './OnboardingRequestError';
import { parseOnboardingRequest } from './parseOnboardingRequest';
import { planOnboarding } from './planOnboarding';
import { applyPlan, previewOnboarding } from './previewOnboarding';

/** A shop namespace outside the mesh (cart, HTTP 8080), web's frontend and admin in it. */
function shop() {
  return model(
    meshConfigMap('internal.example'),
    peerAuthentication('istio-system', 'default', { mode: 'STRICT' }),
    namespace('shop'),
    ...meshApp('shop', 'cart', { sa: 'cart' }),
    namespace('web', injected),
    ...meshApp('web', 'frontend', { sa: 'frontend' }),
    ...meshApp('web', 'admin', { sa: 'admin' }),
  );
}

const plan = (mesh: MeshModel, request: Record<string, unknown>) =>
  planOnboarding(
    parseOnboardingRequest({
      service: 'cart',
      namespace: 'shop',
      allowedCallers: [{ workload: 'web/frontend' }],
      ...request,
    }),
    mesh,
  );

describe('rollout', () => {
  it('is enforce by default, and refuses anything but enforce or dry-run', () => {
    const p = plan(shop(), {});
    expect(p.request.rollout).toBe('enforce');
    expect(
      p.resources.filter(r => r.metadata.annotations !== undefined),
    ).toEqual([]);
    expect(() => parseOnboardingRequest({ rollout: 'audit' })).toThrow(
      'rollout: must be one of enforce, dry-run',
    );
  });

  it('puts every AuthorizationPolicy of a dry-run in istio.io/dry-run and nothing else', () => {
    const p = plan(shop(), { rollout: 'dry-run' });
    const policies = p.resources.filter(r => r.kind === 'AuthorizationPolicy');
    expect(policies.map(r => r.metadata.name).sort()).toEqual([
      'allow-nothing',
      'cart-callers',
    ]);
    for (const policy of policies) {
      expect(policy.metadata.annotations).toEqual({
        'istio.io/dry-run': 'true',
      });
    }
    const others = p.resources.filter(r => r.kind !== 'AuthorizationPolicy');
    expect(others.length).toBeGreaterThan(0);
    expect(others.every(r => r.metadata.annotations === undefined)).toBe(true);
    // The policies themselves are those an enforced rollout writes.
    const enforced = plan(shop(), {});
    expect(policies.map(r => r.spec)).toEqual(
      enforced.resources
        .filter(r => r.kind === 'AuthorizationPolicy')
        .map(r => r.spec),
    );
    expect(p.notes.join('\n')).toContain(
      'shop/cart-callers, shop/allow-nothing carry istio.io/dry-run',
    );
    expect(manifestText(policies[0], p)).toMatch(
      /# Dry-run \(istio.io\/dry-run\): logged, not enforced[\s\S]*annotations:\n {4}istio.io\/dry-run: "true"/,
    );
  });

  it('is logged, not enforced, once applied: check allows every mesh caller, and the dry-run view names who would be denied', () => {
    const mesh = shop();
    const p = plan(mesh, { rollout: 'dry-run' });
    const after = new MeshModel([applyPlan(mesh.clusters[0].state, p)]);
    const decide = (from: string) =>
      check(after, { from, to: 'shop/cart', port: 8080 }).decision;
    // mTLS STRICT is enforced at once; the ALLOW policy only logged.
    expect(decide('web/frontend')).toBe('ALLOW');
    expect(decide('web/admin')).toBe('ALLOW');
    expect(decide('plaintext')).toBe('DENY');

    const preview = previewOnboarding(p, mesh);
    expect(preview.after.dryRun?.policies.sort()).toEqual([
      'shop/allow-nothing',
      'shop/cart-callers',
    ]);
    expect(preview.after.dryRun?.wouldDeny).toContain('c1/web/admin');
    expect(preview.after.dryRun?.wouldDeny).not.toContain('c1/web/frontend');
  });

  it('refuses a dry run in ambient mode, where ztunnel would neither enforce nor log it', () => {
    let error: unknown;
    try {
      plan(shop(), { rollout: 'dry-run', dataplane: 'ambient' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OnboardingRequestError);
    expect((error as OnboardingRequestError).issues).toEqual([
      {
        path: 'rollout',
        message: expect.stringContaining(
          '"dry-run" is not available in ambient mode',
        ),
      },
    ]);
  });
});
