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

export { GithubFake } from './GithubFake';
export type {
  FakePull,
  ForgeAnswer,
  GithubFakeOptions,
  RecordedRequest as RecordedForgeRequest,
} from './GithubFake';
export { GitlabFake } from './GitlabFake';
export type {
  FakeMergeRequest,
  GitlabFakeOptions,
  RecordedGitlabRequest,
} from './GitlabFake';
export {
  checkRequest as checkGithubRequest,
  checkResponse as checkGithubResponse,
} from './githubOpenApi';
export {
  argoAppOfApps,
  argoAppOfAppsExport,
  argoRepoUrl,
  createGitRepository,
  fluxMonorepo,
  fluxMonorepoExport,
  fluxRepoUrl,
  kubectlKustomize,
  writeExport,
} from './gitopsRepositories';
export { TestCertificates } from './TestCertificates';
export type { TestCertificate, TestValidity } from './TestCertificates';

export * from './prometheus';
