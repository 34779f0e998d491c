import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import {
  MeshModel,
  workloadView,
} from '@zero-trust/backstage-plugin-zero-trust-common';
// The engine's own manifest builders (test code the package does not export).
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  ambient,
  authorizationPolicy,
  clusterState,
  deployment,
  namespace,
  service,
  waypointGateway,
} from '@zero-trust/backstage-plugin-zero-trust-common/src/__fixtures__/manifests';
import { DryRunCard } from './DryRunCard';
import { EnforcementCard } from './EnforcementCard';

// Renders InfoCards in jsdom: slow on a busy machine.
jest.setTimeout(30_000);

const dryRun = (policy: ReturnType<typeof authorizationPolicy>) => ({
  ...policy,
  metadata: {
    ...policy.metadata,
    annotations: { 'istio.io/dry-run': 'true' },
  },
});

/**
 * An ambient namespace whose Service uses a waypoint: an L7 ALLOW bound to the waypoint,
 * a selector ALLOW ztunnel reads (admitting the waypoint), a selector policy with a path
 * (which ztunnel cannot read), and a dry-run DENY of the frontend.
 */
function orders() {
  const model = new MeshModel([
    clusterState(
      'c1',
      namespace('shop', { ...ambient, 'istio.io/use-waypoint': 'waypoint' }),
      waypointGateway('shop', 'waypoint'),
      deployment('shop', 'orders', { sa: 'orders', ports: [8080] }),
      service('shop', 'orders', { ports: [{ name: 'http', port: 8080 }] }),
      deployment('shop', 'frontend', { sa: 'frontend', ports: [8080] }),
      deployment('shop', 'batch', { sa: 'batch', ports: [8080] }),
      authorizationPolicy('shop', 'orders-l7', {
        targetRefs: [
          {
            group: 'gateway.networking.k8s.io',
            kind: 'Gateway',
            name: 'waypoint',
          },
        ],
        action: 'ALLOW',
        rules: [
          {
            from: [{ source: { principals: ['cluster.local/ns/shop/sa/*'] } }],
            to: [{ operation: { methods: ['GET'] } }],
          },
        ],
      }),
      authorizationPolicy('shop', 'orders-from-waypoint', {
        selector: { matchLabels: { app: 'orders' } },
        action: 'ALLOW',
        rules: [
          {
            from: [
              {
                source: { principals: ['cluster.local/ns/shop/sa/waypoint'] },
              },
            ],
          },
        ],
      }),
      authorizationPolicy('shop', 'orders-paths', {
        selector: { matchLabels: { app: 'orders' } },
        action: 'DENY',
        rules: [{ to: [{ operation: { paths: ['/admin'] } }] }],
      }),
      dryRun(
        authorizationPolicy('shop', 'orders-no-frontend', {
          targetRefs: [
            {
              group: 'gateway.networking.k8s.io',
              kind: 'Gateway',
              name: 'waypoint',
            },
          ],
          action: 'DENY',
          rules: [
            {
              from: [
                {
                  source: { principals: ['cluster.local/ns/shop/sa/frontend'] },
                },
              ],
            },
          ],
        }),
      ),
    ),
  ]);
  return workloadView(model.resolveWorkload('c1/shop/orders'), model);
}

const itemOf = (policy: string) =>
  screen.getByText(policy).closest('li') as HTMLElement;

describe('the Security tab enforcement card', () => {
  it('says where each policy is enforced, why where it is not the plain reading, and which waypoint takes the traffic', async () => {
    const view = orders();
    await renderInTestApp(
      <EnforcementCard
        enforcement={view.enforcement}
        waypoints={view.waypoints}
      />,
    );
    expect(
      within(itemOf('shop/orders-l7')).getByText(
        'enforced at waypoint shop/waypoint',
      ),
    ).toBeInTheDocument();
    expect(
      within(itemOf('shop/orders-from-waypoint')).getByText(
        'enforced at ztunnel',
      ),
    ).toBeInTheDocument();
    // A DENY whose every rule needs a path: ztunnel keeps nothing of it.
    const paths = itemOf('shop/orders-paths');
    expect(within(paths).getByText('enforced nowhere')).toBeInTheDocument();
    expect(paths.textContent).toMatch(/paths/);
    expect(paths.textContent).toMatch(/targetRefs/);
    // The dry-run one is logged by the waypoint, not enforced.
    const dry = itemOf('shop/orders-no-frontend');
    expect(dry.textContent).toMatch(/DENY, dry-run/);
    expect(
      within(dry).getByText('logged at waypoint shop/waypoint'),
    ).toBeInTheDocument();
    const waypoint = screen.getByText('Waypoints').closest('div')!;
    expect(waypoint.textContent).toMatch(
      /shop\/waypoint takes Service shop\/orders/,
    );
    expect(waypoint.textContent).toMatch(
      /ztunnel sees spiffe:\/\/cluster\.local\/ns\/shop\/sa\/waypoint/,
    );
  });

  it("names the policies on its calls to a ServiceEntry's hosts: at the entry's waypoint, or nowhere", async () => {
    const entry = (labels?: Record<string, string>) => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'httpbin', namespace: 'egress', labels },
      spec: {
        hosts: ['httpbin.org'],
        resolution: 'DNS',
        ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
      },
    });
    const view = (labels?: Record<string, string>) => {
      const model = new MeshModel([
        clusterState(
          'c1',
          namespace('egress', ambient),
          namespace('shop', ambient),
          waypointGateway('egress', 'egress-waypoint', {
            allowedRoutes: { from: 'All' },
          }),
          deployment('shop', 'orders', { sa: 'orders', ports: [8080] }),
          entry(labels),
          authorizationPolicy('egress', 'httpbin-get', {
            targetRefs: [
              {
                group: 'networking.istio.io',
                kind: 'ServiceEntry',
                name: 'httpbin',
              },
            ],
            rules: [{ to: [{ operation: { methods: ['GET'] } }] }],
          }),
        ),
      ]);
      return workloadView(model.resolveWorkload('c1/shop/orders'), model);
    };
    const through = view({ 'istio.io/use-waypoint': 'egress-waypoint' });
    const { unmount } = await renderInTestApp(
      <EnforcementCard enforcement={through.enforcement} />,
    );
    const item = itemOf('egress/httpbin-get');
    expect(item.textContent).toMatch(
      /on its calls to httpbin\.org \(ServiceEntry egress\/httpbin\)/,
    );
    expect(
      within(item).getByText('enforced at waypoint egress/egress-waypoint'),
    ).toBeInTheDocument();
    unmount();
    await renderInTestApp(<EnforcementCard enforcement={view().enforcement} />);
    const nowhere = itemOf('egress/httpbin-get');
    expect(within(nowhere).getByText('enforced nowhere')).toBeInTheDocument();
    expect(nowhere.textContent).toMatch(/uses no waypoint/);
  });

  it('says so where no policy concerns the workload, without a waypoints row', async () => {
    await renderInTestApp(<EnforcementCard enforcement={[]} />);
    expect(
      screen.getByText('No AuthorizationPolicy concerns this workload'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Waypoints')).toBeNull();
  });

  it('shows the dry-run policy apart with the callers it would deny through the waypoint', async () => {
    const view = orders();
    expect(view.dryRun).toBeDefined();
    await renderInTestApp(<DryRunCard dryRun={view.dryRun!} />);
    expect(screen.getByText('Dry-run policies (1)')).toBeInTheDocument();
    expect(screen.getByText('shop/orders-no-frontend')).toBeInTheDocument();
    expect(
      screen.getByText(/^would deny 1 caller: .*shop\/frontend/),
    ).toBeInTheDocument();
  });
});
