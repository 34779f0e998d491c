import {
  K8sObject,
  authorizationPolicy,
  deployment,
  injected,
  model,
  namespace,
  networkPolicy,
  peerAuthentication,
  service,
} from '../__fixtures__/manifests';
import { allowedCallers } from '../engine/callers';
import { networkVerdict } from '../engine/networkPolicy';
import { Finding, detectFindings } from './detect';

/*
 * One case per NetworkPolicy finding: a small cluster that has the weakness, and the
 * same cluster with it fixed, so each detector is shown both to fire and to stay quiet.
 */

const ambient = { 'istio.io/dataplane-mode': 'ambient' };
const app = (ns: string, name: string) => [
  deployment(ns, name, { ports: [8080], sa: name }),
  service(ns, name, { ports: [{ name: 'http', port: 8080 }] }),
];
const defaultDeny = (ns: string) =>
  networkPolicy(ns, 'default-deny', {
    podSelector: {},
    policyTypes: ['Ingress'],
  });
const admit = (ns: string, target: string, from: K8sObject[], ports = [8080]) =>
  networkPolicy(ns, `${target}-ingress`, {
    podSelector: { matchLabels: { app: target } },
    ingress: [{ from, ports: ports.map(port => ({ port })) }],
  });

function found(objects: K8sObject[], code: string) {
  return detectFindings(model(...objects)).filter(f => f.code === code);
}

