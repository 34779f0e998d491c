import { LoggerService } from '@backstage/backend-plugin-api';
import { Git } from '../git/Git';
import {
  Checkpoint,
  GitopsForge,
  PullRequestContent,
  PullRequestRef,
} from './types';

/** What a checkpoint keeps of a pull request: not its (long) description. */
const kept = (pr: PullRequestRef): PullRequestRef =>
  pr.number === undefined
    ? { url: pr.url }
    : { url: pr.url, number: pr.number };

export interface PublishBranchOptions {
  /** The checkout, on the base branch, with the change written and not committed. */
  git: Git;
  forge: GitopsForge;
  /** The action's own branch, and the one its pull request targets. */
  branch: string;
  base: string;
  message: string;
  content: PullRequestContent;
  checkpoint: Checkpoint;
  logger: LoggerService;
  /** Names this action's checkpoints, e.g. `zero-trust` or `zero-trust.annotate`. */
  checkpointPrefix: string;
  /** Where to push: default the checkout's `origin`. */
  remote?: string;
}

export interface PublishedBranch {
  /** The commit the remote branch holds. */
  head: string;
  /** Whether this run pushed it (false: the remote already held the same tree). */
  pushed: boolean;
  pullRequest: PullRequestRef;
  /** Whether this run opened the pull request (false: it found and updated its own). */
  created: boolean;
}

/**
 * Commits what the checkout changed on the action's branch, pushes it unless the remote branch already
 * holds the same tree, and opens its pull request or updates the one open for that
 * branch: a re-run pushes nothing new and opens no second pull request. Each side effect
 * runs once per task, also when the task is retried (`checkpoint`).
 */
export async function publishBranch(
  options: PublishBranchOptions,
): Promise<PublishedBranch> {
  const { git, forge, branch, base, content, checkpoint, logger } = options;
  const remote = options.remote ?? 'origin';
  const prefix = options.checkpointPrefix;
  const committed = await git.commitWorkingTree(options.message);
  if (!committed) {
    throw new Error(`the checkout holds no change to commit on ${branch}`);
  }
  const { commit, tree } = committed;
  const remoteHead = await git.remoteBranchHead(branch, remote);
  const upToDate =
    remoteHead !== undefined &&
    (await git.remoteBranchTree(branch, remote)) === tree;
  let head: string;
  if (upToDate) {
    logger.info(`${branch} already holds this change; nothing to push`);
    head = remoteHead;
  } else {
    // The branch belongs to the action: a changed request (or a base that moved)
    // replaces its commit, guarded by a lease against concurrent pushes.
    head = await checkpoint({
      key: `${prefix}.push.${forge.name}.${branch}.${tree}`,
      fn: async () => {
        await git.push(commit, branch, remoteHead, remote);
        logger.info(`Pushed ${commit} to ${branch}`);
        return commit;
      },
    });
  }

  const { pr, created } = await checkpoint({
    key: `${prefix}.pull-request.${forge.name}.${branch}`,
    fn: async () => {
      const existing = await forge.findOpenPullRequest(branch);
      if (!existing) {
        const opened = await forge.createPullRequest({ branch, base, content });
        logger.info(`Opened ${opened.url}`);
        return { pr: kept(opened), created: true };
      }
      if (existing.title === content.title && existing.body === content.body) {
        logger.info(`${existing.url} is up to date`);
        return { pr: kept(existing), created: false };
      }
      const updated = await forge.updatePullRequest(existing, content);
      logger.info(`Updated ${updated.url}`);
      return { pr: kept(updated), created: false };
    },
  });
  return { head, pushed: !upToDate, pullRequest: pr, created };
}
