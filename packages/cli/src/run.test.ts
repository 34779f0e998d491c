import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadManifests } from '@zero-trust/backstage-plugin-zero-trust-node';
import { TestCertificates } from '@zero-trust/backstage-plugin-zero-trust-node/testing';
import { cli } from './__testUtils__/cli';

// Loads real snapshots and runs whole commands: slow on a busy machine.
jest.setTimeout(60_000);

const repoRoot = path.resolve(__dirname, '../../..');
const backend = path.join(repoRoot, 'examples/clusters/backend');
const edge = path.join(repoRoot, 'examples/clusters/edge');
const analytics = path.join(repoRoot, 'examples/clusters/analytics');

let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'zero-trust-cli-'));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function copySnapshot(from: string, to: string) {
  await fs.cp(from, to, { recursive: true });
}

describe('analyze', () => {
  it('reports identity, mTLS, callers and findings for the demo cluster', async () => {
    const { code, stdout } = await cli('analyze', backend, '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.clusters).toEqual([
      expect.objectContaining({
        name: 'default',
        trustDomain: 'internal.example',
        trustDomainAliases: ['legacy.internal.example'],
      }),
    ]);
    const byName = (name: string) =>
      report.workloads.find((w: any) => w.name === name);
    expect(byName('productpage')).toMatchObject({
      cluster: 'default',
      namespace: 'bookinfo',
      serviceAccount: 'bookinfo-productpage',
      meshMode: 'sidecar',
      identity: 'spiffe://internal.example/ns/bookinfo/sa/bookinfo-productpage',
      trustDomain: 'internal.example',
      mtls: { mode: 'STRICT', decidedBy: 'istio-system/default' },
    });
    expect(byName('reviews-v1').allowedCallers).toEqual([
      expect.objectContaining({
        source: expect.objectContaining({
          kind: 'workload',
          workload: 'default/bookinfo/productpage',
        }),
        decision: 'CONDITIONAL',
        admittedBy: [{ policy: 'bookinfo/reviews-allow', rule: 0 }],
        narrowing: { methods: ['GET'] },
      }),
    ]);
    expect(byName('identity-api')).toMatchObject({
      meshMode: 'sidecar',
      revision: '1-24',
      mtls: { mode: 'PERMISSIVE', decidedBy: 'identity/default' },
    });
    expect(byName('inventory-api')).toMatchObject({
      meshMode: 'none',
      identity: null,
    });

    const codes = report.findings.map(
      (f: any) => `${f.code} ${f.resource.namespace ?? ''}/${f.resource.name}`,
    );
    expect(codes).toEqual(
      expect.arrayContaining([
        'ZT001 inventory/inventory-api',
        'ZT002 identity/identity-api',
        'ZT006 identity/identity-api-callers',
        'ZT007 identity/deny-legacy',
        'ZT013 /identity',
      ]),
    );
    for (const f of report.findings) {
      expect(f).toEqual(
        expect.objectContaining({
          code: expect.stringMatching(/^ZT\d{3}$/),
          severity: expect.stringMatching(/^(high|medium|low)$/),
          message: expect.any(String),
          remediation: expect.any(String),
        }),
      );
    }
    // bookinfo is locked down: no finding about its namespace baseline.
    expect(codes).not.toContain('ZT013 /bookinfo');
  });

  it("shows the demo's edges: productpage exposed through the ingress gateway, details' egress through the egress gateway, reviews' retries", async () => {
    const { code, stdout } = await cli('analyze', backend, '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const byName = (name: string) =>
      report.workloads.find((w: any) => w.name === name);

    // examples/clusters/backend/gateways.yaml and bookinfo-edges.yaml.
    expect(byName('productpage').exposure).toEqual([
      {
        gateway: 'istio-system/apps-gateway',
        gatewayWorkloads: ['default/istio-system/istio-ingressgateway'],
        host: 'bookinfo.apps.example.com',
        port: 443,
        protocol: 'HTTPS',
        tls: 'SIMPLE',
        virtualService: 'bookinfo/productpage-public',
        match: ['uri prefix /'],
        service: 'bookinfo/productpage',
        // Its own, and the mesh-wide one of the root namespace.
        gatewayPolicies: [
          'istio-system/ingress-gateway-public',
          'istio-system/allow-metrics',
        ],
        reach: {
          from: 'outside',
          services: ['istio-system/istio-ingressgateway (LoadBalancer)'],
        },
      },
    ]);
    // The egress gateway's Gateway server (googleapis-egress) takes the mesh's own
    // traffic bound out, behind a ClusterIP Service: no way in.
    for (const name of [
      'reviews-v1',
      'ratings',
      'identity-api',
      'istio-egressgateway',
    ]) {
      expect(byName(name).exposure).toBeUndefined();
    }

    // The mesh is REGISTRY_ONLY; www.googleapis.com is registered for bookinfo and
    // routed through the egress gateway.
    const egress = {
      outboundTrafficPolicy: 'REGISTRY_ONLY',
      decidedBy: 'mesh config',
      anyHost: false,
    };
    const partners = {
      host: 'api.partners.example',
      ports: [{ number: 8443, protocol: 'HTTPS' }],
      serviceEntry: 'bookinfo/partners',
      how: 'direct',
      tlsOrigination: {
        by: 'sidecar',
        mode: 'ISTIO_MUTUAL',
        destinationRule: 'bookinfo/partners-mtls',
        ports: [8443],
      },
    };
    expect(byName('details').egress).toEqual({
      ...egress,
      hosts: [
        partners,
        {
          host: 'www.googleapis.com',
          ports: [{ number: 443, protocol: 'TLS' }],
          serviceEntry: 'bookinfo/googleapis',
          how: 'egress-gateway',
          via: {
            host: 'istio-egressgateway.istio-system.svc.cluster.local',
            virtualService: 'bookinfo/googleapis-through-egress-gateway',
          },
        },
      ],
    });
    // Exported to bookinfo and istio-system only: identity reaches no external host.
    expect(byName('identity-api').egress).toEqual({ ...egress, hosts: [] });

    // reviews: 30 s overall, 3 attempts of 10 s, and its DestinationRule's ejection;
    // ratings keeps Istio's defaults.
    expect(byName('reviews-v1').routes).toEqual([
      {
        host: 'reviews.bookinfo.svc.cluster.local',
        virtualService: 'bookinfo/reviews',
        timeout: '30s',
        retries: {
          attempts: 3,
          perTryTimeout: '10s',
          retryOn: '5xx,reset,connect-failure',
        },
        outlierDetection: {
          consecutive5xxErrors: 5,
          interval: '30s',
          baseEjectionTime: '60s',
          maxEjectionPercent: 50,
          destinationRule: 'bookinfo/reviews',
        },
      },
    ]);
    expect(byName('ratings').routes).toEqual([
      expect.objectContaining({
        timeout: null,
        retries: expect.objectContaining({ attempts: 2, istioDefault: true }),
      }),
    ]);
  });

  it("shows the demo's mesh-to-mesh path: backend's bookinfo reaching edge's gateway, mTLS end to end", async () => {
    const { code, stdout } = await cli(
      'analyze',
      '--cluster',
      `backend=${backend}`,
      '--cluster',
      `edge=${path.join(path.dirname(backend), 'edge')}`,
      '--format',
      'json',
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const find = (cluster: string, name: string) =>
      report.workloads.find(
        (w: any) => w.cluster === cluster && w.name === name,
      );
    const [path_] = find('backend', 'details').egress.hosts.find(
      (h: any) => h.host === 'api.partners.example',
    ).meshPaths;
    expect(path_).toMatchObject({
      origination: {
        by: 'sidecar',
        mode: 'ISTIO_MUTUAL',
        certificate:
          "cluster backend's mesh CA (spiffe://internal.example/ns/bookinfo/sa/bookinfo-details)",
      },
      server: {
        cluster: 'edge',
        gateway: 'edge/partners-mesh',
        gatewayWorkloads: ['edge/edge/edge-gateway'],
        port: 8443,
        tls: 'ISTIO_MUTUAL',
        service: 'partners/partner-api',
      },
      mtls: true,
    });
    // The server's end: partner-api's way in names backend's clients.
    const [way] = find('edge', 'partner-api').exposure;
    expect(way.meshClients.map((p: any) => p.client.workload)).toContain(
      'backend/bookinfo/details',
    );
    expect(report.findings.map((f: any) => f.code)).not.toContain('ZT043');
  });

  it('prints a table by default', async () => {
    const { code, stdout } = await cli('analyze', backend);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^CLUSTER\s+NAMESPACE\s+WORKLOAD\s+MESH/);
    expect(stdout).toContain(
      'spiffe://internal.example/ns/bookinfo/sa/bookinfo-reviews',
    );
    expect(stdout).toMatch(/HIGH\s+ZT001/);
  });

  it('exits 3 when a finding reaches --fail-on, and 0 when none does', async () => {
    expect((await cli('analyze', backend, '--fail-on', 'high')).code).toBe(3);
    const clean = path.join(tmp, 'clean.yaml');
    await fs.writeFile(
      clean,
      stringify({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'empty' },
      }),
    );
    expect((await cli('analyze', clean, '--fail-on', 'low')).code).toBe(0);
  });

  it('reads a `kubectl get -A -o yaml` dump (kind: List) like the folder', async () => {
    const objects = (await loadManifests(backend)).map(o => o.object as any);
    const pods = objects
      .filter(o => o.kind === 'Deployment')
      .map(d => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${d.metadata.name}-7d4b9c6f5-abcde`,
          namespace: d.metadata.namespace,
          labels: d.spec.template.metadata.labels,
          ownerReferences: [
            {
              kind: 'ReplicaSet',
              name: `${d.metadata.name}-7d4b9c6f5`,
              controller: true,
            },
          ],
        },
        spec: d.spec.template.spec,
        status: { phase: 'Running' },
      }));
    const dump = path.join(tmp, 'dump.yaml');
    await fs.writeFile(
      dump,
      stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [...objects, ...pods],
        metadata: { resourceVersion: '' },
      }),
    );
    const fromDump = JSON.parse(
      (await cli('analyze', dump, '--format', 'json')).stdout,
    );
    const fromFolder = JSON.parse(
      (await cli('analyze', backend, '--format', 'json')).stdout,
    );
    expect(fromDump.workloads).toHaveLength(fromFolder.workloads.length);
    expect(fromDump).toEqual(fromFolder);
  });

  it('reports an object Istio would reject and still analyses the rest', async () => {
    await copySnapshot(backend, path.join(tmp, 'snap'));
    await fs.writeFile(
      path.join(tmp, 'snap', 'broken.yaml'),
      stringify({
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name: 'typo', namespace: 'bookinfo' },
        spec: { action: 'FOO', rules: [{}] },
      }),
    );
    const { code, stdout } = await cli(
      'analyze',
      path.join(tmp, 'snap'),
      '--format',
      'json',
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const invalid = report.findings.filter((f: any) => f.code === 'ZT000');
    expect(invalid).toHaveLength(1);
    expect(invalid[0].resource).toMatchObject({
      kind: 'AuthorizationPolicy',
      namespace: 'bookinfo',
      name: 'typo',
    });
    expect(invalid[0].message).toContain(
      '"spec.action" must be one of ALLOW, DENY, AUDIT, CUSTOM, not "FOO"',
    );
    expect(report.workloads.length).toBeGreaterThan(5);
  });
});

describe('check', () => {
  it('answers one query as JSON', async () => {
    const { code, stdout } = await cli(
      'check',
      backend,
      '--from',
      'bookinfo/productpage',
      '--to',
      'bookinfo/reviews-v1',
      '--port',
      '9080',
      '--method',
      'GET',
      '--format',
      'json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      from: 'bookinfo/productpage',
      to: 'bookinfo/reviews-v1',
      port: 9080,
      method: 'GET',
      decision: 'ALLOW',
      mtls: true,
      reason: expect.stringContaining('bookinfo/reviews-allow'),
      policies: ['bookinfo/reviews-allow'],
    });
  });

  it('answers for a Service: the workloads it selects, once where they agree', async () => {
    const { code, stdout } = await cli(
      'check',
      backend,
      '--from',
      'bookinfo/productpage',
      '--to',
      'bookinfo/reviews',
      '--port',
      '9080',
      '--method',
      'GET',
      '--format',
      'json',
    );
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({
      from: 'bookinfo/productpage',
      to: 'bookinfo/reviews',
      decision: 'ALLOW',
      mtls: true,
      policies: ['bookinfo/reviews-allow'],
      services: { to: { service: 'default/bookinfo/reviews' } },
    });
    expect(result.services.to.workloads).toContain(
      'default/bookinfo/reviews-v1',
    );
    expect(result.answers).toBeUndefined();
  });

  it('names the closest names for an unknown one, in one line, exit 2', async () => {
    const { code, stdout, stderr } = await cli(
      'check',
      backend,
      '--from',
      'bookinfo/productpage',
      '--to',
      'bookinfo/reveiws',
    );
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^zero-trust check: no workload bookinfo\/reveiws, nor a Service or ServiceEntry of that name; closest: bookinfo\/reviews\b.*\n$/,
    );
    expect(stderr.split('\n')).toHaveLength(2);
  });

  it.each([
    ['bookinfo/ratings', 'bookinfo/reviews-v1', 'DENY', true],
    ['plaintext', 'bookinfo/reviews-v1', 'DENY', false],
    // Istio alone would allow it (no proxy): the network's default deny drops it.
    ['bookinfo/productpage', 'inventory/inventory-api', 'DENY', false],
    [
      'principal:internal.example/ns/bookinfo/sa/bookinfo-productpage',
      'bookinfo/reviews-v1',
      'ALLOW',
      true,
    ],
  ])('%s -> %s is %s (mtls %s)', async (from, to, decision, mtls) => {
    const { stdout } = await cli(
      'check',
      backend,
      '--from',
      from,
      '--to',
      to,
      '--method',
      'GET',
      '--path',
      '/',
      '--format',
      'json',
    );
    expect(JSON.parse(stdout)).toMatchObject({ decision, mtls });
  });

  it('answers a queries file in order', async () => {
    const queries = path.join(tmp, 'q.json');
    await fs.writeFile(
      queries,
      JSON.stringify([
        {
          from: 'bookinfo/reviews-v1',
          to: 'bookinfo/ratings',
          port: 9080,
          method: 'GET',
          path: '/ratings/1',
        },
        {
          from: 'bookinfo/reviews-v1',
          to: 'bookinfo/ratings',
          port: 9080,
          method: 'GET',
          path: '/admin',
        },
        { from: 'bookinfo/reviews-v1', to: 'bookinfo/ratings', port: 9080 },
      ]),
    );
    const { code, stdout } = await cli(
      'check',
      backend,
      '--queries',
      queries,
      '--format',
      'json',
    );
    expect(code).toBe(0);
    const answers = JSON.parse(stdout);
    // NetworkPolicy bookinfo/ratings-ingress admits only productpage's pods: every call
    // from reviews is dropped by the network, whatever Istio would answer, and the
    // reason still says what Istio alone would (ALLOW, DENY, CONDITIONAL, in order).
    expect(answers.map((r: any) => [r.decision, r.network])).toEqual(
      Array(3).fill([
        'DENY',
        { decision: 'DENY', policies: ['bookinfo/ratings-ingress'] },
      ]),
    );
    expect(answers.map((r: any) => r.reason)).toEqual([
      expect.stringContaining('though Istio alone would allow it: allowed by'),
      expect.stringMatching(/^no rule of the 3 ALLOW policies matches/),
      expect.stringContaining(
        'though Istio alone would allow it conditionally',
      ),
    ]);
  });

  it('answers with both layers on the demo: the network drops what Istio allows, and the reverse', async () => {
    const ask = async (from: string, to: string) =>
      JSON.parse(
        (
          await cli(
            'check',
            backend,
            '--from',
            from,
            '--to',
            to,
            '--method',
            'GET',
            '--path',
            '/ratings/1',
            '--format',
            'json',
          )
        ).stdout,
      );
    // Istio admits reviews; the NetworkPolicy does not.
    expect(await ask('bookinfo/reviews-v1', 'bookinfo/ratings')).toMatchObject({
      decision: 'DENY',
      policies: ['bookinfo/ratings-allow'],
      network: { decision: 'DENY', policies: ['bookinfo/ratings-ingress'] },
    });
    // The NetworkPolicy admits productpage; Istio does not.
    const productpage = await ask('bookinfo/productpage', 'bookinfo/ratings');
    expect(productpage).toMatchObject({
      decision: 'DENY',
      network: { decision: 'ALLOW', policies: ['bookinfo/ratings-ingress'] },
    });
    expect(productpage.reason).toMatch(
      /^no rule of the 3 ALLOW policies matches/,
    );
    // inventory's default deny drops every caller of inventory-api.
    expect(
      await ask('bookinfo/productpage', 'inventory/inventory-api'),
    ).toMatchObject({
      decision: 'DENY',
      network: {
        decision: 'DENY',
        policies: ['inventory/default-deny-ingress'],
      },
    });
  });

  it('follows callers across clusters with their own trust domains', async () => {
    const args = [
      '--cluster',
      `backend=${backend}`,
      '--cluster',
      `edge=${edge}`,
      '--format',
      'json',
    ];
    const ok = await cli(
      'check',
      ...args,
      '--from',
      'edge/edge/edge-gateway',
      '--to',
      'backend/bookinfo/productpage',
      '--port',
      '9080',
      '--method',
      'GET',
    );
    expect(JSON.parse(ok.stdout)).toMatchObject({
      decision: 'ALLOW',
      mtls: true,
      policies: ['bookinfo/productpage-viewer'],
    });
    const post = await cli(
      'check',
      ...args,
      '--from',
      'edge/edge/edge-gateway',
      '--to',
      'backend/bookinfo/productpage',
      '--port',
      '9080',
      '--method',
      'POST',
    );
    expect(JSON.parse(post.stdout)).toMatchObject({ decision: 'DENY' });
  });

  it("refuses the demo's analytics caller, whose root backend does not trust, though a policy admits it", async () => {
    // The demo's three clusters as committed: analytics' istiod signs with its own
    // self-signed root; backend's orders-api-callers admits analytics' order-reports.
    const query = (format: string) =>
      cli(
        'check',
        '--cluster',
        `backend=${backend}`,
        '--cluster',
        `edge=${edge}`,
        '--cluster',
        `analytics=${analytics}`,
        '--from',
        'analytics/reporting/order-reports',
        '--to',
        'backend/orders/orders-api',
        '--port',
        '8080',
        '--method',
        'GET',
        '--path',
        '/api/orders/42',
        '--format',
        format,
      );
    const json = await query('json');
    expect(json.code).toBe(0);
    const answer = JSON.parse(json.stdout);
    expect(answer).toMatchObject({
      from: 'analytics/reporting/order-reports',
      to: 'backend/orders/orders-api',
      port: 8080,
      method: 'GET',
      path: '/api/orders/42',
      decision: 'DENY',
      mtls: false,
      policies: [],
    });
    expect(answer.reason).toContain(
      "cluster analytics's root is not trusted by cluster backend",
    );
    const text = await query('text');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^DENY\s/);
    expect(text.stdout).toContain(
      "cluster analytics's root is not trusted by cluster backend",
    );
    // The same caller from a cluster sharing backend's root gets through the handshake
    // to the policies: edge-gateway, named by none of orders-api's rules, is denied by them.
    const edgeCaller = await cli(
      'check',
      '--cluster',
      `backend=${backend}`,
      '--cluster',
      `edge=${edge}`,
      '--cluster',
      `analytics=${analytics}`,
      '--from',
      'edge/edge/edge-gateway',
      '--to',
      'backend/orders/orders-api',
      '--port',
      '8080',
      '--format',
      'json',
    );
    const refused = JSON.parse(edgeCaller.stdout);
    expect(refused.decision).toBe('DENY');
    expect(refused.reason).not.toContain('root is not trusted');

    // analyze: the policy admitting it is flagged, and so is analytics' self-signed CA.
    const report = await cli(
      'analyze',
      '--cluster',
      `backend=${backend}`,
      '--cluster',
      `edge=${edge}`,
      '--cluster',
      `analytics=${analytics}`,
      '--format',
      'json',
    );
    const findings = JSON.parse(report.stdout).findings;
    expect(
      findings
        .filter((f: any) => ['ZT028', 'ZT030'].includes(f.code))
        .map((f: any) => [f.code, f.resource.cluster, f.resource.name])
        .sort(),
    ).toEqual([
      ['ZT028', 'backend', 'orders-api-callers'],
      ['ZT030', 'analytics', 'istio-ca-root-cert'],
    ]);
  });

  it('refuses a caller from a cluster whose root the server does not trust', async () => {
    const pki = await TestCertificates.create();
    try {
      const shared = await pki.root('demo root');
      const other = await pki.root('edge istiod', { trustDomain: 'edge' });
      const withRoot = async (name: string, from: string, pem: string) => {
        const dir = path.join(tmp, name);
        await copySnapshot(from, dir);
        // In place of the demo's own certificates.yaml (its istio-ca-root-cert).
        await fs.writeFile(
          path.join(dir, 'certificates.yaml'),
          stringify({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'istio-ca-root-cert', namespace: 'istio-system' },
            data: { 'root-cert.pem': pem },
          }),
        );
        return dir;
      };
      const backendDir = await withRoot('backend', backend, shared.pem);
      const query = (edgeDir: string) =>
        cli(
          'check',
          '--cluster',
          `backend=${backendDir}`,
          '--cluster',
          `edge=${edgeDir}`,
          '--from',
          'edge/edge/edge-gateway',
          '--to',
          'backend/bookinfo/productpage',
          '--port',
          '9080',
          '--method',
          'GET',
          '--format',
          'json',
        );
      const untrusted = await query(await withRoot('edge', edge, other.pem));
      expect(untrusted.code).toBe(0);
      const answer = JSON.parse(untrusted.stdout);
      expect(answer).toMatchObject({ decision: 'DENY', mtls: false });
      expect(answer.reason).toContain(
        "cluster edge's root is not trusted by cluster backend",
      );
      const trusted = await query(
        await withRoot('edge-shared', edge, shared.pem),
      );
      expect(JSON.parse(trusted.stdout)).toMatchObject({
        decision: 'ALLOW',
        mtls: true,
      });
    } finally {
      await pki.cleanup();
    }
  });
});

describe('diff', () => {
  it('shows callers and findings a change introduces or resolves', async () => {
    const base = path.join(tmp, 'base');
    const head = path.join(tmp, 'head');
    await copySnapshot(backend, base);
    await copySnapshot(backend, head);
    const identity = path.join(head, 'identity.yaml');
    const text = await fs.readFile(identity, 'utf8');
    await fs.writeFile(
      identity,
      text.replace('mode: PERMISSIVE', 'mode: STRICT'),
    );

    const json = await cli('diff', base, head, '--format', 'json');
    expect(json.code).toBe(0);
    const diff = JSON.parse(json.stdout);
    expect(diff.workloads).toEqual([
      expect.objectContaining({
        workload: 'default/identity/identity-api',
        change: 'changed',
        mtls: { before: 'PERMISSIVE', after: 'STRICT' },
      }),
    ]);
    expect(diff.findingsResolved.map((f: any) => f.code)).toEqual(
      expect.arrayContaining(['ZT002', 'ZT007']),
    );
    expect(diff.findingsIntroduced).toEqual([]);

    const markdown = await cli('diff', base, head);
    expect(markdown.stdout).toContain('## Zero-trust review');
    expect(markdown.stdout).toContain('### Findings resolved');
    expect(markdown.stdout).toContain('mTLS: PERMISSIVE → STRICT');
    // --fail-on applies to introduced findings only.
    expect((await cli('diff', base, head, '--fail-on', 'low')).code).toBe(0);
    expect((await cli('diff', head, base, '--fail-on', 'high')).code).toBe(3);
  });
});

describe('bad input', () => {
  it('names the file and line of malformed YAML, exit 2', async () => {
    const bad = path.join(tmp, 'bad.yaml');
    await fs.writeFile(
      bad,
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [oops\n',
    );
    const { code, stderr, stdout } = await cli('analyze', bad);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(
      new RegExp(
        `${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: malformed YAML`,
      ),
    );
  });

  it.each([
    [
      ['analyze', '/no/such/folder'],
      /cannot read \/no\/such\/folder: no such file or folder/,
    ],
    [
      ['analyze', 'PATH', '--format', 'xml'],
      /--format must be one of json, table, sarif, not "xml"/,
    ],
    [['analyze', 'PATH', '--bogus'], /Unknown option '--bogus'/],
    [['check', 'PATH', '--from', 'a/b'], /check needs --from and --to/],
    [
      [
        'check',
        'PATH',
        '--from',
        'bookinfo/productpage',
        '--to',
        'bookinfo/reviews-v1',
        '--port',
        '70000',
      ],
      /port number from 1 to 65535/,
    ],
    [
      [
        'check',
        'PATH',
        '--from',
        'bookinfo/nobody',
        '--to',
        'bookinfo/reviews-v1',
      ],
      /no workload bookinfo\/nobody/,
    ],
    [
      [
        'check',
        'PATH',
        '--from',
        'principal:not-a-principal',
        '--to',
        'bookinfo/reviews-v1',
      ],
      /is not a principal/,
    ],
    [['diff', 'PATH'], /diff takes two snapshots/],
    [['analyze', '--cluster', 'Bad_Name=x'], /must be a DNS label/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('%j fails with exit 2 and a clear line', async (argv, message) => {
    const args = (argv as string[]).map(a => (a === 'PATH' ? backend : a));
    const { code, stderr } = await cli(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message as RegExp);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects a queries file with unknown fields', async () => {
    const queries = path.join(tmp, 'q.json');
    await fs.writeFile(
      queries,
      JSON.stringify([
        { from: 'plaintext', to: 'bookinfo/ratings', verb: 'GET' },
      ]),
    );
    const { code, stderr } = await cli('check', backend, '--queries', queries);
    expect(code).toBe(2);
    expect(stderr).toContain('has unknown field "verb"');
  });

  it('names the line where a queries file stops being JSON', async () => {
    const queries = path.join(tmp, 'q.json');
    await fs.writeFile(
      queries,
      '[\n  { "from": "plaintext", "to": "bookinfo/ratings" },\n  { "from": }\n]\n',
    );
    const { code, stderr } = await cli('check', backend, '--queries', queries);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `zero-trust check: ${queries}:3: not valid JSON: unexpected "}" at column 13\n`,
    );
  });

  it('asks for a full reference where a workload name exists in several clusters', async () => {
    const { code, stderr } = await cli(
      'check',
      '--cluster',
      `a=${backend}`,
      '--cluster',
      `b=${backend}`,
      '--from',
      'plaintext',
      '--to',
      'bookinfo/ratings',
    );
    expect(code).toBe(2);
    expect(stderr).toContain(
      'bookinfo/ratings exists in clusters a, b: use CLUSTER/NAMESPACE/NAME',
    );
  });
});

describe('help', () => {
  it('prints usage for the tool and each command', async () => {
    expect(await cli('--help')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('Commands:'),
    });
    for (const command of ['check', 'analyze', 'diff']) {
      const { code, stdout } = await cli(command, '--help');
      expect(code).toBe(0);
      expect(stdout).toContain(`zero-trust ${command}`);
    }
    expect((await cli()).code).toBe(2);
  });
});
