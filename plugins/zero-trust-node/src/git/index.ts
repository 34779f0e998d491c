export { Git, GitError } from './Git';
export type {
  GitCredentials,
  GitOptions,
  GitResult,
  GitRunOptions,
} from './Git';
export { Redactor } from './Redactor';
export { redactingLogger } from './redactingLogger';
export { seedRepository } from './seedRepository';
export type { SeedOutcome, SeedRepositoryOptions } from './seedRepository';
export {
  localRepositoryPath,
  readGitopsAuthor,
  readPlainGitConfig,
  seedPlainGitRepository,
} from './plainGit';
export type { PlainGitConfig } from './plainGit';
export {
  addedDates,
  stampCreation,
  stampCreationFromWorkTree,
} from './creationDates';
