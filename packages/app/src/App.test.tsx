import { render, screen } from '@testing-library/react';
import App from './App';

/*
 * The whole demo app in jsdom: each test boots it once (config, APIs, sign-in,
 * routes), which takes several seconds of CPU, more on a busy machine: hence the
 * per-test timeouts, and `findBy` waits well beyond testing-library's 1 s default.
 */
const bootTimeout = 120_000;
const waitForApp = { timeout: 60_000 };

const config = [
  {
    data: {
      app: { title: 'Zero-trust demo' },
      backend: { baseUrl: 'http://localhost:7007' },
      techdocs: {
        storageUrl: 'http://localhost:7007/api/techdocs/static/docs',
      },
    },
    context: 'test',
  },
];

beforeEach(() => {
  process.env = { NODE_ENV: 'test', APP_CONFIG: config as any };
  localStorage.clear();
  window.history.pushState({}, '', '/');
});

/**
 * A returning guest: the sign-in page remembers the provider last used, and the
 * legacy guest token stands in for the auth backend's guest provider (jest has no
 * backend), so the app signs in on its own.
 */
function asReturningGuest(path: string) {
  localStorage.setItem('@backstage/core:SignInPage:provider', 'guest');
  localStorage.setItem('enableLegacyGuestToken', 'true');
  window.history.pushState({}, '', path);
}

describe('App', () => {
  it(
    'asks a new visitor to sign in, as a guest and nothing else',
    async () => {
      render(<App />);

      const enter = await screen.findByRole(
        'button',
        { name: 'Enter' },
        waitForApp,
      );
      expect(enter).toBeEnabled();
      expect(screen.getByText('Guest')).toBeInTheDocument();
      expect(screen.getAllByRole('button', { name: 'Enter' })).toHaveLength(1);
      expect(screen.getByText('Zero-trust demo')).toBeInTheDocument();
    },
    bootTimeout,
  );

  it(
    'takes a signed-in guest from / to the catalog, with the sidebar',
    async () => {
      asReturningGuest('/');
      render(<App />);

      expect(
        await screen.findByRole('heading', { name: /Catalog$/ }, waitForApp),
      ).toBeInTheDocument();
      expect(window.location.pathname).toBe('/catalog');
      const sidebar = {
        Home: '/catalog',
        APIs: '/api-docs',
        Docs: '/docs',
        'Create...': '/create',
        Notifications: '/notifications',
      };
      for (const [name, href] of Object.entries(sidebar)) {
        const links = screen.getAllByRole('link', { name });
        expect(links.map(l => l.getAttribute('href'))).toContain(href);
      }
    },
    bootTimeout,
  );

  // Also the regression test of the endless loading bar: with the notifications
  // plugin's sidebar item (see Root.tsx), a page opened after another one in the same
  // document mostly stayed on its route's loading bar.
  it(
    'mounts the zero-trust platform page at /zero-trust',
    async () => {
      asReturningGuest('/zero-trust');
      render(<App />);

      expect(
        await screen.findByRole(
          'heading',
          { name: 'Zero trust', level: 1 },
          waitForApp,
        ),
      ).toBeInTheDocument();
      expect(
        screen.getByText('Mesh identity, mTLS and access across your clusters'),
      ).toBeInTheDocument();
    },
    bootTimeout,
  );
});
