import { promises as fs } from 'node:fs';
import {
  LoggerService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { PlainGitForge } from '@zero-trust/backstage-plugin-zero-trust-node/forges';
import { Redactor } from '@zero-trust/backstage-plugin-zero-trust-node/git';
import { GitopsCheckoutError } from '../actions/onboardGenerate';
import { GitopsRepositories } from './GitopsRepositories';

/** A clone of the GitOps repository in the task workspace, for `zero-trust:gitops:pull-request` to publish. */
export interface WorkspaceClone {
  root: string;
  base: string;
  cloneUrl: string;
  /** The URLs the repository's Applications name it by, where the remote is plain git. */
  repoUrls: string[];
}

/**
 * Clones the GitOps repository's base branch into an empty folder of the workspace, as
 * `zero-trust:onboard:generate` does for its empty `targetPath`.
 */
export async function cloneIntoWorkspace(options: {
  repositories: GitopsRepositories;
  workspacePath: string;
  targetPath?: string;
  repoUrl?: string;
  targetBranch?: string;
  redactor: Redactor;
  logger: LoggerService;
}): Promise<WorkspaceClone> {
  const { repositories, redactor, logger } = options;
  const named = options.targetPath ?? '.';
  let root: string;
  try {
    root = resolveSafeChildPath(options.workspacePath, named);
  } catch {
    throw new InputError(`targetPath ${named} is outside the workspace`);
  }
  const entries = await fs.readdir(root).catch(() => []);
  if (entries.length) {
    throw new InputError(
      `targetPath ${named} is not empty: the GitOps repository is cloned into it`,
    );
  }
  const forge = repositories.forge(options.repoUrl, redactor);
  await fs.mkdir(root, { recursive: true });
  try {
    const checkout = await repositories.checkout({
      forge,
      dir: root,
      redactor,
      logger,
      base: options.targetBranch,
    });
    return {
      root,
      base: checkout.base,
      cloneUrl: checkout.cloneUrl,
      repoUrls:
        forge instanceof PlainGitForge
          ? repositories.config.plainGit?.repoUrls ?? []
          : [],
    };
  } catch (error) {
    const clean = redactor.scrub(error);
    if (clean instanceof InputError) throw clean;
    throw new GitopsCheckoutError(
      `Could not clone ${forge.name}: ${clean.message}`,
    );
  }
}
