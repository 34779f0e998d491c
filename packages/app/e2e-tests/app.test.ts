/*
 * Copyright 2020 The Backstage Authors
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

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  test,
  expect,
  type Locator,
  type Page,
  type TestInfo,
} from '@playwright/test';

/** The demo components of examples/entities.yaml: name and title. */
const demoComponents = [
  ['productpage', 'Product page'],
  ['reviews', 'Reviews'],
  ['ratings', 'Ratings'],
  ['details', 'Details'],
  ['identity-api', 'Identity API'],
  ['inventory-api', 'Inventory API'],
  ['edge-gateway', 'Edge gateway'],
  ['partner-api', 'Partner API'],
  ['orders-api', 'Orders API'],
  ['order-reports', 'Order reports'],
] as const;

const productpage = {
  path: '/catalog/default/component/productpage',
  title: 'Product page',
  description:
    'Bookinfo front end that renders a book page from reviews and details.',
  owner: { ref: 'group/team-bookinfo', title: 'Team Bookinfo' },
  system: { ref: 'system/bookinfo', title: 'Bookinfo' },
};

// The first load after the dev servers come up is slow on a small CI runner.
const firstLoadTimeout = 60_000;
// The catalog ingests examples/entities.yaml shortly after the backend starts; on a
// machine busy with other work its processing loop takes minutes to stitch them all.
const catalogTimeout = 300_000;

/** The repository root (where playwright.config.ts is). */
function repoRoot(testInfo: TestInfo): string {
  const configFile = testInfo.config.configFile;
  return configFile
    ? path.dirname(configFile)
    : path.resolve(__dirname, '../../..');
}

/** Opens a path and waits for `ready`: a fresh page load, sign-in and route included. */
async function open(page: Page, url: string, ready: Locator): Promise<void> {
  await page.goto(url);
  await expect(ready).toBeVisible({ timeout: firstLoadTimeout });
}

/** e2e-screenshots/ at the repository root. */
function screenshotPath(testInfo: TestInfo, name: string): string {
  return path.join(repoRoot(testInfo), 'e2e-screenshots', name);
}

/** The external host inventory-api's onboarding lets it call. */
const supplierHost = 'api.suppliers.example';

/** The branch the template pushes for inventory-api. */
const inventoryBranch = 'zero-trust/onboard-backend-inventory-inventory-api';

/**
 * A screenshot of the whole page. Backstage scrolls inside its content area
 * rather than the document, so `fullPage` alone captures only the viewport:
 * grow the viewport to the tallest scrolling content first.
 */
async function fullPageScreenshot(
  page: Page,
  file: string,
  ready?: ReturnType<Page['locator']>,
) {
  const viewport = page.viewportSize() ?? { width: 1440, height: 900 };
  const contentHeight = await page.evaluate(() =>
    Math.max(
      document.documentElement.scrollHeight,
      ...Array.from(document.querySelectorAll('main, main *'), e =>
        e.scrollHeight > e.clientHeight ? e.scrollHeight : 0,
      ),
    ),
  );
  const height = Math.min(Math.max(viewport.height, contentHeight), 8000);
  await page.setViewportSize({ width: viewport.width, height });
  try {
    // Some content (the relations graph) lays itself out again on a resize.
    if (ready) {
      await expect(ready).toBeVisible();
    }
    await page.screenshot({ path: file, fullPage: true });
  } finally {
    await page.setViewportSize(viewport);
  }
}

/** A link to an entity page, e.g. entityLink(page, 'component/productpage'). */
function entityLink(scope: Page | ReturnType<Page['locator']>, ref: string) {
  return scope.locator(`a[href$="/catalog/default/${ref}"]`);
}

