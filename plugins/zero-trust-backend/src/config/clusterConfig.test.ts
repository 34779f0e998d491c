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
          },
          { name: 'c', context: 'kind-c', kubeconfig: '/tmp/kc' },
          { name: 'd', inCluster: true },
          { name: 'e', git: { url: '../gitops.git', path: 'clusters/e' } },
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
      },
      {
        name: 'c',
        trustDomain: undefined,
        kind: 'live',
        connection: expect.objectContaining({
          kubeconfig: { context: 'kind-c', path: '/tmp/kc' },
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
      ['gke', 'unsupported'],
      ['pod', 'live'],
    ]);
    expect(clusters[1]).toMatchObject({
      reason: expect.stringContaining("authProvider 'google'"),
    });
    expect(clusters[2]).toMatchObject({ connection: { inCluster: true } });
  });

  it.each([
    [
      [{ name: 'a' }],
      'needs exactly one of snapshot, git, url, context or inCluster',
    ],
    [[{ name: 'a', snapshot: 'x', url: 'y' }], 'needs exactly one'],
    [[{ name: 'Bad_Name', snapshot: 'x' }], 'DNS-1123'],
    [
      [
        { name: 'a', snapshot: 'x' },
        { name: 'a', snapshot: 'y' },
      ],
      'configured twice',
    ],
  ])('rejects %j', (clusters, message) => {
    expect(() =>
      readClusterConfigs(new ConfigReader({ zeroTrust: { clusters } })),
    ).toThrow(message);
  });

  it('reads no clusters when nothing is configured', () => {
    expect(readClusterConfigs(new ConfigReader({}))).toEqual([]);
  });
});
