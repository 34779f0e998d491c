import { ANNOTATION_LOCATION, Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { locateEntityFile } from './entityLocation';

const integrations = ScmIntegrations.fromConfig(
  new ConfigReader({
    integrations: {
      github: [
        { host: 'github.com', token: 'x' },
        {
          host: 'ghe.example.com',
          apiBaseUrl: 'https://ghe.example.com/api/v3',
        },
      ],
      gitlab: [
        {
          host: 'gitlab.example.com',
          apiBaseUrl: 'https://gitlab.example.com/api/v4',
          token: 'y',
        },
        {
          host: 'code.example.com',
          baseUrl: 'https://code.example.com/gitlab',
          apiBaseUrl: 'https://code.example.com/gitlab/api/v4',
          token: 'z',
        },
      ],
      bitbucketServer: [{ host: 'bitbucket.example.com', token: 'b' }],
    },
  }),
);

const entityAt = (location?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'inventory-api',
    annotations: location ? { [ANNOTATION_LOCATION]: location } : {},
  },
});

const locate = (location?: string) =>
  locateEntityFile(entityAt(location), integrations);

describe('locateEntityFile', () => {
  it.each([
    [
      'url:https://github.com/example-org/inventory/blob/main/catalog-info.yaml',
      {
        provider: 'github',
        host: 'github.com',
        owner: 'example-org',
        repo: 'inventory',
        branch: 'main',
        path: 'catalog-info.yaml',
      },
    ],
    [
      'url:https://ghe.example.com/team/inventory/blob/release-2/services/api/catalog%20info.yaml#L3',
      {
        provider: 'github',
        host: 'ghe.example.com',
        owner: 'team',
        repo: 'inventory',
        branch: 'release-2',
        path: 'services/api/catalog info.yaml',
      },
    ],
    [
      'url:https://gitlab.example.com/platform/supply/inventory/-/blob/main/catalog-info.yaml',
      {
        provider: 'gitlab',
        host: 'gitlab.example.com',
        owner: 'platform/supply',
        repo: 'inventory',
        branch: 'main',
        path: 'catalog-info.yaml',
      },
    ],
    [
      'url:https://gitlab.example.com/platform/inventory/blob/develop/deploy/catalog-info.yaml',
      {
        provider: 'gitlab',
        owner: 'platform',
        repo: 'inventory',
        branch: 'develop',
        path: 'deploy/catalog-info.yaml',
      },
    ],
    [
      // A GitLab served under a path: the path is not part of the project.
      'url:https://code.example.com/gitlab/platform/inventory/-/blob/main/catalog-info.yaml',
      {
        provider: 'gitlab',
        host: 'code.example.com',
        owner: 'platform',
        repo: 'inventory',
      },
    ],
  ])('reads %s as a file the action can edit', (location, expected) => {
    expect(locate(location)).toMatchObject({
      type: 'repository',
      location,
      ...expected,
    });
  });

  it.each([
    [undefined, /no backstage\.io\/managed-by-location annotation/],
    [
      'file:/work/examples/entities.yaml',
      /a file on the catalog's own disk, which the scaffolder cannot change/,
    ],
    [
      'url:https://git.example.com/o/r/blob/main/catalog-info.yaml',
      /git\.example\.com, which has no GitHub or GitLab integration configured/,
    ],
    [
      'url:https://bitbucket.example.com/projects/P/repos/r/browse/catalog-info.yaml',
      /a bitbucketServer integration; the scaffolder opens these pull requests on GitHub and GitLab only/,
    ],
    [
      'url:https://github.com/example-org/inventory/tree/main',
      /names no branch and file/,
    ],
    [
      'url:https://github.com/example-org/inventory/blob/0123456789abcdef0123456789abcdef01234567/catalog-info.yaml',
      /pinned to commit 0123456789abcdef0123456789abcdef01234567, not a branch/,
    ],
    [
      'github-discovery:https://github.com/example-org',
      /a github-discovery location/,
    ],
    ['not a location ref', /a location the scaffolder cannot read/],
  ])('leaves %s to a person', (location, why) => {
    const found = locate(location);
    expect(found.type).toBe('elsewhere');
    expect(found).toMatchObject(location ? { location } : {});
    expect(found.type === 'elsewhere' && found.why).toMatch(why);
  });
});
