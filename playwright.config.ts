/*
 * Copyright 2023 The Backstage Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

/**
 * The browser test of the demo app: @playwright/test driving the system's
 * (Debian) Chromium, against the dev servers that `backstage-cli repo start`
 * brings up with packages/app/e2e-tests/app-config.e2e.yaml: frontend on :3100,
 * backend on :7107, so that a run never meets a demo started with `npm start`
 * (:3000 and :7007).
 *
 * See https://playwright.dev/docs/test-configuration.
 */

const root = __dirname;

// The frontend's origin, as app-config.e2e.yaml sets it. Always localhost: the
// backend's CORS policy allows http://localhost:3100 and nothing else (not 127.0.0.1).
const baseURL = 'http://localhost:3100';
const backendURL = 'http://localhost:7107';

/**
 * The command that starts the frontend and the backend. Backstage needs Node 22
 * or 24: under one of those, run the bundled yarn release directly (fastest);
 * otherwise go through scripts/run.cjs, which fetches a supported Node first.
 */
function startCommand(): string {
  // The demo's config, then the test's own GitOps repository, removed first so that
  // each run starts from examples/gitops/.
  const config = [
    'app-config.yaml',
    'packages/app/e2e-tests/app-config.e2e.yaml',
  ]
    .map(file => `--config "${path.join(root, file)}"`)
    .join(' ');
  const fresh = `node -e "require('fs').rmSync('.cache/e2e-gitops.git', { recursive: true, force: true })"`;
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 22 && major !== 24) {
    return `${fresh} && node scripts/run.cjs start ${config}`;
  }
  const releases = path.join(root, '.yarn', 'releases');
  const yarn = fs.readdirSync(releases).find(f => f.endsWith('.cjs'));
  return `${fresh} && "${process.execPath}" ${path.join(
    '.yarn',
    'releases',
    yarn ?? 'yarn-4.13.0.cjs',
  )} backstage-cli repo start ${config}`;
}

// The first rspack build on a 2-core CI runner is slow.
const serverStartTimeout = 5 * 60_000;

export default defineConfig({
  testDir: path.join(root, 'packages/app/e2e-tests'),

  // The whole walk (sign-in, catalog, Security tab, onboarding, merge, convergence),
  // with the first load compiling a lot: on a busy 2-core machine it took over 3
  // minutes. The test sets its own waits for each step.
  timeout: 10 * 60_000,

  expect: {
    timeout: 15_000,
  },

  webServer: [
    {
      // Starts both dev servers, and is ready once the backend reports ready.
      name: 'backstage',
      command: startCommand(),
      cwd: root,
      url: `${backendURL}/.backstage/health/v1/readiness`,
      reuseExistingServer: !process.env.CI,
      timeout: serverStartTimeout,
      stdout: 'pipe',
      stderr: 'pipe',
      // Let the dev servers shut down cleanly (and their children with them)
      // before Playwright falls back to killing the process group.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    },
    {
      // Starts nothing: the command above also starts the frontend. This entry
      // only makes Playwright wait for the frontend to serve too (`url` waits
      // are per entry), so it always "reuses" the server, and its command is an
      // idle placeholder that Playwright stops at the end of the run.
      name: 'frontend',
      command: 'node -e "setInterval(() => {}, 60000)"',
      cwd: root,
      url: baseURL,
      reuseExistingServer: true,
      timeout: serverStartTimeout,
    },
  ],

  forbidOnly: !!process.env.CI,

  // No retries: a flaky run is a bug to find, not to hide.
  retries: 0,

  workers: 1,

  reporter: [
    ['list'],
    [
      'html',
      { open: 'never', outputFolder: path.join(root, 'e2e-test-report') },
    ],
  ],

  use: {
    baseURL,
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },

  outputDir: path.join(root, 'node_modules/.cache/e2e-test-results'),

  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        headless: true,
        viewport: { width: 1440, height: 900 },
        // Debian's Chromium, not a Playwright-downloaded browser. `launch`
        // (never `launchPersistentContext`) gives every run a fresh temporary
        // profile, so no user data dir is passed or reused.
        launchOptions: {
          executablePath:
            process.env.ZERO_TRUST_CHROMIUM ?? '/usr/bin/chromium',
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
});
