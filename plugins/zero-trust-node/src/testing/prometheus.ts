/**
 * The test Prometheus alone (no forge fakes, so neither msw nor GitHub's OpenAPI
 * description is loaded): for the demo, which starts one when asked. Import from
 * `@zero-trust/backstage-plugin-zero-trust-node/testing/prometheus`.
 *
 * @packageDocumentation
 */

export {
  TestIstioExporter,
  TestPrometheus,
  hasPrometheus,
  historyOpenMetrics,
  prometheusBinaries,
  startTestPrometheus,
} from './TestPrometheus';
export type { ScriptedCount, TestPrometheusOptions } from './TestPrometheus';
export { dryRunSeries, istioSeries, seriesText } from './istioMetricsText';
export type { IstioTrafficLabels, MetricSeries } from './istioMetricsText';
