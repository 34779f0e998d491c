/**
 * A real Kubernetes API server over HTTP for tests and benchmarks: list, watch,
 * bookmarks, 410 Gone and faults on demand. Import from
 * `@zero-trust/backstage-plugin-zero-trust-node/testing`.
 *
 * @packageDocumentation
 */

export { TestApiServer, startTestApiServer } from './TestApiServer';
export type {
  RecordedRequest,
  TestApiServerConnection,
  TestApiServerOptions,
} from './TestApiServer';
