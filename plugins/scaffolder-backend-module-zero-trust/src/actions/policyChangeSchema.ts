import { z as zod } from 'zod/v3';

type Z = typeof zod;

/**
 * The inputs of an action that clones the GitOps repository into the workspace and
 * changes it there (`zero-trust:policy:promote`, `zero-trust:policy:tighten`), for
 * `zero-trust:gitops:pull-request` to publish.
 */
export const workspaceCheckoutInput = {
  targetPath: (z: Z) =>
    z
      .string({
        description:
          'An empty workspace folder to clone the GitOps repository into; zero-trust:gitops:pull-request publishes it (its sourcePath). Default: the workspace itself.',
      })
      .optional(),
  repoUrl: (z: Z) =>
    z
      .string({
        description:
          'The GitOps repository: host?owner=OWNER&repo=REPO, or the configured file:// plain git repository. Default: zeroTrust.gitops.repoUrl, else zeroTrust.gitops.plainGit.',
      })
      .optional(),
  targetBranch: (z: Z) =>
    z
      .string({
        description:
          "The branch to change. Default: zeroTrust.gitops.baseBranch, else the repository's default branch.",
      })
      .optional(),
};

/** The outputs such an action gives the pull request that publishes its change. */
export const pullRequestTextOutput = {
  branch: (z: Z) => z.string({ description: 'The pull request branch.' }),
  title: (z: Z) => z.string({ description: 'The pull request title.' }),
  description: (z: Z) =>
    z.string({ description: 'The pull request description (Markdown).' }),
  diff: (z: Z) => z.string({ description: 'A unified diff of the change.' }),
};
