import { InputError } from '@backstage/errors';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { Redactor } from '@zero-trust/backstage-plugin-zero-trust-node/git';
import { repositoriesFor } from '../__testUtils__/setup';
import {
  GithubForge,
  GitlabForge,
  PlainGitForge,
} from '@zero-trust/backstage-plugin-zero-trust-node/forges';

describe('resolveForge', () => {
  const repositories = repositoriesFor({
    integrations: {
      github: [{ host: 'github.com', token: 'ghp_secret0001' }],
      gitlab: [
        {
          host: 'gitlab.example.com',
          apiBaseUrl: 'https://gitlab.example.com/api/v4',
          token: 'glpat-secret',
        },
      ],
      bitbucketServer: [{ host: 'bitbucket.example.com', token: 'x' }],
    },
    zeroTrust: {
      gitops: {
        repoUrl: 'github.com?owner=example-org&repo=gitops',
        plainGit: { url: 'demo/gitops.git' },
      },
    },
  });
  const forge = (repoUrl?: string) =>
    repositories.forge(repoUrl, new Redactor());

  it('picks the forge by the integration of the host', () => {
    expect(forge('github.com?owner=o&repo=r')).toBeInstanceOf(GithubForge);
    expect(forge('gitlab.example.com?owner=group/sub&repo=r')).toBeInstanceOf(
      GitlabForge,
    );
    expect(forge('gitlab.example.com?owner=group/sub&repo=r').name).toBe(
      'gitlab.example.com/group/sub/r',
    );
  });

  it('uses the configured repository when the input names none', () => {
    expect(forge(undefined).name).toBe('github.com/example-org/gitops');
  });

  it('accepts the configured plain git repository as a file:// URL, relative paths resolved', () => {
    const configured = pathToFileURL(path.resolve('demo/gitops.git')).href;
    const plain = forge(configured);
    expect(plain).toBeInstanceOf(PlainGitForge);
    expect(plain.name).toBe(configured);
  });

  it.each([
    [
      'git.example.com?owner=o&repo=r',
      /No matching integration configuration for host git\.example\.com/,
    ],
    ['github.com?repo=r', /missing owner/],
    [
      'bitbucket.example.com?project=p&repo=r',
      /bitbucketServer integration; the zero-trust pull request action supports GitHub, GitLab and plain git/,
    ],
    [
      'file:///var/lib/other.git',
      /not the configured zeroTrust\.gitops\.plainGit\.url/,
    ],
    [
      'ssh://git@github.com/o/r.git',
      /repoUrl must be host\?owner=OWNER&repo=REPO/,
    ],
  ])('refuses %s', (repoUrl, message) => {
    expect(() => forge(repoUrl)).toThrow(InputError);
    expect(() => forge(repoUrl)).toThrow(message);
  });

  it('refuses to guess when nothing is configured', () => {
    const bare = repositoriesFor({});
    expect(() => bare.forge(undefined, new Redactor())).toThrow(
      /No repoUrl given, and neither zeroTrust\.gitops\.repoUrl nor zeroTrust\.gitops\.plainGit is configured/,
    );
  });

  it('never shows credentials written into a plain git URL', () => {
    const withCredentials = repositoriesFor({
      zeroTrust: {
        gitops: {
          plainGit: {
            url: 'https://bot:s3cr3t-t0ken@git.example.com/gitops.git',
          },
        },
      },
    }).forge(undefined, new Redactor());
    expect(withCredentials.name).toBe('https://***@git.example.com/gitops.git');
  });
});
