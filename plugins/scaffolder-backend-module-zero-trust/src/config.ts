import { Config } from '@backstage/config';
import {
  PlainGitConfig,
  readGitopsAuthor,
  readPlainGitConfig,
} from '@zero-trust/backstage-plugin-zero-trust-node/git';

/** `zeroTrust.gitops`, read once (see config.d.ts; `plainGit` and `author` are read by node's rules, which the backend shares). */
export interface GitopsConfig {
  repoUrl?: string;
  baseBranch?: string;
  author: { name: string; email: string };
  github: {
    labels: string[];
    reviewers: string[];
    teamReviewers: string[];
    draft: boolean;
  };
  gitlab: { labels: string[]; reviewers: string[] };
  plainGit?: PlainGitConfig;
}

export function readGitopsConfig(root: Config): GitopsConfig {
  const gitops = root.getOptionalConfig('zeroTrust.gitops');
  const strings = (key: string) => gitops?.getOptionalStringArray(key) ?? [];
  return {
    repoUrl: gitops?.getOptionalString('repoUrl'),
    baseBranch: gitops?.getOptionalString('baseBranch'),
    author: readGitopsAuthor(root),
    github: {
      labels: strings('github.labels'),
      reviewers: strings('github.reviewers'),
      teamReviewers: strings('github.teamReviewers'),
      draft: gitops?.getOptionalBoolean('github.draft') ?? false,
    },
    gitlab: {
      labels: strings('gitlab.labels'),
      reviewers: strings('gitlab.reviewers'),
    },
    plainGit: readPlainGitConfig(root),
  };
}
