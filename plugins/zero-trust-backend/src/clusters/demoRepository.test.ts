import { ConfigReader } from '@backstage/config';
import {
  SourcedObject,
  analyze,
  buildClusterState,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { parseCertificates } from '@zero-trust/backstage-plugin-zero-trust-node';
import { seedRepository } from '@zero-trust/backstage-plugin-zero-trust-node/git';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../__fixtures__/catalog';
import { demoClusters, demoSeedDate } from '../__fixtures__/demoConfig';
import { readClusterConfigs } from '../config/clusterConfig';
import { gitReader } from './gitReader';
import { folderReader } from './SnapshotClusterSource';

/** A report without where its objects were written: the two trees lay them out apart. */
function withoutLocations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLocations);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'file' && k !== 'line')
        .map(([k, v]) => [k, withoutLocations(v)]),
    );
  }
  return value;
}

/**
 * The objects in one order, by kind, namespace and name: kustomize sorts what it renders,
 * so the two trees list the same objects in other orders.
 */
function inOneOrder(objects: SourcedObject[]): SourcedObject[] {
  const key = ({ object }: SourcedObject) => {
    const o = object as Record<string, any>;
    return `${o?.kind}/${o?.metadata?.namespace ?? ''}/${o?.metadata?.name}`;
  };
  return [...objects].sort((a, b) => key(a).localeCompare(key(b)));
}

// Seeding a repository, cloning it and rendering every Application's overlay with the
// real kustomize, once per cluster: a wide timeout for a loaded machine, not a speed check.
jest.setTimeout(120_000);

describe("the demo's GitOps repository (examples/gitops)", () => {
  let root: string;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-demo-repository-'));
  });
  afterAll(() => fs.rm(root, { recursive: true, force: true }));

  it('gives, read per cluster as app-config.yaml configures it, the same answers as the snapshots in examples/clusters', async () => {
    // Created as the demo's is at the first start, by the same function.
    const repository = path.join(root, 'gitops.git');
    await seedRepository({
      repository,
      from: path.join(repoRoot, 'examples/gitops'),
      branch: 'main',
      author: { name: 'Test', email: 'test@example.com' },
      date: demoSeedDate(),
    });
    const configs = readClusterConfigs(
      new ConfigReader({ zeroTrust: { clusters: demoClusters(repository) } }),
    );
    expect(configs.map(c => [c.name, c.kind])).toEqual([
      ['backend', 'git'],
      ['edge', 'git'],
      ['analytics', 'git'],
    ]);

    const fromRepository: SourcedObject[][] = [];
    const fromSnapshots: SourcedObject[][] = [];
    for (const config of configs) {
      if (config.kind !== 'git') throw new Error(`${config.name} is not git`);
      fromRepository.push((await gitReader(config.git).read()).objects);
      fromSnapshots.push(
        (
          await folderReader(
            path.join(repoRoot, 'examples/clusters', config.name),
          ).read()
        ).objects,
      );
    }
    const states = (read: SourcedObject[][]) =>
      read.map((objects, i) =>
        buildClusterState(configs[i].name, inOneOrder(objects), {
          parseCertificates,
        }),
      );
    const repositoryStates = states(fromRepository);

    // The mesh settings come from istiod's chart values in its Application, not a ConfigMap.
    expect(repositoryStates.map(s => s.mesh.trustDomain)).toEqual([
      'internal.example',
      'external.example',
      'analytics.example',
    ]);
    expect(repositoryStates[0].mesh).toMatchObject({
      trustDomainAliases: ['legacy.internal.example'],
      caCertificateTrustDomains: ['external.example'],
      skipValidateTrustDomain: false,
    });

    // The demo's certificates (scripts/demo-certificates.cjs): backend and edge trust the
    // shared demo root, each with a CA plugged in by a cert-manager Certificate; analytics
    // has only istiod's self-signed root, which neither of the others trusts.
    const [backend, edge, analytics] = repositoryStates;
    for (const state of [backend, edge]) {
      expect(state.trust?.roots.map(r => r.subject)).toContain(
        'O=zero-trust demo\nCN=zero-trust demo root CA',
      );
      expect(state.certificates?.ca).toMatchObject({
        kind: 'plugged-in',
        certificate: 'istio-system/cacerts',
      });
    }
    expect(analytics.trust?.roots.map(r => r.subject)).toEqual([
      'O=analytics.example',
    ]);
    expect(analytics.certificates?.ca.kind).toBe('istiod');

    const report = analyze(repositoryStates);
    expect(report.workloads.length).toBeGreaterThan(0);
    expect(report.findings.length).toBeGreaterThan(0);
    // The untrusted root: backend's orders-api-callers admits analytics' order-reports,
    // whose handshake fails first (ZT028), and orders-api's callers say so.
    expect(
      report.findings
        .filter(f => f.code === 'ZT028')
        .map(f => `${f.resource.cluster}/${f.resource.name}`),
    ).toEqual(['backend/orders-api-callers']);
    expect(
      report.workloads.find(w => w.name === 'orders-api')?.untrustedCallers,
    ).toEqual([
      expect.objectContaining({
        label: 'analytics/reporting/order-reports',
        reason: "cluster analytics's root is not trusted by cluster backend",
      }),
    ]);
    // The network layer too: ratings-ingress drops reviews, which ratings-allow admits.
    expect(
      report.findings
        .filter(f => f.code === 'ZT018')
        .map(f => `${f.resource.namespace}/${f.resource.name}`),
    ).toContain('bookinfo/ratings-ingress');
    // The edges too: the mesh settings' REGISTRY_ONLY, productpage exposed through the
    // ingress gateway, details' host through the egress gateway, reviews' retries.
    expect(repositoryStates[0].mesh.outboundTrafficPolicy).toBe(
      'REGISTRY_ONLY',
    );
    const workload = (name: string) =>
      report.workloads.find(w => w.cluster === 'backend' && w.name === name)!;
    expect(workload('productpage').exposure?.map(e => e.host)).toEqual([
      'bookinfo.apps.example.com',
    ]);
    // api.partners.example (edge's gateway, mesh to mesh), www.googleapis.com.
    expect(workload('details').egress?.hosts.map(h => h.how)).toEqual([
      'direct',
      'egress-gateway',
    ]);
    expect(workload('reviews-v1').routes?.[0].retries.attempts).toBe(3);
    // The dry-run policy is as old as the seed commit that added it: a rollout left half
    // done, as the snapshot's creationTimestamp says too.
    expect(
      report.findings
        .filter(f => f.code === 'ZT023')
        .map(f => `${f.resource.namespace}/${f.resource.name}`),
    ).toEqual(['orders/orders-api-no-reviews']);
    expect(withoutLocations(report)).toEqual(
      withoutLocations(analyze(states(fromSnapshots))),
    );
  });
});
