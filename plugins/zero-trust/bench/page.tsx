/**
 * The browser side of the render benchmark: a Backstage app shell (the same wiring
 * `@backstage/test-utils` uses, without its jest mocks) with the real ZeroTrustClient
 * against the bench server. A click renders the Security tab; the time until its
 * tables are in the DOM and a frame has been painted is reported to the server.
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

async function report(name: string, ms: number) {
  await fetch('/result', {
    method: 'POST',
    body: JSON.stringify({ name, ms }),
  });
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
      setTimeout(() => report(name, performance.now() - t0)),
    );
  };
  requestAnimationFrame(check);
}

const text = (s: string) => document.body.textContent?.includes(s) ?? false;

function Bench() {
  const [shown, setShown] = useState(false);
  const callers = new URLSearchParams(location.search).get('callers');
  const findings = new URLSearchParams(location.search).get('findings');
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
      {shown && (
        <EntityProvider entity={entity}>
          <EntityZeroTrustContent />
        </EntityProvider>
      )}
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
window.benchReady = true;
