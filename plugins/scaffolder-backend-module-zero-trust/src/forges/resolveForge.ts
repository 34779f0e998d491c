import { InputError } from '@backstage/errors';
import {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { parseRepoUrl } from '@backstage/plugin-scaffolder-node';
import { GitopsConfig } from '../config';
import {
  Redactor,
  localRepositoryPath,
} from '@zero-trust/backstage-plugin-zero-trust-node/git';
import {
  GithubForge,
  GitlabForge,
  GitopsForge,
  PlainGitForge,
} from '@zero-trust/backstage-plugin-zero-trust-node/forges';

export interface ResolveForgeOptions {
  integrations: ScmIntegrationRegistry;
  githubCredentialsProvider: GithubCredentialsProvider;
  config: GitopsConfig;
  redactor: Redactor;
}

function plainGit(
  repoUrl: string | undefined,
  { config, redactor }: ResolveForgeOptions,
): GitopsForge {
  const configured = config.plainGit;
  if (!configured) {
    throw new InputError(
      repoUrl
        ? `${repoUrl} is a plain git repository, but zeroTrust.gitops.plainGit is not configured`
        : 'No repoUrl given, and neither zeroTrust.gitops.repoUrl nor zeroTrust.gitops.plainGit is configured',
    );
  }
  // Only the configured remote: a template must not make the backend read or write any
  // repository on its disk.
  if (
    repoUrl &&
    (!configured.localPath ||
      localRepositoryPath(repoUrl) !== configured.localPath)
  ) {
    throw new InputError(
      `${repoUrl} is not the configured zeroTrust.gitops.plainGit.url; a template may name only that repository`,
    );
  }
  return new PlainGitForge(configured, redactor);
}

/**
 * The forge for a repository URL: the scaffolder's `host?owner=OWNER&repo=REPO` form for
 * a host with a GitHub or GitLab integration, or `file:///...` for the configured plain
 * git repository; no URL means the configured default. Anything else is an InputError,
 * raised before anything is cloned.
 */
export function resolveForge(
  repoUrl: string | undefined,
  options: ResolveForgeOptions,
): GitopsForge {
  const url = repoUrl ?? options.config.repoUrl;
  if (!url) return plainGit(undefined, options);
  if (url.startsWith('file://')) return plainGit(url, options);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new InputError(
      `repoUrl must be host?owner=OWNER&repo=REPO (or the configured file:// repository), not ${options.redactor.redact(
        url,
      )}`,
    );
  }
  const { host, owner, repo } = parseRepoUrl(url, options.integrations);
  const integration = options.integrations.byHost(host);
  if (integration?.type === 'github') {
    if (!owner) throw new InputError(`repoUrl ${url} names no owner`);
    return new GithubForge({
      integration: options.integrations.github.byHost(host)!.config,
      credentialsProvider: options.githubCredentialsProvider,
      owner,
      repo,
      settings: options.config.github,
      redactor: options.redactor,
    });
  }
  if (integration?.type === 'gitlab') {
    if (!owner) throw new InputError(`repoUrl ${url} names no owner (group)`);
    return new GitlabForge({
      integration: options.integrations.gitlab.byHost(host)!.config,
      project: `${owner}/${repo}`,
      settings: options.config.gitlab,
      redactor: options.redactor,
    });
  }
  throw new InputError(
    `${host} is a ${integration?.type} integration; the zero-trust pull request action supports GitHub, GitLab and plain git`,
  );
}
