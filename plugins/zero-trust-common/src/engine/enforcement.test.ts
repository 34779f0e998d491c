import {
  K8sObject,
  ambient,
  authorizationPolicy,
  deployment,
  injected,
  model,
  namespace,
  service,
  waypointGateway,
} from '../__fixtures__/manifests';
import { policyEnforcement, waypointUses } from './enforcement';

/*
 * Where each policy is enforced for a workload. Sources: ShouldAttachPolicy in
 * pilot/pkg/model/policyattachment.go (a sidecar ignores targetRefs, a waypoint reads
 * only them), convertAuthorizationPolicy and handleRule in
 * pilot/pkg/serviceregistry/ambient/authorization.go (what ztunnel gets), and
 * https://istio.io/latest/docs/ambient/usage/l7-features/.
 */

const selectApi = { selector: { matchLabels: { app: 'api' } } };

function enforcementOf(
  nsLabels: Record<string, string>,
  ...extra: K8sObject[]
) {
  const m = model(
    namespace('shop', nsLabels),
    waypointGateway('shop', 'waypoint'),
    waypointGateway('shop', 'other-waypoint'),
    deployment('shop', 'api', { sa: 'api', ports: [8080] }),
    service('shop', 'api', { ports: [{ name: 'http', port: 8080 }] }),
    ...extra,
  );
  const w = m.resolveWorkload('shop/api');
  return { list: policyEnforcement(w), uses: waypointUses(w) };
}

const withWaypoint = { ...ambient, 'istio.io/use-waypoint': 'waypoint' };
const gatewayRef = (name: string) => ({
  targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name }],
});

describe('where each policy is enforced', () => {
  it.each<[string, Record<string, string>, K8sObject, string, RegExp | null]>([
    [
      'a selector policy on a sidecar',
      injected,
      authorizationPolicy('shop', 'p', { ...selectApi, rules: [{}] }),
      'sidecar',
      null,
    ],
    [
      'a selector policy on ztunnel',
      ambient,
      authorizationPolicy('shop', 'p', { ...selectApi, rules: [{}] }),
      'ztunnel',
      null,
    ],
    [
      'an L7 ALLOW selector policy on ztunnel: its L7 fields nowhere',
      ambient,
      authorizationPolicy('shop', 'p', {
        ...selectApi,
        rules: [{ to: [{ operation: { methods: ['GET'] } }] }],
      }),
      'ztunnel',
      /methods are enforced nowhere: ztunnel drops every rule/,
    ],
    [
      'an L7-only DENY selector policy on ztunnel',
      ambient,
      authorizationPolicy('shop', 'p', {
        ...selectApi,
        action: 'DENY',
        rules: [{ to: [{ operation: { paths: ['/admin'] } }] }],
      }),
      'nowhere',
      /paths, which ztunnel cannot read/,
    ],
    [
      'a CUSTOM policy on ztunnel',
      ambient,
      authorizationPolicy('shop', 'p', {
        ...selectApi,
        action: 'CUSTOM',
        provider: { name: 'opa' },
        rules: [{}],
      }),
      'nowhere',
      /ztunnel does not enforce CUSTOM/,
    ],
    [
      'a policy bound to the waypoint the workload uses',
      withWaypoint,
      authorizationPolicy('shop', 'p', {
        ...gatewayRef('waypoint'),
        rules: [{}],
      }),
      'waypoint shop/waypoint',
      null,
    ],
    [
      'a policy bound to its Service, which uses the waypoint',
      withWaypoint,
      authorizationPolicy('shop', 'p', {
        targetRefs: [{ kind: 'Service', name: 'api' }],
        rules: [{}],
      }),
      'waypoint shop/waypoint',
      null,
    ],
    [
      'a policy bound to a waypoint the workload does not use',
      withWaypoint,
      authorizationPolicy('shop', 'p', {
        ...gatewayRef('other-waypoint'),
        rules: [{}],
      }),
      'nowhere',
      /bound to waypoint shop\/other-waypoint, which c1\/shop\/api's traffic does not go through/,
    ],
    [
      'a policy bound to its Service, which uses no waypoint',
      ambient,
      authorizationPolicy('shop', 'p', {
        targetRefs: [{ kind: 'Service', name: 'api' }],
        rules: [{}],
      }),
      'nowhere',
      /uses no waypoint/,
    ],
    [
      'a policy bound to its Service on a sidecar',
      injected,
      authorizationPolicy('shop', 'p', {
        targetRefs: [{ kind: 'Service', name: 'api' }],
        rules: [{}],
      }),
      'nowhere',
      /a sidecar ignores policies bound with targetRefs/,
    ],
    [
      'a policy bound to every waypoint from the root namespace',
      withWaypoint,
      authorizationPolicy('istio-system', 'p', {
        targetRefs: [
          {
            group: 'gateway.networking.k8s.io',
            kind: 'GatewayClass',
            name: 'istio-waypoint',
          },
        ],
        rules: [{}],
      }),
      'waypoint shop/waypoint',
      null,
    ],
  ])('%s', (_, nsLabels, policy, enforcedAt, why) => {
    const { list } = enforcementOf(nsLabels, policy);
    const found = list.find(e => e.policy.endsWith('/p'));
    expect(found?.enforcedAt).toBe(enforcedAt);
    // No reason given where none is expected.
    expect(found?.why ?? '').toMatch(why ?? /^$/);
  });

  it('a dry-run policy is marked, with where it is logged', () => {
    const policy = authorizationPolicy('shop', 'p', {
      ...selectApi,
      rules: [{}],
    });
    policy.metadata.annotations = { 'istio.io/dry-run': 'true' };
    expect(enforcementOf(injected, policy).list).toEqual([
      {
        policy: 'shop/p',
        action: 'ALLOW',
        enforcedAt: 'sidecar',
        why: 'dry-run: the sidecar logs it',
        dryRun: true,
      },
    ]);
    expect(enforcementOf(ambient, policy).list[0]).toMatchObject({
      enforcedAt: 'nowhere',
      dryRun: true,
    });
  });

  it('lists the waypoints on the way, with the identity ztunnel sees', () => {
    expect(enforcementOf(withWaypoint).uses).toEqual([
      {
        waypoint: 'shop/waypoint',
        identity: 'spiffe://cluster.local/ns/shop/sa/waypoint',
        traffic: 'Service shop/api',
      },
    ]);
    expect(enforcementOf(ambient).uses).toEqual([]);
  });
});
