export { ConditionalCache } from './ConditionalCache';
export { GithubForge } from './GithubForge';
export type { GithubForgeOptions, GithubSettings } from './GithubForge';
export { GitlabForge } from './GitlabForge';
export type { GitlabForgeOptions, GitlabSettings } from './GitlabForge';
export { PlainGitForge } from './PlainGitForge';
export { publishBranch } from './publishBranch';
export type { PublishBranchOptions, PublishedBranch } from './publishBranch';
export { ForgeReadError } from './types';
export type {
  Checkpoint,
  ForgeTarget,
  GitopsForge,
  PullRequestContent,
  PullRequestRef,
  PullRequestState,
  RecordedPullRequest,
  RemoteRepository,
} from './types';
