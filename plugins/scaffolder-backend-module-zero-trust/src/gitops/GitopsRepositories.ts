import { LoggerService } from '@backstage/backend-plugin-api';
import {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { GitopsConfig } from '../config';
import { Git } from '@zero-trust/backstage-plugin-zero-trust-node/git';
import { resolveForge } from '../forges/resolveForge';
import { GitopsForge } from '@zero-trust/backstage-plugin-zero-trust-node/forges';
import { Redactor } from '@zero-trust/backstage-plugin-zero-trust-node/git';

/** A fresh checkout of the GitOps repository's base branch. */
export interface GitopsCheckout {
  forge: GitopsForge;
  git: Git;
  dir: string;
  /** The branch pull requests target. */
  base: string;
  /** Where it was cloned from. */
  cloneUrl: string;
}

export interface GitopsRepositoriesOptions {
  integrations: ScmIntegrationRegistry;
  githubCredentialsProvider: GithubCredentialsProvider;
  config: GitopsConfig;
}

/** Finds the forge for a repository URL and clones its base branch with its credentials. */
export class GitopsRepositories {
  constructor(private readonly options: GitopsRepositoriesOptions) {}

  get config(): GitopsConfig {
    return this.options.config;
  }

  /** The forge for `repoUrl` (or the configured default): an InputError before any clone. */
  forge(repoUrl: string | undefined, redactor: Redactor): GitopsForge {
    return resolveForge(repoUrl, { ...this.options, redactor });
  }

  async checkout(options: {
    forge: GitopsForge;
    dir: string;
    redactor: Redactor;
    logger: LoggerService;
    /** The branch to target; default `zeroTrust.gitops.baseBranch`, else the repository's default. */
    base?: string;
  }): Promise<GitopsCheckout> {
    const { forge, dir, redactor, logger } = options;
    const remote = await forge.repository();
    if (remote.credentials) {
      redactor.addBasicAuth(
        remote.credentials.username,
        remote.credentials.password,
      );
    }
    const git = new Git({
      dir,
      credentials: remote.credentials,
      author: this.options.config.author,
      redactor,
    });
    const wanted =
      options.base ?? this.options.config.baseBranch ?? remote.defaultBranch;
    logger.info(`Cloning ${forge.name}${wanted ? ` (branch ${wanted})` : ''}`);
    await git.clone(remote.cloneUrl, wanted);
    const base = wanted ?? (await git.currentBranch());
    return { forge, git, dir, base, cloneUrl: remote.cloneUrl };
  }

  /**
   * A runner for a checkout already on disk (the one `zero-trust:onboard:generate`
   * cloned), with the forge's credentials, and the URL to push to: one on the forge's
   * host, never whatever remote the checkout names. The forge is not asked again.
   */
  async attach(options: {
    forge: GitopsForge;
    dir: string;
    /** The URL the checkout was cloned from (`GitopsCheckout.cloneUrl`). */
    cloneUrl: string;
    redactor: Redactor;
  }): Promise<{ git: Git; remoteUrl: string }> {
    const { forge, dir, redactor } = options;
    const remote = await forge.remoteAt(options.cloneUrl);
    const git = new Git({
      dir,
      credentials: remote.credentials,
      author: this.options.config.author,
      redactor,
    });
    return { git, remoteUrl: remote.cloneUrl };
  }
}
