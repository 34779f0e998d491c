import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { ClustersResponse } from '@zero-trust/backstage-plugin-zero-trust-common';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  catalogWithVisibility,
  demoEntities,
  repoRoot,
} from './__fixtures__/catalog';
import { demoClusters } from './__fixtures__/demoConfig';
import { zeroTrustPlugin } from './plugin';

// Seeding and reading the repository run real git processes: more than jest's default
// 5 s on a busy machine.
jest.setTimeout(60_000);

describe('zero-trust backend, first start of the demo', () => {
  let root: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-first-start-'));
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('creates the GitOps repository before it first reads it: every git cluster is synced at once', async () => {
    // The demo's configuration on a fresh clone: .cache/gitops.git does not exist yet.
    const repository = path.join(root, '.cache/gitops.git');
    const { server } = await startTestBackend({
      features: [
        zeroTrustPlugin,
        mockServices.rootConfig.factory({
          data: {
            zeroTrust: {
              // app-config.yaml's clusters: both read from the repository.
              clusters: demoClusters(repository),
              gitops: {
                plainGit: {
                  url: repository,
                  seedFrom: path.join(repoRoot, 'examples/gitops'),
                },
              },
            },
          },
        }),
        catalogWithVisibility(demoEntities()),
      ],
    });
    const res = await request(server)
      .get('/api/zero-trust/clusters')
      .set({
        Authorization: mockCredentials.user.header('user:default/alice'),
      });
    expect(res.status).toBe(200);
    const { items }: ClustersResponse = res.body;
    expect(items.map(c => [c.name, c.status.state])).toEqual([
      ['backend', 'synced'],
      ['edge', 'synced'],
      ['analytics', 'synced'],
    ]);
    // Their Applications were followed into the repository's overlays: as many workloads
    // as the snapshot clusters hold (the backend's include the ingress and egress gateways).
    expect(items.map(c => c.summary?.workloads)).toEqual([10, 2, 1]);
    expect(
      (await fs.readdir(path.join(root, '.cache'))).filter(
        f => f !== 'gitops.git',
      ),
    ).toEqual([]);
  });
});
