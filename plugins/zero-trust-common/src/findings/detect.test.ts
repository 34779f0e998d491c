import {
  K8sObject,
  authorizationPolicy,
  deployment,
  destinationRule,
  injected,
  meshConfigMap,
  multiClusterModel,
  namespace,
  peerAuthentication,
  service,
} from '../__fixtures__/manifests';
import { findingWorkloads } from '../report/posture';
import { detectFindings } from './detect';
import { findingCatalogue, findingCodes } from './catalogue';

/*
 * One row per finding: a small mesh that has the weakness, and the same mesh with it
 * fixed, so each detector is shown both to fire and to stay quiet.
 */

type Obj = K8sObject;

const ns = (name: string, labels: Record<string, string> = injected) =>
  namespace(name, labels);
const deploy = (namespaceName: string, name: string) =>
  deployment(namespaceName, name, { sa: name, ports: [8080] });
const svc = (namespaceName: string, name: string, portName = 'http') =>
  service(namespaceName, name, { ports: [{ name: portName, port: 8080 }] });
const pa = (
  namespaceName: string,
  name: string,
  spec: Obj,
  created?: string,
) => ({
  ...peerAuthentication(namespaceName, name, { creationTimestamp: created }),
  spec,
});
const ap = authorizationPolicy;
const dr = (namespaceName: string, name: string, host: string, mode: string) =>
  destinationRule(namespaceName, name, {
    host,
    trafficPolicy: { tls: { mode } },
  });
const sa = (namespaceName: string, name: string): Obj => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: namespaceName },
});

const strictMesh = pa('istio-system', 'default', { mtls: { mode: 'STRICT' } });
const allowNothing = (where: string) => ap(where, 'allow-nothing', {});
const allowFrom = (
  where: string,
  app: string,
  principals: string[],
  extra: Obj = {},
) =>
  ap(where, `${app}-allow`, {
    selector: { matchLabels: { app } },
    rules: [{ from: [{ source: { principals } }], ...extra }],
  });

/** REGISTRY_ONLY: pods reach only registered hosts (Istio's default is ALLOW_ANY). */
const registryOnly = meshConfigMap(
  'cluster.local',
  [],
  'outboundTrafficPolicy:\n  mode: REGISTRY_ONLY',
);

/** A locked-down mesh: `shop/web` may call `shop/api`; nothing else. */
const base = (): Obj[] => [
  registryOnly,
  ns('shop'),
  sa('shop', 'web'),
  sa('shop', 'api'),
  deploy('shop', 'web'),
  deploy('shop', 'api'),
  svc('shop', 'web'),
  svc('shop', 'api'),
  strictMesh,
  allowNothing('shop'),
  allowFrom('shop', 'api', ['cluster.local/ns/shop/sa/web']),
  allowFrom('shop', 'web', ['cluster.local/ns/shop/sa/api']),
];

function codes(objects: Obj[], other?: Obj[]): string[] {
  const model = multiClusterModel(
    other ? { c1: objects, c2: other } : { c1: objects },
  );
  return detectFindings(model).map(f => f.code);
}

const replace = (objects: Obj[], name: string, next: Obj, kind = next.kind) =>
  objects.map(o =>
    o.kind === kind && (o.metadata as Obj).name === name ? next : o,
  );

it('finds nothing in the locked-down mesh', () => {
  expect(codes(base())).toEqual([]);
});

