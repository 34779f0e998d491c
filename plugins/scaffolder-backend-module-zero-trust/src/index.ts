/**
 * The zero-trust module for @backstage/plugin-scaffolder-backend: actions that write a
 * service's mesh onboarding into a GitOps repository and open the pull request.
 *
 * @packageDocumentation
 */

export { scaffolderModule as default } from './module';
export {
  createOnboardGenerateAction,
  GitopsCheckoutError,
} from './actions/onboardGenerate';
export type { CreateOnboardGenerateActionOptions } from './actions/onboardGenerate';
export {
  createGitopsPullRequestAction,
  GitopsPullRequestError,
} from './actions/gitopsPullRequest';
export type { CreateGitopsPullRequestActionOptions } from './actions/gitopsPullRequest';
export {
  createCatalogAnnotateAction,
  CatalogAnnotateError,
} from './actions/catalogAnnotate';
export type { CreateCatalogAnnotateActionOptions } from './actions/catalogAnnotate';
export { GitopsRepositories } from './gitops/GitopsRepositories';
export type { GitopsRepositoriesOptions } from './gitops/GitopsRepositories';
export { MeshIdentities } from './onboarding/MeshIdentities';
export { readGitopsConfig } from './config';
export type { GitopsConfig } from './config';
export { createPolicyPromoteAction } from './actions/policyPromote';
export type { CreatePolicyPromoteActionOptions } from './actions/policyPromote';
export { RecordedRequests } from './onboarding/RecordedRequests';
export {
  createPolicyTightenAction,
  TelemetryReadError,
} from './actions/policyTighten';
export type { CreatePolicyTightenActionOptions } from './actions/policyTighten';