describe('NetworkPolicy findings', () => {
  const shop = (...extra: K8sObject[]) => [
    namespace('shop', injected),
    ...app('shop', 'web'),
    ...app('shop', 'api'),
    defaultDeny('shop'),
    ...extra,
  ];

  it('ZT017: a namespace without a default-deny NetworkPolicy, in a cluster that uses them', () => {
    const objects = [
      ...shop(),
      namespace('other', injected),
      ...app('other', 'x'),
    ];
    expect(found(objects, 'ZT017').map(f => f.resource.name)).toEqual([
      'other',
    ]);
    expect(found([...objects, defaultDeny('other')], 'ZT017')).toEqual([]);
    // a cluster without any NetworkPolicy is not flagged namespace by namespace
    expect(
      found([namespace('other', injected), ...app('other', 'x')], 'ZT017'),
    ).toEqual([]);
  });

  it('ZT018: a caller Istio allows that a NetworkPolicy drops', () => {
    const broken = found(shop(), 'ZT018').filter(
      f => f.workload === 'c1/shop/api' && f.message.includes('c1/shop/web'),
    );
    expect(broken).toEqual([]); // Istio admits anyone here: the wide source is listed, not each pod
    const objects = [
      ...shop(),
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name: 'api-allow', namespace: 'shop' },
        spec: {
          selector: { matchLabels: { app: 'api' } },
          rules: [
            {
              from: [
                {
                  source: { principals: ['cluster.local/ns/shop/sa/web'] },
                },
              ],
            },
          ],
        },
      },
    ];
    const [finding] = found(objects, 'ZT018').filter(
      f => f.workload === 'c1/shop/api',
    );
    expect(finding).toMatchObject({
      severity: 'medium',
      resource: {
        kind: 'NetworkPolicy',
        namespace: 'shop',
        name: 'default-deny',
      },
    });
    expect(finding.message).toMatch(
      /c1\/shop\/web .*NetworkPolicy shop\/default-deny drops/,
    );
    const fixed = [
      ...objects,
      admit('shop', 'api', [{ podSelector: { matchLabels: { app: 'web' } } }]),
    ];
    expect(
      found(fixed, 'ZT018').filter(f => f.workload === 'c1/shop/api'),
    ).toEqual([]);
  });

  it("ZT018 reads the allowed callers it is given (analyze's) instead of computing them again", () => {
    const m = model(
      ...shop(),
      authorizationPolicy('shop', 'api-allow', {
        selector: { matchLabels: { app: 'api' } },
        rules: [
          {
            from: [
              { source: { principals: ['cluster.local/ns/shop/sa/web'] } },
            ],
          },
        ],
      }),
    );
    const callers = new Map(m.workloads.map(w => [w, allowedCallers(w, m)]));
    const zt018 = (findings: Finding[]) =>
      findings.filter(f => f.code === 'ZT018');
    expect(zt018(detectFindings(m))).not.toEqual([]);
    expect(detectFindings(m, { callers })).toEqual(detectFindings(m));
    // Given: used as they are (here emptied, so no broken path is left to report).
    const none = new Map(
      [...callers].map(([w, c]) => [w, { ...c, blockedByNetwork: [] }]),
    );
    expect(zt018(detectFindings(m, { callers: none }))).toEqual([]);
  });

  it('ZT019: a NetworkPolicy admitting callers outside the mesh to a PERMISSIVE workload', () => {
    const objects = (from: K8sObject[]) => [
      ...shop(admit('shop', 'api', from)),
      peerAuthentication('shop', 'api', {
        selector: { app: 'api' },
        mode: 'PERMISSIVE',
      }),
      namespace('legacy'),
      ...app('legacy', 'batch'),
    ];
    const open = found(objects([{ namespaceSelector: {} }]), 'ZT019');
    expect(open).toHaveLength(1);
    expect(open[0].message).toMatch(/admits c1\/legacy\/batch/);
    expect(
      found(objects([{ ipBlock: { cidr: '0.0.0.0/0' } }]), 'ZT019')[0].message,
    ).toMatch(/any address/);
    expect(
      found(
        objects([
          {
            namespaceSelector: {
              matchLabels: { 'kubernetes.io/metadata.name': 'shop' },
            },
          },
        ]),
        'ZT019',
      ),
    ).toEqual([]);
  });

  it('ZT019: names each admitted workload outside the mesh, in cluster order, whatever shares its labels', () => {
    const worker = { app: 'worker' };
    const batch = { team: 'batch' };
    const m = model(
      ...shop(
        networkPolicy('shop', 'api-ingress', {
          podSelector: { matchLabels: { app: 'api' } },
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: batch },
                  podSelector: { matchLabels: worker },
                },
              ],
              ports: [{ port: 8080 }],
            },
            // Every namespace, but not on the port the finding is about.
            { from: [{ namespaceSelector: {} }], ports: [{ port: 9090 }] },
          ],
        }),
      ),
      peerAuthentication('shop', 'api', {
        selector: { app: 'api' },
        mode: 'PERMISSIVE',
      }),
      namespace('legacy', batch),
      deployment('legacy', 'batch', { labels: worker, ports: [8080] }),
      deployment('legacy', 'report', { ports: [8080] }),
      namespace('jobs', batch),
      deployment('jobs', 'nightly', { labels: worker, ports: [8080] }),
      // The workers of jobs may send nothing.
      networkPolicy('jobs', 'worker-egress', {
        podSelector: { matchLabels: worker },
        policyTypes: ['Egress'],
      }),
      namespace('misc'),
      deployment('misc', 'stray', { labels: worker, ports: [8080] }),
      deployment('legacy', 'cron', { labels: worker, ports: [8080] }),
    );
    const api = m.workloads.find(w => w.id === 'c1/shop/api')!;
    // What the finding means, one verdict per workload.
    const admitted = m.workloads.filter(
      o =>
        !o.inMesh &&
        networkVerdict({ kind: 'workload', workload: o }, api, 8080)
          ?.decision === 'ALLOW',
    );
    expect(admitted.map(o => o.id)).toEqual([
      'c1/legacy/batch',
      'c1/legacy/cron',
    ]);
    const [zt019] = detectFindings(m).filter(f => f.code === 'ZT019');
    expect(zt019.message).toContain(
      'admits c1/legacy/batch, c1/legacy/cron, outside the mesh',
    );
  });

  it('ZT020: an ambient workload whose NetworkPolicies leave out 15008', () => {
    const objects = (ports: number[]) => [
      namespace('amb', ambient),
      ...app('amb', 'api'),
      admit('amb', 'api', [], ports),
    ];
    expect(found(objects([8080]), 'ZT020')).toEqual([
      expect.objectContaining({ workload: 'c1/amb/api', severity: 'high' }),
    ]);
    expect(found(objects([8080, 15008]), 'ZT020')).toEqual([]);
  });

  it('ZT021: an egress policy that blocks istiod or DNS', () => {
    const egress = (to: K8sObject[]) =>
      shop(
        networkPolicy('shop', 'egress', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [{ to: [{ podSelector: {} }] }, ...to],
        }),
      );
    const [blocked] = found(egress([]), 'ZT021');
    expect(blocked.message).toMatch(
      /block istiod \(TCP 15012\) and DNS \(UDP 53\)/,
    );
    const fixed = egress([
      {
        to: [
          {
            namespaceSelector: {
              matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' },
            },
          },
        ],
        ports: [{ port: 15012 }],
      },
      {
        to: [
          {
            namespaceSelector: {},
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          },
        ],
        ports: [{ port: 53, protocol: 'UDP' }],
      },
    ]);
    expect(found(fixed, 'ZT021')).toEqual([]);
  });

  it('ZT022: a Cilium or Calico policy, not read, is named', () => {
    const objects = shop({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'l7', namespace: 'shop' },
      spec: {},
    });
    expect(found(objects, 'ZT022')).toEqual([
      expect.objectContaining({
        resource: {
          cluster: 'c1',
          kind: 'CiliumNetworkPolicy',
          namespace: 'shop',
          name: 'l7',
        },
        severity: 'low',
        message:
          'CiliumNetworkPolicy shop/l7 is not read: answers here leave out what it allows or drops.',
      }),
    ]);
    // Calico's NetworkPolicy shares its kind with Kubernetes': the message names Calico.
    expect(
      found(
        shop({
          apiVersion: 'projectcalico.org/v3',
          kind: 'NetworkPolicy',
          metadata: { name: 'l4', namespace: 'shop' },
          spec: {},
        }),
        'ZT022',
      ).map(f => f.message),
    ).toEqual([
      'Calico NetworkPolicy shop/l4 is not read: answers here leave out what it allows or drops.',
    ]);
    expect(found(shop(), 'ZT022')).toEqual([]);
  });
});