it.each<[string, () => Obj[]]>([
  ['ZT000', () => [...base(), ap('shop', 'typo', { action: 'FOO' })]],
  ['ZT001', () => replace(base(), 'shop', ns('shop', {}))],
  [
    'ZT002',
    () => [...base(), pa('shop', 'default', { mtls: { mode: 'PERMISSIVE' } })],
  ],
  [
    'ZT002',
    () => [
      ...base(),
      pa('shop', 'api', {
        selector: { matchLabels: { app: 'api' } },
        portLevelMtls: { 8080: { mode: 'PERMISSIVE' } },
      }),
    ],
  ],
  [
    'ZT003',
    () => [...base(), pa('shop', 'default', { mtls: { mode: 'DISABLE' } })],
  ],
  [
    'ZT004',
    () =>
      base().filter(
        o =>
          !['api-allow', 'allow-nothing'].includes(
            (o.metadata as Obj).name as string,
          ),
      ),
  ],
  [
    'ZT005',
    () =>
      replace(
        base(),
        'api-allow',
        ap('shop', 'api-allow', {
          selector: { matchLabels: { app: 'api' } },
          rules: [{ to: [{ operation: { methods: ['GET'] } }] }],
        }),
      ),
  ],
  [
    'ZT006',
    () => replace(base(), 'api-allow', allowFrom('shop', 'api', ['*'])),
  ],
  [
    'ZT006',
    () =>
      replace(
        base(),
        'api-allow',
        allowFrom('shop', 'api', ['cluster.local/*']),
      ),
  ],
  [
    'ZT007',
    () => [
      ...base(),
      pa('shop', 'default', { mtls: { mode: 'PERMISSIVE' } }),
      ap('shop', 'deny-legacy', {
        action: 'DENY',
        selector: { matchLabels: { app: 'api' } },
        rules: [{ from: [{ source: { namespaces: ['legacy'] } }] }],
      }),
    ],
  ],
  [
    'ZT008',
    () =>
      replace(
        base(),
        'api-allow',
        allowFrom('shop', 'api', ['cluster.local/ns/shop/sa/ghost']),
      ),
  ],
  [
    'ZT008',
    () =>
      replace(
        base(),
        'api-allow',
        allowFrom('shop', 'api', ['cluster.local/ns/nowhere/sa/web']),
      ),
  ],
  [
    'ZT009',
    () =>
      replace(
        base(),
        'api-allow',
        allowFrom('shop', 'api', ['stranger.example/ns/shop/sa/web']),
      ),
  ],
  [
    'ZT010',
    () => [
      ...base(),
      ap('shop', 'orphan', {
        selector: { matchLabels: { app: 'gone' } },
        rules: [{}],
      }),
    ],
  ],
  ['ZT011', () => [...base(), dr('shop', 'no-tls', 'api', 'DISABLE')]],
  [
    'ZT012',
    () => [
      ...replace(base(), 'api', svc('shop', 'api', 'tcp-db'), 'Service').filter(
        o => (o.metadata as Obj).name !== 'api-allow',
      ),
      allowFrom('shop', 'api', ['cluster.local/ns/shop/sa/web'], {
        to: [{ operation: { methods: ['GET'] } }],
      }),
    ],
  ],
  [
    'ZT013',
    () => base().filter(o => (o.metadata as Obj).name !== 'allow-nothing'),
  ],
  [
    'ZT014',
    () => [
      ...base(),
      pa('shop', 'a', { mtls: { mode: 'STRICT' } }, '2024-01-01T00:00:00Z'),
      pa('shop', 'b', { mtls: { mode: 'STRICT' } }, '2025-01-01T00:00:00Z'),
    ],
  ],
  [
    'ZT015',
    () => [
      ...replace(
        base(),
        'shop',
        ns('shop', { 'istio.io/dataplane-mode': 'ambient' }),
      ).filter(o => (o.metadata as Obj).name !== 'api-allow'),
      allowFrom('shop', 'api', ['cluster.local/ns/shop/sa/web'], {
        to: [{ operation: { paths: ['/v1/*'] } }],
      }),
    ],
  ],
  [
    'ZT016',
    () => [
      ...base(),
      ns('legacy', {}),
      deploy('legacy', 'billing'),
      svc('legacy', 'billing'),
      dr(
        'shop',
        'to-billing',
        'billing.legacy.svc.cluster.local',
        'ISTIO_MUTUAL',
      ),
    ],
  ],
  // edgeFindings.test.ts holds each of ZT035-ZT041's own table.
  ['ZT035', () => base().filter(o => o !== registryOnly)],
])('%s fires for its weakness', (code, objects) => {
  expect(codes(objects())).toContain(code);
});

it('names the workloads a DestinationRule affects, also from another namespace (ZT011)', () => {
  // A client namespace's rule toward shop's api host: it concerns shop/api, not the
  // namespace the rule lives in.
  const model = multiClusterModel({
    c1: [
      ...base(),
      ns('clients'),
      dr('clients', 'no-tls', 'api.shop.svc.cluster.local', 'DISABLE'),
    ],
  });
  const zt011 = detectFindings(model).filter(f => f.code === 'ZT011');
  expect(zt011).toEqual([
    expect.objectContaining({
      resource: expect.objectContaining({
        namespace: 'clients',
        name: 'no-tls',
      }),
      workloads: ['c1/shop/api'],
    }),
  ]);
  expect(zt011[0].workload).toBeUndefined();
  expect(findingWorkloads(zt011[0])).toEqual(['c1/shop/api']);
});

