/**
 * The demo's telemetry: a real Prometheus holding a scripted traffic history of the
 * demo's services, which `npm start` starts when `ZT_DEMO_PROMETHEUS` is set. Import
 * from `@zero-trust/backstage-plugin-zero-trust-backend/demo`; not for production.
 *
 * @packageDocumentation
 */

export {
  demoDryRunHistory,
  demoTrafficHistory,
  startDemoTelemetry,
} from './demoTelemetry';
export { hasPrometheus } from '@zero-trust/backstage-plugin-zero-trust-node/testing/prometheus';
