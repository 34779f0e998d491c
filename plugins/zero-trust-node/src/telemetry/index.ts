/**
 * The telemetry reader: Istio's standard metrics and Envoy's dry-run RBAC stats, read
 * from each cluster's Prometheus over its HTTP API. Import from
 * `@zero-trust/backstage-plugin-zero-trust-node/telemetry`.
 *
 * @packageDocumentation
 */

export {
  defaultTelemetryWindow,
  readTelemetryConfig,
  telemetryNotConfiguredMessage,
} from './telemetryConfig';
export type { PrometheusEndpoint, TelemetryConfig } from './telemetryConfig';
export { isPrometheusDuration, parsePrometheusDuration } from './duration';
export { PrometheusClient } from './PrometheusClient';
export type { PromSample } from './PrometheusClient';
export { TelemetryError } from './TelemetryError';
export { readObservedTraffic, trafficQueries } from './istioMetrics';
export { readDryRunResults, workloadOfPod } from './dryRunStats';
export type { DryRunResult } from './dryRunStats';
