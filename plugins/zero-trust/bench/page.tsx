/**
 * The browser side of the render benchmark: a Backstage app shell (the same wiring
 * `@backstage/test-utils` uses, without its jest mocks) with the real ZeroTrustClient
 * against the bench server. A click renders the Security tab (in place of the overview
 * card with `?from=overview`); the time until its tables are in the DOM and a frame has
 * been painted is reported to the server.
 */
import {
  AlertApiForwarder,
  createSpecializedApp,
  ErrorApiForwarder,
  LocalStorageFeatureFlags,
  NoOpAnalyticsApi,
  WebStorage,
} from '@backstage/core-app-api';
import {
  alertApiRef,
  analyticsApiRef,
  attachComponentData,
  createApiFactory,
  errorApiRef,
  featureFlagsApiRef,
  storageApiRef,
} from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { themes, UnifiedThemeProvider } from '@backstage/theme';
import CssBaseline from '@material-ui/core/CssBaseline';
import MockIcon from '@material-ui/icons/AcUnit';
import { ReactNode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { MemoryRouter, Route } from 'react-router-dom';
import { zeroTrustApiRef, ZeroTrustClient } from '../src/api';
import { EntityZeroTrustCard } from '../src/components/EntityZeroTrustCard';
import { EntityZeroTrustContent } from '../src/components/EntityZeroTrustContent';
import { maxGraphCallers } from '../src/components/EntityZeroTrustContent/CallersGraph';

declare global {
  interface Window {
    benchReady?: boolean;
  }
}

const icons = Object.fromEntries(
  [
    'kind:api',
    'kind:component',
    'kind:domain',
    'kind:group',
    'kind:location',
    'kind:system',
    'kind:user',
    'kind:resource',
    'kind:template',
    'brokenImage',
    'catalog',
    'scaffolder',
    'techdocs',
    'search',
    'chat',
    'dashboard',
    'docs',
    'email',
    'github',
    'group',
    'help',
    'user',
    'warning',
    'star',
    'unstarred',
  ].map(k => [k, MockIcon]),
) as any;

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'checkout' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

async function report(name: string, ms: number, renderMs?: number) {
  await fetch('/result', {
    method: 'POST',
    body: JSON.stringify({ name, ms, renderMs }),
  });
}

/** When the Security answer fetched after `t0` had arrived, if one was. */
function securityAnswerAt(t0: number): number | undefined {
  return performance
    .getEntriesByType('resource')
    .filter(e => e.name.endsWith('/security') && e.startTime >= t0)
    .map(e => (e as PerformanceResourceTiming).responseEnd)
    .pop();
}

/** Resolves at the first frame where `ready()` holds, after that frame is painted. */
function whenPainted(ready: () => boolean, t0: number, name: string) {
  const check = () => {
    if (!ready()) {
      requestAnimationFrame(check);
      return;
    }
    // The next frame's callback runs after the ready frame was painted.
    requestAnimationFrame(() =>
      setTimeout(() => {
        const now = performance.now();
        const answered = securityAnswerAt(t0);
        report(name, now - t0, answered && now - answered);
      }),
    );
  };
  requestAnimationFrame(check);
}

const text = (s: string) => document.body.textContent?.includes(s) ?? false;

function Bench() {
  const [shown, setShown] = useState(false);
  const params = new URLSearchParams(location.search);
  const callers = params.get('callers');
  const findings = params.get('findings');
  // `from=overview`: the click switches from the entity's overview card to the tab, as
  // a user does; otherwise the tab is the first thing the page ever renders.
  const fromOverview = params.get('from') === 'overview';
  return (
    <>
      <button
        id="show-tab"
        onClick={() => {
          const t0 = performance.now();
          setShown(true);
          whenPainted(
            () =>
              text(`Allowed callers (${callers})`) &&
              text(`Findings (${findings})`) &&
              document.querySelectorAll(
                'a[href^="/catalog/default/component/client-"]',
              ).length > 0,
            t0,
            'tab',
          );
        }}
      >
        Show the Security tab
      </button>
      <button
        id="show-graph"
        onClick={() => {
          const t0 = performance.now();
          (
            [...document.querySelectorAll('button')].find(
              b => b.textContent === 'Graph',
            ) as HTMLButtonElement
          ).click();
          whenPainted(
            () =>
              document.querySelectorAll('[data-testid="node"]').length >=
              Math.min(Number(callers), maxGraphCallers + 1) + 1,
            t0,
            'graph',
          );
        }}
      >
        Show the graph
      </button>
      <EntityProvider entity={entity}>
        {shown && <EntityZeroTrustContent />}
        {!shown && fromOverview && <EntityZeroTrustCard />}
      </EntityProvider>
    </>
  );
}

const MountedEntityPage = () => null;
// Route elements are only read by the app's route collector, never rendered.
const NoRender = (_props: { children: ReactNode }) => null;
attachComponentData(MountedEntityPage, 'core.mountPoint', entityRouteRef);

const app = createSpecializedApp({
  apis: [
    createApiFactory(alertApiRef, new AlertApiForwarder()),
    createApiFactory(errorApiRef, new ErrorApiForwarder()),
    createApiFactory(analyticsApiRef, new NoOpAnalyticsApi()),
    createApiFactory(featureFlagsApiRef, new LocalStorageFeatureFlags()),
    createApiFactory({
      api: storageApiRef,
      deps: { errorApi: errorApiRef },
      factory: ({ errorApi }) => WebStorage.create({ errorApi }),
    }),
    createApiFactory({
      api: zeroTrustApiRef,
      deps: {},
      factory: () =>
        new ZeroTrustClient({
          discoveryApi: {
            getBaseUrl: async id => `${location.origin}/api/${id}`,
          },
          fetchApi: { fetch: (input, init) => fetch(input, init) },
        }),
    }),
  ],
  configLoader: async () => [
    { context: 'bench', data: { app: { baseUrl: location.origin } } },
  ],
  components: {
    Progress: () => <div>Loading…</div>,
    BootErrorPage: ({ error }: { error: Error }) => <pre>{String(error)}</pre>,
    NotFoundErrorPage: () => <div>Not found</div>,
    ErrorBoundaryFallback: ({ error }: { error: Error }) => (
      <pre>{String(error)}</pre>
    ),
    Router: ({ children }: { children?: ReactNode }) => (
      <MemoryRouter>{children}</MemoryRouter>
    ),
  } as any,
  icons,
  plugins: [],
  themes: [
    {
      id: 'light',
      title: 'Light',
      variant: 'light',
      Provider: ({ children }) => (
        <UnifiedThemeProvider theme={themes.light}>
          <CssBaseline />
          {children}
        </UnifiedThemeProvider>
      ),
    },
  ],
});

const AppProvider = app.getProvider();
const AppRouter = app.getRouter();

createRoot(document.getElementById('root')!).render(
  <AppProvider>
    <AppRouter>
      <NoRender>
        <Route
          path="/catalog/:namespace/:kind/:name"
          element={<MountedEntityPage />}
        />
      </NoRender>
      <Bench />
    </AppRouter>
  </AppProvider>,
);
// Ready to click once the overview card shows the identity, or at once.
function whenReady() {
  const fromOverview =
    new URLSearchParams(location.search).get('from') === 'overview';
  if (fromOverview && !text('spiffe://')) {
    setTimeout(whenReady, 10);
    return;
  }
  window.benchReady = true;
}
whenReady();
