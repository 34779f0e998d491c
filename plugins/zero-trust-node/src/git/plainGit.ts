import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { seedRepository } from './seedRepository';

/**
 * `zeroTrust.gitops.plainGit`: the plain git remote the onboarding template pushes its
 * branches to (the scaffolder module's config.d.ts documents it), as every reader of it
 * understands it: the scaffolder module pushes there, the backend follows the branches
 * it pushed and, in the demo, reads the cluster from it.
 */
export interface PlainGitConfig {
  /** A URL git can push to: local paths become absolute `file://` URLs. */
  url: string;
  /** The local repository's folder, where `url` is one. */
  localPath?: string;
  /** The folder a missing local repository is created from. */
  seedFrom?: string;
  seedBranch: string;
  /** The seed commit's date (`seedDate`); default: when it is created. */
  seedDate?: Date;
  branchUrl?: string;
  /**
   * Other URLs the repository is known by: the `repoURL` its Argo CD Applications name
   * it by (the demo's local repository stands for a forge's).
   */
  repoUrls: string[];
}

const remoteUrl = /^[a-z][a-z0-9+.-]*:\/\//i;
// scp-like ssh remotes: git@host:owner/repo.git
const scpLike = /^[^/@:]+@[^/:]+:/;

/**
 * The folder of a local repository URL (`file://`) or path (relative to the backend's
 * working directory, as config paths are); undefined for a remote one. Two names of the
 * same local repository give the same folder: the one rule by which a repository is
 * compared with the configured one.
 */
export function localRepositoryPath(url: string): string | undefined {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return undefined;
    }
  }
  if (remoteUrl.test(url) || scpLike.test(url)) return undefined;
  return path.resolve(url);
}

/** `zeroTrust.gitops.plainGit` from the root config; undefined where it is not set. */
export function readPlainGitConfig(root: Config): PlainGitConfig | undefined {
  const config = root.getOptionalConfig('zeroTrust.gitops.plainGit');
  if (!config) return undefined;
  const url = config.getString('url');
  const localPath = localRepositoryPath(url);
  const seedFrom = config.getOptionalString('seedFrom');
  const seedDate = config.getOptionalString('seedDate');
  const seeded = seedDate === undefined ? undefined : new Date(seedDate);
  if (seeded && Number.isNaN(seeded.getTime())) {
    throw new Error(
      `zeroTrust.gitops.plainGit.seedDate must be a date such as 2026-11-02T09:00:00Z, not ${seedDate}`,
    );
  }
  return {
    url: localPath ? pathToFileURL(localPath).href : url,
    localPath,
    seedFrom: seedFrom ? path.resolve(seedFrom) : undefined,
    seedBranch: config.getOptionalString('seedBranch') ?? 'main',
    ...(seeded ? { seedDate: seeded } : {}),
    branchUrl: config.getOptionalString('branchUrl'),
    repoUrls: config.getOptionalStringArray('repoUrls') ?? [],
  };
}

/**
 * Who commits to the GitOps repository: `zeroTrust.gitops.author`, else the
 * scaffolder's `scaffolder.defaultAuthor`, else `Scaffolder`.
 */
export function readGitopsAuthor(root: Config): {
  name: string;
  email: string;
} {
  return {
    name:
      root.getOptionalString('zeroTrust.gitops.author.name') ??
      root.getOptionalString('scaffolder.defaultAuthor.name') ??
      'Scaffolder',
    email:
      root.getOptionalString('zeroTrust.gitops.author.email') ??
      root.getOptionalString('scaffolder.defaultAuthor.email') ??
      'scaffolder@backstage.io',
  };
}

/**
 * Creates the configured local plain git repository from `seedFrom` where it does not
 * exist yet (the demo's GitOps repository, `.cache/gitops.git`), and seeds it again
 * where `seedFrom` changed since and the repository holds nothing of its own (a demo
 * started before a change to examples/gitops); one with branches or commits of its own
 * is kept, with one line that says how to start over. The backend calls it before it
 * first reads the repository, and the scaffolder module before it pushes to it;
 * whichever comes first creates it, the other finds it. A failure is logged, not thrown:
 * whoever uses the repository then reports what is wrong.
 */
export async function seedPlainGitRepository(options: {
  config: Config;
  logger: LoggerService;
}): Promise<void> {
  const { config, logger } = options;
  const plainGit = readPlainGitConfig(config);
  if (!plainGit?.localPath || !plainGit.seedFrom) return;
  const { localPath, seedFrom } = plainGit;
  try {
    const seeded = await seedRepository({
      repository: localPath,
      from: seedFrom,
      branch: plainGit.seedBranch,
      author: readGitopsAuthor(config),
      ...(plainGit.seedDate ? { date: plainGit.seedDate } : {}),
    });
    if (seeded.outcome === 'created') {
      logger.info(
        `Created the GitOps repository ${localPath} from ${seedFrom}`,
      );
    } else if (seeded.outcome === 'reseeded') {
      logger.info(
        `Seeded the GitOps repository ${localPath} again: ${seedFrom} changed since it was created, and it held nothing else`,
      );
    } else if (seeded.outcome === 'kept') {
      logger.warn(
        `The GitOps repository ${localPath} was created from an older ${seedFrom} and holds work of its own (${seeded.beyondSeed}), so it is kept as it is; to start over from ${seedFrom}, stop the backend and delete ${localPath}`,
      );
    }
  } catch (error) {
    logger.warn(
      `Could not create the GitOps repository ${localPath}: ${error}`,
    );
  }
}
