import {
  EntityPresentationApi,
  entityPresentationApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import {
  SecurityWorkload,
  TelemetryStatus,
  analyze,
} from '@zero-trust/backstage-plugin-zero-trust-common';
// The engine's own builders (test code the package does not export).
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  caCertificate,
  rootCertificates,
  trustModel,
} from '@zero-trust/backstage-plugin-zero-trust-common/src/__fixtures__/certificates';
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  authorizationPolicy,
  deployment,
  injected,
  meshConfigMap,
  namespace,
} from '@zero-trust/backstage-plugin-zero-trust-common/src/__fixtures__/manifests';
import { CallersCard } from './CallersCard';

// Renders an InfoCard in jsdom: slow on a busy machine.
jest.setTimeout(30_000);

const telemetry: TelemetryStatus = {
  state: 'not-configured',
  message: 'No Prometheus is configured for cluster backend.',
};

const app = (trustDomain: string, ns: string, name: string) => [
  meshConfigMap(trustDomain),
  namespace(ns, injected),
  deployment(ns, name, { sa: name, ports: [8080] }),
];

/** backend/shop/api, whose policy admits a workload of edge (shared root) and of analytics (its own). */
function api(): SecurityWorkload {
  const shared = caCertificate('demo root');
  const model = trustModel({
    backend: [
      ...app('backend.example', 'shop', 'api'),
      rootCertificates('istio-system', shared),
      authorizationPolicy('shop', 'api-callers', {
        selector: { matchLabels: { app: 'api' } },
        action: 'ALLOW',
        rules: [
          {
            from: [
              {
                source: {
                  principals: [
                    'backend.example/ns/web/sa/web',
                    'analytics.example/ns/reporting/sa/reports',
                  ],
                },
              },
            ],
          },
        ],
      }),
      namespace('web', injected),
      deployment('web', 'web', { sa: 'web' }),
    ],
    analytics: [
      ...app('analytics.example', 'reporting', 'reports'),
      rootCertificates('istio-system', caCertificate('analytics istiod')),
    ],
  });
  const view = analyze(model).workloads.find(w => w.name === 'api')!;
  return {
    ...view,
    allowedCallers: view.allowedCallers.map(c => ({ ...c, entityRefs: [] })),
    findings: [],
  };
}

describe('the Security tab callers card', () => {
  it('says which callers its policies name are refused at the handshake, and why', async () => {
    const workload = api();
    await renderInTestApp(
      <CallersCard workload={workload} telemetry={telemetry} />,
    );
    expect(screen.getByText('Allowed callers (1)')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Named by its policies, refused at the mTLS handshake (1)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        "analytics/reporting/reports: refused, cluster analytics's root is not trusted by cluster backend",
      ),
    ).toBeInTheDocument();
  });

  it('has no such section where every caller it names completes the handshake', async () => {
    const workload = { ...api(), untrustedCallers: undefined };
    await renderInTestApp(
      <CallersCard workload={workload} telemetry={telemetry} />,
    );
    expect(
      screen.queryByText(/refused at the mTLS handshake/),
    ).not.toBeInTheDocument();
  });

  it("links a caller to its catalog entity, named as the app's entity presentation names it, with its full reference as the tooltip", async () => {
    const workload = api();
    const claimed = {
      ...workload,
      allowedCallers: workload.allowedCallers.map(c =>
        c.label.includes('web')
          ? { ...c, entityRefs: ['component:web/storefront'] }
          : c,
      ),
    };
    const presentation: EntityPresentationApi = {
      forEntity: ref => {
        const snapshot = {
          entityRef: String(ref),
          primaryTitle: 'Web storefront',
          secondaryTitle: String(ref),
        };
        return { snapshot, promise: Promise.resolve(snapshot) };
      },
    };
    await renderInTestApp(
      <TestApiProvider apis={[[entityPresentationApiRef, presentation]]}>
        <CallersCard workload={claimed} telemetry={telemetry} />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    const link = screen.getByRole('link', { name: 'Web storefront' });
    expect(link).toHaveAttribute('href', '/catalog/web/component/storefront');
    expect(
      within(link).getByTitle('component:web/storefront'),
    ).toBeInTheDocument();
    // The caller no entity claims stays its identity, as text.
    expect(screen.getAllByRole('link')).toHaveLength(1);
  });
});
