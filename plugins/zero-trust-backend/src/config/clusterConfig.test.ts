import { ConfigReader } from '@backstage/config';
import { readClusterConfigs } from './clusterConfig';

describe('readClusterConfigs', () => {
  it('reads snapshot, url, kubeconfig context and in-cluster clusters', () => {
    const config = new ConfigReader({
      zeroTrust: {
        clusters: [
          {
            name: 'a',
            snapshot: 'examples/clusters/backend',
            trustDomain: 'td.example',
          },
          {
            name: 'b',
            url: 'https://127.0.0.1:6443',
            serviceAccountToken: 't',
            caData: 'Y2E=',
            // What its GitOps controller applies: the tracker's desired state.
            gitops: { url: '../gitops.git', path: 'clusters/b' },
          },
          { name: 'c', context: 'kind-c', kubeconfig: '/tmp/kc' },
          { name: 'k', kubeconfig: '/tmp/kc' },
          { name: 'd', inCluster: true },
          { name: 'e', git: { url: '../gitops.git', path: 'clusters/e' } },
          {
            name: 'f',
            git: {
              url: '../gitops.git',
              path: 'clusters/f',
              repoUrls: ['https://git.example.com/platform/gitops.git'],
            },
          },
        ],
      },
      kubernetes: {
        clusterLocatorMethods: [
          { type: 'config', clusters: [{ name: 'ignored', url: 'x' }] },
        ],
      },
    });
    expect(readClusterConfigs(config)).toEqual([
      {
        name: 'a',
        trustDomain: 'td.example',
        kind: 'snapshot',
        path: 'examples/clusters/backend',
      },
      {
        name: 'b',
        trustDomain: undefined,
        kind: 'live',
        connection: expect.objectContaining({
          url: 'https://127.0.0.1:6443',
          serviceAccountToken: 't',
          caData: 'Y2E=',
        }),
        gitops: { url: '../gitops.git', branch: 'main', path: 'clusters/b' },
      },
      {
        name: 'c',
        trustDomain: undefined,
        kind: 'live',
        connection: expect.objectContaining({
          name: 'c',
          kubeconfig: { context: 'kind-c', path: '/tmp/kc' },
        }),
      },
      {
        name: 'k',
        trustDomain: undefined,
        kind: 'live',
        // No context: the kubeconfig's current-context.
        connection: expect.objectContaining({
          kubeconfig: { context: undefined, path: '/tmp/kc' },
        }),
      },
      {
        name: 'd',
        trustDomain: undefined,
        kind: 'live',
        connection: expect.objectContaining({ inCluster: true }),
      },
      {
        name: 'e',
        trustDomain: undefined,
        kind: 'git',
        git: { url: '../gitops.git', branch: 'main', path: 'clusters/e' },
        refreshSeconds: 30,
      },
      {
        name: 'f',
        trustDomain: undefined,
        kind: 'git',
        git: {
          url: '../gitops.git',
          branch: 'main',
          path: 'clusters/f',
          repoUrls: ['https://git.example.com/platform/gitops.git'],
        },
        refreshSeconds: 30,
      },
    ]);
  });

  it("falls back to the Kubernetes plugin's config clusters", () => {
    const config = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          { type: 'catalog' },
          {
            type: 'config',
            clusters: [
              {
                name: 'prod',
                url: 'https://prod:6443',
                serviceAccountToken: 's',
              },
              { name: 'gke', url: 'https://gke', authProvider: 'google' },
              { name: 'pod', url: 'https://kubernetes.default.svc' },
            ],
          },
        ],
      },
    });
    const clusters = readClusterConfigs(config);
    expect(clusters.map(c => [c.name, c.kind])).toEqual([
      ['prod', 'live'],
      ['gke', 'failed'],
      ['pod', 'live'],
    ]);
    expect(clusters[1]).toMatchObject({
      reason: expect.stringContaining("authProvider 'google'"),
    });
    expect(clusters[2]).toMatchObject({ connection: { inCluster: true } });
  });

  it.each([
    [
      { name: 'a' },
      "zeroTrust.clusters[1] (cluster 'a'): set exactly one of snapshot, git, url, kubeconfig (optionally with context) or inCluster",
    ],
    [{ name: 'a', snapshot: 'x', url: 'y' }, '(it has snapshot and url)'],
    [{ name: 'a', url: 'y', kubeconfig: 'k' }, '(it has url and kubeconfig)'],
    [{ name: 'Bad_Name', snapshot: 'x' }, 'DNS-1123'],
    [{ name: 'good', snapshot: 'y' }, 'taken by an earlier cluster'],
    [{ snapshot: 'x' }, 'zeroTrust.clusters[1].name'],
    [
      { name: 'a', snapshot: 'x', refreshSeconds: 'soon' },
      'zeroTrust.clusters[1].refreshSeconds',
    ],
    [{ name: 'a', git: { branch: 'main' } }, 'zeroTrust.clusters[1].git.url'],
  ])(
    'reports %j as failed, naming the key, and reads the good cluster beside it',
    (bad, message) => {
      const [good, failed] = readClusterConfigs(
        new ConfigReader({
          zeroTrust: { clusters: [{ name: 'good', snapshot: 'x' }, bad] },
        }),
      );
      expect(good).toMatchObject({ name: 'good', kind: 'snapshot' });
      expect(failed.kind).toBe('failed');
      expect(failed.kind === 'failed' && failed.reason).toContain(message);
    },
  );

  it('reads no clusters when nothing is configured', () => {
    expect(readClusterConfigs(new ConfigReader({}))).toEqual([]);
  });
});
