/*
 * Hi!
 *
 * Note that this is an EXAMPLE Backstage backend. Please check the README.
 *
 * Happy hacking!
 */

import { createBackend } from '@backstage/backend-defaults';
import {
  hasPrometheus,
  startDemoTelemetry,
} from '@zero-trust/backstage-plugin-zero-trust-backend/demo';

/**
 * With ZT_DEMO_PROMETHEUS set, the demo starts Debian's prometheus (when installed) on a
 * loopback port, holding a scripted week of its services' traffic, and reads it as the
 * `backend` cluster's telemetry (through Backstage's APP_CONFIG_ variables). Nothing is
 * installed for it: without the package the Security tab says how to connect one.
 */
async function demoTelemetry() {
  if (!process.env.ZT_DEMO_PROMETHEUS) return;
  if (!hasPrometheus()) {
    // eslint-disable-next-line no-console
    console.warn(
      "ZT_DEMO_PROMETHEUS is set but Debian's prometheus is not installed (sudo apt-get install -y prometheus): the demo runs without telemetry",
    );
    return;
  }
  const { prometheus, telemetry } = await startDemoTelemetry();
  process.once('exit', () => prometheus.kill());
  process.env.APP_CONFIG_zeroTrust_telemetry = JSON.stringify(telemetry);
  // eslint-disable-next-line no-console
  console.info(`demo telemetry: Prometheus on ${prometheus.url}`);
}

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder plugin
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// techdocs plugin
backend.add(import('@backstage/plugin-techdocs-backend'));

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// See https://backstage.io/docs/auth/guest/provider

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
// See https://backstage.io/docs/permissions/getting-started for how to create your own permission policy
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

// search plugin
backend.add(import('@backstage/plugin-search-backend'));

// search engine
// See https://backstage.io/docs/features/search/search-engines
backend.add(import('@backstage/plugin-search-backend-module-pg'));

// search collators
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// kubernetes plugin
backend.add(import('@backstage/plugin-kubernetes-backend'));

// user settings plugin
backend.add(import('@backstage/plugin-user-settings-backend'));

// notifications and signals plugins
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// mcp actions plugin
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.add(import('@zero-trust/backstage-plugin-zero-trust-backend'));
backend.add(
  import('@zero-trust/backstage-plugin-scaffolder-backend-module-zero-trust'),
);
demoTelemetry()
  .catch(error =>
    // eslint-disable-next-line no-console
    console.warn(`the demo runs without telemetry: ${error.message}`),
  )
  .then(() => backend.start());