test('a guest browses the catalog and the Security tab, then onboards a service and finds the request on the platform page', async ({
  page,
}, testInfo) => {
  // Surface the app's own errors in the test output, without failing on them.
  const pageErrors: string[] = [];
  page.on('pageerror', error =>
    pageErrors.push(`page error: ${error.message}`),
  );
  page.on('console', message => {
    // React's development-mode warnings (findDOMNode etc.) are not app errors.
    if (message.type() === 'error' && !message.text().startsWith('Warning:')) {
      pageErrors.push(`console error: ${message.text()}`);
    }
  });
  page.on('response', response => {
    if (response.status() >= 400) {
      pageErrors.push(`${response.status()} ${response.url()}`);
    }
  });

  await test.step('sign in as a guest', async () => {
    await page.goto('/');

    // The sign-in page offers the guest provider; with `auto` sign-in a
    // returning guest goes straight to the catalog. Handle both.
    const enter = page.getByRole('button', { name: 'Enter' });
    const catalogHeading = page.getByRole('heading', { name: /Catalog$/ });
    await expect(enter.or(catalogHeading).first()).toBeVisible({
      timeout: firstLoadTimeout,
    });
    if (await enter.isVisible()) {
      await expect(page.getByText('Guest', { exact: true })).toBeVisible();
      await enter.click();
    }
    await expect(catalogHeading).toBeVisible({ timeout: firstLoadTimeout });
  });

  await test.step('open the catalog and list the demo components', async () => {
    // `/` redirects to the catalog; open it through the sidebar all the same.
    await page.getByRole('link', { name: 'Home' }).first().click();
    await expect(page).toHaveURL(/\/catalog/);

    // The table loads once per visit: if the catalog was still ingesting the
    // demo entities, reload until they are there.
    let attempt = 0;
    await expect(async () => {
      if (attempt++ > 0) {
        await page.reload();
      }
      // Every component, not only the guest's own (it owns none).
      const all = page.getByRole('menuitem', { name: /^All/ }).first();
      if (await all.isVisible()) {
        await all.click();
      }
      const count = page.getByRole('heading', { name: /Components \(\d+\)/ });
      await expect(count).toBeVisible({ timeout: 15_000 });
      const total = Number(/\((\d+)\)/.exec(await count.innerText())?.[1]);
      expect(total).toBeGreaterThanOrEqual(demoComponents.length);
    }).toPass({ timeout: catalogTimeout, intervals: [2_000, 5_000] });

    const table = page.getByRole('table').filter({ hasText: 'Product page' });
    for (const [name, title] of demoComponents) {
      const link = entityLink(table, `component/${name}`);
      await expect(link, `${name} is listed`).toBeVisible();
      await expect(link).toHaveText(title);
    }

    await fullPageScreenshot(page, screenshotPath(testInfo, 'catalog.png'));
  });

  await test.step('open the productpage component', async () => {
    await page
      .getByRole('table')
      .getByRole('link', { name: 'Product page' })
      .click();
    await expect(page).toHaveURL(new RegExp(`${productpage.path}(/|$)`));

    await expect(
      page
        .getByRole('heading', { level: 1 })
        .filter({ hasText: productpage.title }),
    ).toBeVisible({ timeout: firstLoadTimeout });

    const about = page
      .locator('article, [class*="MuiCard-root"]')
      .filter({ has: page.getByRole('heading', { name: 'About' }) })
      .first();
    await expect(about).toBeVisible();
    await expect(about.getByText(productpage.description)).toBeVisible();

    const owner = entityLink(about, productpage.owner.ref);
    await expect(owner).toBeVisible();
    await expect(owner).toHaveText(productpage.owner.title);

    const system = entityLink(about, productpage.system.ref);
    await expect(system).toBeVisible();
    await expect(system).toHaveText(productpage.system.title);

    // The relations graph draws its neighbours (here `reviews`, a dependency)
    // once laid out: wait for it so that the screenshot shows it.
    const graphNode = page.locator('svg').getByText('Reviews', { exact: true });
    await expect(graphNode).toBeVisible();

    await fullPageScreenshot(
      page,
      screenshotPath(testInfo, 'productpage.png'),
      graphNode,
    );
  });

  await test.step("open reviews' Security tab", async () => {
    // Computed by the backend from the demo's GitOps repository (examples/gitops).
    const spiffeId = page.getByText(
      'spiffe://internal.example/ns/bookinfo/sa/bookinfo-reviews',
    );
    await open(
      page,
      '/catalog/default/component/reviews/security',
      spiffeId.first(),
    );
    await expect(page.getByText('internal.example').first()).toBeVisible();
    // productpage calls reviews: the caller shows as a link to its component.
    const caller = entityLink(page.locator('main'), 'component/productpage');
    await expect(caller.first()).toBeVisible();
    await fullPageScreenshot(
      page,
      screenshotPath(testInfo, 'reviews-security.png'),
    );
  });

  await test.step("ratings' Security tab shows the network layer", async () => {
    // Istio's ratings-allow admits reviews; the demo's NetworkPolicy
    // bookinfo/ratings-ingress admits only productpage's pods: a broken path.
    const blocked = page.getByText(
      /blocked by network policy bookinfo\/ratings-ingress/,
    );
    await open(
      page,
      '/catalog/default/component/ratings/security',
      blocked.first(),
    );
    await expect(
      page.getByText(/Allowed by Istio, blocked by a NetworkPolicy \(1\)/),
    ).toBeVisible();
    await fullPageScreenshot(
      page,
      screenshotPath(testInfo, 'ratings-security.png'),
    );
  });

  await test.step("productpage's Security tab shows its exposure, egress, routes and certificate", async () => {
    // The demo's ingress gateway exposes productpage; REGISTRY_ONLY sends its one
    // external host through the egress gateway; cert-manager issues backend's CA.
    const exposure = page.getByText(/bookinfo\.apps\.example\.com:443/i);
    await open(
      page,
      '/catalog/default/component/productpage/security',
      exposure.first(),
    );
    const main = page.locator('main');
    await expect(
      main.getByText(
        /through Gateway istio-system\/apps-gateway \(HTTPS, TLS SIMPLE\)/,
      ),
    ).toBeVisible();
    await expect(main.getByText(/REGISTRY_ONLY/).first()).toBeVisible();
    await expect(
      main.getByText(/www\.googleapis\.com:443 through istio-egressgateway/),
    ).toBeVisible();
    await expect(
      main.getByText(/2 retries, on connect-failure/).first(),
    ).toBeVisible();
    await expect(
      main.getByText(/CN=backend intermediate CA/).first(),
    ).toBeVisible();
    await expect(main.getByText(/expires in \d+ days/).first()).toBeVisible();
    await fullPageScreenshot(
      page,
      screenshotPath(testInfo, 'productpage-security.png'),
    );
  });

  await test.step("orders-api's Security tab says where each policy is enforced", async () => {
    // The demo's ambient namespace: a waypoint enforces the L7 policy, ztunnel the
    // rest, and a dry-run DENY is logged at the waypoint.
    const atWaypoint = page.getByText(/enforced at waypoint orders\/waypoint/);
    await open(
      page,
      '/catalog/default/component/orders-api/security',
      atWaypoint.first(),
    );
    const main = page.locator('main');
    await expect(main.getByText(/enforced at ztunnel/).first()).toBeVisible();
    await expect(
      main.getByText(/logged at waypoint orders\/waypoint/),
    ).toBeVisible();
    await expect(main.getByText(/would deny 1 caller/)).toBeVisible();
    // Its policies name analytics' order-reports, whose root backend does not trust.
    await expect(
      main.getByText(/refused at the mTLS handshake \(1\)/),
    ).toBeVisible();
    await expect(
      main.getByText(
        "analytics/reporting/order-reports: refused, cluster analytics's root is not trusted by cluster backend",
      ),
    ).toBeVisible();
    await fullPageScreenshot(
      page,
      screenshotPath(testInfo, 'orders-api-security.png'),
    );
  });

  await test.step('open the platform page', async () => {
    const main = page.locator('main');
    await open(page, '/zero-trust', main.getByText('external.example').first());
    await expect(main.getByText('internal.example').first()).toBeVisible();
    await fullPageScreenshot(page, screenshotPath(testInfo, 'zero-trust.png'));
  });

  await test.step('open the exposure inventory on the platform page', async () => {
    // The demo's ingress gateway exposes productpage on a host (examples/).
    const inventory = page
      .locator('[class*="MuiPaper"]')
      .filter({ has: page.getByText(/^Exposed services \(/) });
    await inventory.first().scrollIntoViewIfNeeded();
    await expect(inventory.first()).toBeVisible({ timeout: firstLoadTimeout });
    await page.locator('#zt-exposure-namespace').selectOption('bookinfo');
    const productpageRow = inventory
      .first()
      .getByRole('row')
      .filter({ hasText: 'Service bookinfo/productpage' });
    await expect(productpageRow.first()).toBeVisible({
      timeout: firstLoadTimeout,
    });
    await fullPageScreenshot(
      page,
      screenshotPath(testInfo, 'zero-trust-exposure.png'),
    );
  });

  await test.step('the platform page shows the egress inventory and the trust between clusters', async () => {
    const main = page.locator('main');
    const hosts = main.getByText(/^External hosts \(/);
    await hosts.scrollIntoViewIfNeeded();
    await expect(hosts).toBeVisible({ timeout: firstLoadTimeout });
    await expect(
      main.getByRole('row').filter({ hasText: 'www.googleapis.com' }).first(),
    ).toBeVisible();
    const trust = main.getByText('Who authenticates to whom');
    await trust.scrollIntoViewIfNeeded();
    await expect(trust).toBeVisible();
    // The picture draws the demo's three clusters, and the expiry timeline their roots.
    const picture = main.locator('svg').filter({ hasText: 'backend' });
    await expect(picture.first()).toBeVisible();
    await expect(
      picture.first().getByText('edge', { exact: true }),
    ).toBeVisible();
    await expect(
      picture.first().getByText('analytics', { exact: true }),
    ).toBeVisible();
    await expect(
      main.getByRole('listitem').filter({
        hasText:
          "analytics's workloads cannot authenticate to backend's: cluster analytics's root is not trusted by cluster backend",
      }),
    ).toBeVisible();
    await expect(main.getByText('Root and CA certificates')).toBeVisible();
    await fullPageScreenshot(
      page,
      screenshotPath(testInfo, 'zero-trust-trust.png'),
    );
  });

  await test.step('onboard inventory-api from its Security tab', async () => {
    // inventory-api runs outside the mesh: the tab offers the template, filled in.
    const onboard = page.getByRole('button', { name: 'Onboard to the mesh' });
    await open(
      page,
      '/catalog/default/component/inventory-api/security',
      onboard.first(),
    );
    await onboard.first().click();
    await expect(page).toHaveURL(
      /\/create\/templates\/default\/onboard-service/,
    );
    await expect(page.getByRole('textbox', { name: /^Service/ })).toHaveValue(
      'inventory-api',
    );
    await page.getByRole('button', { name: 'Next' }).click();

    // Callers: productpage, picked from the entities that have a mesh identity.
    const callers = page.getByRole('textbox', { name: /Allowed callers/ });
    await callers.fill('productpage');
    await page
      .getByRole('option', { name: /component:default\/productpage/ })
      .first()
      .click();
    // inventory has a default-deny NetworkPolicy: without one admitting productpage's
    // pods the preview would show it blocked by the network, so tick the box.
    await page
      .getByRole('checkbox', { name: /Kubernetes NetworkPolicy too/ })
      .check();
    await page.getByRole('button', { name: 'Next' }).click();
    // What it calls, and how it is called: one external host, and the preset's
    // timeout and retries.
    await expect(page.getByText('External hosts').first()).toBeVisible();
    await page.getByTitle('Add Item').click();
    await page.getByRole('textbox', { name: /^Host/ }).fill(supplierHost);
    await page.locator('#root_traffic__oneof_select').click();
    await page.getByRole('option', { name: /^Preset/ }).click();
    await page.getByRole('button', { name: 'Next' }).click();

    // The preview, computed by the backend before anything is pushed.
    await expect(
      page
        .getByText('spiffe://internal.example/ns/inventory/sa/inventory')
        .first(),
    ).toBeVisible({ timeout: firstLoadTimeout });
    await expect(
      page.getByText(`May call ${supplierHost} on 443 (TLS)`).first(),
    ).toBeVisible();
    await expect(
      page.getByText('Timeout 30s for the whole request, retries included'),
    ).toBeVisible();
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();

    // The task pushes a branch to the local GitOps repository and links the tab.
    await expect(page.getByRole('link', { name: 'Security tab' })).toBeVisible({
      timeout: catalogTimeout,
    });
    await expect(page.getByText(inventoryBranch).first()).toBeVisible();
    await fullPageScreenshot(
      page,
      screenshotPath(testInfo, 'onboard-task.png'),
    );
  });

  await test.step('the request shows on the platform page', async () => {
    // The request's row links its component (findings name the workload too).
    const request = page
      .getByRole('row')
      .filter({ hasText: 'inventory/inventory-api' })
      .filter({ has: entityLink(page, 'component/inventory-api') });
    await open(page, '/zero-trust', request.first());
    await expect(request.first()).toContainText('open');
    await fullPageScreenshot(
      page,
      screenshotPath(testInfo, 'zero-trust-requests.png'),
    );
  });

  await test.step('merging the branch closes the loop: converged, and in the mesh', async () => {
    // What a forge's merge button does with a branch made from main: a fast-forward.
    // The backend reads this repository's main as the backend cluster (a GitOps
    // controller's sync) and the tracker follows the request every 10 s.
    const gitops = path.join(repoRoot(testInfo), '.cache', 'e2e-gitops.git');
    const git = (...args: string[]) =>
      execFileSync('git', ['--git-dir', gitops, ...args], { encoding: 'utf8' });
    git(
      'merge-base',
      '--is-ancestor',
      'refs/heads/main',
      `refs/heads/${inventoryBranch}`,
    );
    git('update-ref', 'refs/heads/main', `refs/heads/${inventoryBranch}`);

    await expect(async () => {
      await page.goto('/catalog/default/component/inventory-api/security');
      await expect(
        page.getByRole('row').filter({ hasText: 'Converged' }).first(),
      ).toBeVisible({ timeout: 5_000 });
    }).toPass({ timeout: 120_000 });
    // The tab now shows the service in the mesh, with the identity the preview promised.
    await expect(
      page
        .getByText('spiffe://internal.example/ns/inventory/sa/inventory')
        .first(),
    ).toBeVisible();
    await expect(page.getByText('Outside the mesh').first()).toBeHidden();
    // The request's ServiceEntry and VirtualService, as the cluster now holds them.
    const main = page.locator('main');
    await expect(
      main.getByText(
        `${supplierHost}:443 direct (ServiceEntry inventory/inventory-api-egress-api-suppliers-example)`,
      ),
    ).toBeVisible();
    await expect(
      main.getByText(
        'Timeout 30s; 3 retries, 10s per try, on 5xx,reset,connect-failure',
      ),
    ).toBeVisible();
    await fullPageScreenshot(
      page,
      screenshotPath(testInfo, 'inventory-converged.png'),
    );
  });

  if (pageErrors.length > 0) {
    testInfo.annotations.push({
      type: 'app errors',
      description: pageErrors.join('\n'),
    });
    process.stdout.write(
      `The app reported errors:\n${pageErrors.join('\n')}\n`,
    );
  }
});
