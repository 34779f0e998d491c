import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Config } from '@backstage/config';

/** `zeroTrust.gitops`, read once (see config.d.ts). */
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

export interface PlainGitConfig {
  /** A URL git can push to: local paths become absolute `file://` URLs. */
  url: string;
  /** The local repository's folder, where `url` is one. */
  localPath?: string;
  seedFrom?: string;
  seedBranch: string;
  branchUrl?: string;
}

const remoteUrl = /^[a-z][a-z0-9+.-]*:\/\//i;
// scp-like ssh remotes: git@host:owner/repo.git
const scpLike = /^[^/@:]+@[^/:]+:/;

/** A local path made absolute against the backend's working directory, as config paths are. */
function localPathOf(url: string): string | undefined {
  if (url.startsWith('file://')) return fileURLToPath(url);
  if (remoteUrl.test(url) || scpLike.test(url)) return undefined;
  return path.resolve(url);
}

function readPlainGit(config: Config | undefined): PlainGitConfig | undefined {
  if (!config) return undefined;
  const url = config.getString('url');
  const localPath = localPathOf(url);
  const seedFrom = config.getOptionalString('seedFrom');
  return {
    url: localPath ? pathToFileURL(localPath).href : url,
    localPath,
    seedFrom: seedFrom ? path.resolve(seedFrom) : undefined,
    seedBranch: config.getOptionalString('seedBranch') ?? 'main',
    branchUrl: config.getOptionalString('branchUrl'),
  };
}

export function readGitopsConfig(root: Config): GitopsConfig {
  const gitops = root.getOptionalConfig('zeroTrust.gitops');
  const strings = (key: string) => gitops?.getOptionalStringArray(key) ?? [];
  return {
    repoUrl: gitops?.getOptionalString('repoUrl'),
    baseBranch: gitops?.getOptionalString('baseBranch'),
    author: {
      name:
        gitops?.getOptionalString('author.name') ??
        root.getOptionalString('scaffolder.defaultAuthor.name') ??
        'Scaffolder',
      email:
        gitops?.getOptionalString('author.email') ??
        root.getOptionalString('scaffolder.defaultAuthor.email') ??
        'scaffolder@backstage.io',
    },
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
    plainGit: readPlainGit(gitops?.getOptionalConfig('plainGit')),
  };
}
