import { buildClusterState } from '../model/buildClusterState';
import { MeshModel } from '../engine/MeshModel';
import { detectFindings } from './detect';
import { findingCatalogue, findingCodes } from './catalogue';

/*
 * One row per finding: a small mesh that has the weakness, and the same mesh with it
 * fixed, so each detector is shown both to fire and to stay quiet.
 */

type Obj = Record<string, unknown>;

const ns = (
  name: string,
  labels: Record<string, string> = { 'istio-injection': 'enabled' },
): Obj => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});
const deploy = (
  namespace: string,
  name: string,
  extra: { labels?: Record<string, string>; sa?: string } = {},
): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: {
    template: {
      metadata: { labels: { app: name, ...extra.labels } },
      spec: {
        serviceAccountName: extra.sa ?? name,
        containers: [{ name, ports: [{ containerPort: 8080 }] }],
      },
    },
  },
});
const svc = (namespace: string, name: string, portName = 'http'): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { selector: { app: name }, ports: [{ name: portName, port: 8080 }] },
});
const pa = (
  namespace: string,
  name: string,
  spec: Obj,
  created?: string,
): Obj => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: {
    name,
    namespace,
    ...(created ? { creationTimestamp: created } : {}),
  },
  spec,
});
const ap = (namespace: string, name: string, spec: Obj): Obj => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name, namespace },
  spec,
});
const dr = (
  namespace: string,
  name: string,
  host: string,
  mode: string,
): Obj => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name, namespace },
  spec: { host, trafficPolicy: { tls: { mode } } },
});
const sa = (namespace: string, name: string): Obj => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace },
});

const strictMesh = pa('istio-system', 'default', { mtls: { mode: 'STRICT' } });
const allowNothing = (namespace: string) => ap(namespace, 'allow-nothing', {});
const allowFrom = (
  namespace: string,
  app: string,
  principals: string[],
  extra: Obj = {},
) =>
  ap(namespace, `${app}-allow`, {
    selector: { matchLabels: { app } },
    rules: [{ from: [{ source: { principals } }], ...extra }],
  });

/** A locked-down mesh: `shop/web` may call `shop/api`; nothing else. */
const base = (): Obj[] => [
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

function codes(objects: Obj[], clusters: Obj[][] = []): string[] {
  const states = [objects, ...clusters].map((objs, i) =>
    buildClusterState(
      i === 0 ? 'c1' : `c${i + 1}`,
      objs.map(object => ({ object })),
    ),
  );
  return detectFindings(new MeshModel(states)).map(f => f.code);
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
])('%s fires for its weakness', (code, objects) => {
  expect(codes(objects())).toContain(code);
});

it('accepts a principal of another known cluster and checks it exists there (ZT008, not ZT009)', () => {
  const edge = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'istio', namespace: 'istio-system' },
      data: { mesh: 'trustDomain: edge.example' },
    },
    ns('gw'),
    deploy('gw', 'gateway'),
  ];
  const known = replace(
    base(),
    'api-allow',
    allowFrom('shop', 'api', ['edge.example/ns/gw/sa/gateway']),
  );
  expect(codes(known, [edge])).not.toContain('ZT009');
  expect(codes(known, [edge])).not.toContain('ZT008');
  const missing = replace(
    base(),
    'api-allow',
    allowFrom('shop', 'api', ['edge.example/ns/gw/sa/nobody']),
  );
  expect(codes(missing, [edge])).toContain('ZT008');
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
    expect(def.docs).toMatch(/^https:\/\/istio\.io\//);
    expect(def.controls.length).toBeGreaterThan(0);
  }
});
