/**
 * The telemetry reader: Istio's standard metrics and Envoy's dry-run RBAC stats, read
 * from each cluster's Prometheus over its HTTP API. Import from
 * `@zero-trust/backstage-plugin-zero-trust-node/telemetry`.
 *
 * @packageDocumentation
 */

export {
  defaultTelemetryWindow,
  isPrometheusDuration,
  readTelemetryConfig,
  telemetryNotConfiguredMessage,
} from './telemetryConfig';
export type { PrometheusEndpoint, TelemetryConfig } from './telemetryConfig';