it('names the workloads outside the mesh that a DestinationRule sends mTLS to (ZT016), and stays quiet once they are in it', () => {
  const objects = (legacyLabels: Record<string, string>) => [
    ...base(),
    ns('legacy', legacyLabels),
    deploy('legacy', 'billing'),
    svc('legacy', 'billing'),
    // A mesh-wide rule for every host, as many meshes have.
    dr('istio-system', 'mesh-mtls', '*.local', 'ISTIO_MUTUAL'),
  ];
  const found = detectFindings(multiClusterModel({ c1: objects({}) })).filter(
    f => f.code === 'ZT016',
  );
  expect(found).toEqual([
    expect.objectContaining({
      resource: expect.objectContaining({
        kind: 'DestinationRule',
        namespace: 'istio-system',
        name: 'mesh-mtls',
      }),
      workloads: ['c1/legacy/billing'],
      message: expect.stringContaining('c1/legacy/billing is outside the mesh'),
    }),
  ]);
  expect(codes(objects(injected))).not.toContain('ZT016');
});

it('accepts a principal of another known cluster and checks it exists there (ZT008, not ZT009)', () => {
  const edge = [
    meshConfigMap('edge.example'),
    ns('gw'),
    deploy('gw', 'gateway'),
  ];
  const known = replace(
    base(),
    'api-allow',
    allowFrom('shop', 'api', ['edge.example/ns/gw/sa/gateway']),
  );
  expect(codes(known, edge)).not.toContain('ZT009');
  expect(codes(known, edge)).not.toContain('ZT008');
  const missing = replace(
    base(),
    'api-allow',
    allowFrom('shop', 'api', ['edge.example/ns/gw/sa/nobody']),
  );
  expect(codes(missing, edge)).toContain('ZT008');
});

it('does not flag workloads of the control plane namespace as outside the mesh', () => {
  expect(
    codes([
      ...base(),
      ns('istio-system', {}),
      deploy('istio-system', 'istiod'),
    ]),
  ).not.toContain('ZT001');
});

it('gives every finding its catalogue entry', () => {
  for (const code of findingCodes) {
    const def = findingCatalogue[code];
    expect(def.code).toBe(code);
    expect(def.remediation.length).toBeGreaterThan(20);
    // Istio's pages, Kubernetes' for the NetworkPolicy layer, cert-manager's for its Certificates.
    expect(def.docs).toMatch(
      /^https:\/\/(istio\.io|kubernetes\.io|cert-manager\.io)\//,
    );
    expect(def.controls.length).toBeGreaterThan(0);
  }
});

// https://istio.io/latest/docs/tasks/security/authorization/authz-dry-run/: a dry-run
// policy is a step of a rollout; one left in dry-run protects nothing.
describe('ZT023: a dry-run policy older than the rollout window', () => {
  const dryRun = (created: string) => ({
    ...allowFrom('shop', 'api', ['cluster.local/ns/shop/sa/web']),
    metadata: {
      name: 'api-next',
      namespace: 'shop',
      creationTimestamp: created,
      annotations: { 'istio.io/dry-run': 'true' },
    },
  });
  const now = Date.parse('2026-06-30T00:00:00Z');
  const found = (created: string, dryRunMaxAgeDays?: number) =>
    detectFindings(multiClusterModel({ c1: [...base(), dryRun(created)] }), {
      now,
      dryRunMaxAgeDays,
    }).filter(f => f.code === 'ZT023');

  it.each([
    ['2026-06-01T00:00:00Z', undefined, 1],
    ['2026-06-20T00:00:00Z', undefined, 0],
    ['2026-06-20T00:00:00Z', 7, 1],
    ['2026-06-29T00:00:00Z', 0, 1],
  ])('created %s, window %s days → %s finding', (created, days, count) => {
    expect(found(created, days)).toHaveLength(count);
  });

  it('says how long and names the policy', () => {
    expect(found('2026-06-01T00:00:00Z')[0]).toMatchObject({
      resource: {
        kind: 'AuthorizationPolicy',
        namespace: 'shop',
        name: 'api-next',
      },
      message: expect.stringMatching(/dry-run .* for 29 days, more than 14/),
    });
  });
});
