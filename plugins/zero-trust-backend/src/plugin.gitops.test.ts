import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type {
  ClustersResponse,
  NamespacesResponse,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  argoAppOfApps,
  argoRepoUrl,
  createGitRepository,
} from '@zero-trust/backstage-plugin-zero-trust-node/testing';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { catalogWithVisibility, demoEntities } from './__fixtures__/catalog';
import { zeroTrustPlugin } from './plugin';

// Starts a real backend that clones a real git repository and renders its kustomizations
// with the real kustomize: slow on a busy machine, not a speed check.
jest.setTimeout(120_000);

describe('GitOps clusters on /clusters', () => {
  let tmp: string;
  let repository: string;
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-plugin-gitops-'));
    // An Argo CD app of apps: istiod from a chart repository, one app from another
    // repository, a Helm chart folder beside the apps.
    repository = await createGitRepository(
      path.join(tmp, 'gitops'),
      argoAppOfApps,
      argoRepoUrl,
    );
  });
  afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

  async function startBackend() {
    const { server } = await startTestBackend({
      features: [
        zeroTrustPlugin,
        mockServices.rootConfig.factory({
          data: {
            zeroTrust: {
              clusters: [
                {
                  name: 'backend',
                  git: {
                    url: repository,
                    path: 'clusters/backend',
                    repoUrls: [argoRepoUrl],
                  },
                },
                // The Applications name the repository by its forge URL, which this
                // cluster is not told: none is followed, and no workload is found.
                {
                  name: 'unfollowed',
                  git: { url: repository, path: 'clusters/backend' },
                },
              ],
            },
          },
        }),
        catalogWithVisibility(demoEntities()),
      ],
    });
    return server;
  }

  it('says, as the cluster’s notes and caveats, what the read did not follow and that a cluster holds no workload', async () => {
    const server = await startBackend();
    const clusters = await request(server).get('/api/zero-trust/clusters');
    expect(clusters.status).toBe(200);
    const [backend, unfollowed] = (clusters.body as ClustersResponse).items;

    expect(backend.status.state).toBe('synced');
    expect(backend.summary?.workloads).toBeGreaterThan(0);
    // What Argo CD applies that the read leaves out, each once, files named as the
    // repository names them (not the backend's temporary checkout).
    expect(backend.status.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^not followed: .*chart istiod.*clusters\/backend\/apps\.yaml\): Helm charts are not rendered$/,
        ),
        expect.stringMatching(
          /^not followed: https:\/\/git\.example\/other\/billing\.git path deploy \(Application billing in clusters\/backend\/apps\.yaml\)$/,
        ),
      ]),
    );
    expect(JSON.stringify(backend.status.notes)).not.toContain(os.tmpdir());
    expect(backend.status.notes).not.toContainEqual(
      expect.stringMatching(/^no workload/),
    );

    expect(unfollowed.status.state).toBe('synced');
    expect(unfollowed.summary?.workloads).toBe(0);
    expect(unfollowed.status.notes).toContainEqual(
      expect.stringMatching(/path apps\/ratings\/overlays\/backend/),
    );
    expect(unfollowed.status.notes?.at(-1)).toBe(
      "no workload found in cluster unfollowed's manifests",
    );

    // Every answer computed from these clusters carries their notes as caveats.
    const namespaces = await request(server).get('/api/zero-trust/namespaces');
    expect(namespaces.status).toBe(200);
    const { caveats } = namespaces.body as NamespacesResponse;
    expect(caveats?.map(c => [c.cluster, c.state, c.message])).toEqual([
      [
        'backend',
        'synced',
        'cluster backend was read without some of its manifests: answers lack what the notes name',
      ],
      [
        'unfollowed',
        'synced',
        'cluster unfollowed was read without some of its manifests: answers lack what the notes name',
      ],
    ]);
    expect(caveats?.map(c => c.notes)).toEqual([
      backend.status.notes,
      unfollowed.status.notes,
    ]);
  });
});
