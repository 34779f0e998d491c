/**
 * Live cluster sources: the objects the zero-trust engine reads, listed and watched from
 * a Kubernetes API server with `@kubernetes/client-node`. A separate entry point
 * (`@zero-trust/backstage-plugin-zero-trust-node/live`) so that the CLI never loads the
 * Kubernetes client.
 *
 * @packageDocumentation
 */

export { LiveClusterSource } from './LiveClusterSource';
export { LiveClusterConfigError } from './kubeConfig';
export type {
  ApiCallCounts,
  LiveClusterConfig,
  LiveClusterSourceOptions,
  LiveSourceLogger,
} from './types';
