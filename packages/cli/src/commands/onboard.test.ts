import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  MeshModel,
  check,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { loadClusterSnapshot } from '@zero-trust/backstage-plugin-zero-trust-node';
import { cli } from '../__testUtils__/cli';
import { jsonErrorOffset } from '../jsonFile';

// Writes into copies of GitOps repositories and reads them back: slow on a busy machine.
jest.setTimeout(60_000);

const repoRoot = path.resolve(__dirname, '../../../..');
// A flat kustomize repository: the demo's backend cluster before it became an app of apps.
const examples = path.join(
  repoRoot,
  'plugins/zero-trust-node/src/testing/repositories/flat-kustomize',
);
// The demo's GitOps repository: an Argo CD app of apps.
const demo = path.join(repoRoot, 'examples/gitops');
const demoUrl = 'https://git.example.com/platform/gitops.git';
const bin = path.join(repoRoot, 'packages/cli/bin/zero-trust');

let tmp: string;
let repo: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'zero-trust-onboard-'));
  repo = path.join(tmp, 'gitops');
  await fs.cp(examples, repo, { recursive: true });
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function requestFile(content: unknown, name = 'request.json') {
  const file = path.join(tmp, name);
  await fs.writeFile(
    file,
    typeof content === 'string' ? content : JSON.stringify(content, null, 2),
  );
  return file;
}

/** Every file under the checkout with its content. */
async function tree(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (dir: string) => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else
        files.set(path.relative(root, full), await fs.readFile(full, 'utf8'));
    }
  };
  await walk(root);
  return files;
}

const inventory = {
  service: 'inventory-api',
  namespace: 'inventory',
  allowedCallers: [
    { workload: 'bookinfo/productpage', methods: ['GET'] },
    { namespace: 'monitoring', ports: [8080] },
  ],
};

/** The one line on stderr of a run that must fail with exit 2. */
async function badInput(...argv: string[]): Promise<string> {
  const { code, stdout, stderr } = await cli(...argv);
  expect(code).toBe(2);
  expect(stdout).toBe('');
  const lines = stderr.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  return lines[0];
}

describe('onboard', () => {
  it('writes the change into the checkout and prints the changed files', async () => {
    const request = await requestFile(inventory);
    const { code, stdout, stderr } = await cli(
      'onboard',
      '--repo',
      repo,
      '--request',
      request,
    );
    expect(code).toBe(0);
    const ns = 'clusters/backend/namespaces/inventory';
    expect(stdout).toBe(
      [
        `create ${ns}/authorization-policy-allow-nothing.yaml`,
        `create ${ns}/inventory-api/authorization-policy-inventory-api-callers.yaml`,
        `create ${ns}/inventory-api/destination-rule-inventory-api.yaml`,
        `modify ${ns}/inventory-api/kustomization.yaml`,
        `modify ${ns}/kustomization.yaml`,
        `modify ${ns}/namespace.yaml`,
        '',
      ].join('\n'),
    );
    expect(stderr).toContain('note: mTLS STRICT already comes from');

    const model = new MeshModel([
      await loadClusterSnapshot('backend', path.join(repo, 'clusters/backend')),
    ]);
    const decide = (from: string, method?: string) =>
      check(model, { from, to: 'inventory/inventory-api', port: 8080, method })
        .decision;
    expect(decide('bookinfo/productpage', 'GET')).toBe('ALLOW');
    expect(decide('bookinfo/productpage', 'DELETE')).toBe('DENY');
    expect(decide('monitoring/prometheus', 'GET')).toBe('ALLOW');
    expect(decide('bookinfo/details', 'GET')).toBe('DENY');
    expect(decide('plaintext', 'GET')).toBe('DENY');

    // Again: nothing to change, nothing printed on stdout, no file touched.
    const once = await tree(repo);
    const again = await cli('onboard', '--repo', repo, '--request', request);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain(
      'nothing to change: the repository already holds this onboarding',
    );
    expect(await tree(repo)).toEqual(once);
  });

  it('with networkPolicy: a NetworkPolicy for exactly the callers and the namespace default deny; check then agrees on both layers', async () => {
    const request = await requestFile({ ...inventory, networkPolicy: true });
    const { code, stdout } = await cli(
      'onboard',
      '--repo',
      repo,
      '--request',
      request,
    );
    expect(code).toBe(0);
    const ns = 'clusters/backend/namespaces/inventory';
    expect(stdout).toContain(`create ${ns}/network-policy-default-deny.yaml`);
    expect(stdout).toContain(
      `create ${ns}/inventory-api/network-policy-inventory-api-ingress.yaml`,
    );

    const model = new MeshModel([
      await loadClusterSnapshot('backend', path.join(repo, 'clusters/backend')),
    ]);
    const answer = (from: string) =>
      check(model, {
        from,
        to: 'inventory/inventory-api',
        port: 8080,
        method: 'GET',
      });
    for (const from of ['bookinfo/productpage', 'monitoring/prometheus']) {
      expect(answer(from)).toMatchObject({
        decision: 'ALLOW',
        network: {
          decision: 'ALLOW',
          policies: ['inventory/inventory-api-ingress'],
        },
      });
    }
    // Others: denied by Istio, and dropped by the NetworkPolicies too.
    for (const from of ['bookinfo/details', 'identity/identity-api']) {
      const denied = answer(from);
      expect(denied.decision).toBe('DENY');
      expect(denied.network?.decision).toBe('DENY');
    }
    // A plaintext client's pod is unknown: the network layer cannot place it; Istio denies it.
    expect(answer('plaintext')).toMatchObject({
      decision: 'DENY',
      network: { decision: 'CONDITIONAL' },
    });
  });

  it("onboards into the demo's Argo CD app of apps with --repo-url naming the repository as its Applications do", async () => {
    await fs.rm(repo, { recursive: true });
    await fs.cp(demo, repo, { recursive: true });
    // inventory has a default-deny NetworkPolicy: the callers need one admitting them.
    const request = await requestFile({ ...inventory, networkPolicy: true });

    // A copy is no git checkout: without the URL its Applications name, they are not
    // followed, and the cluster holds no workload to name.
    const without = await cli(
      'onboard',
      '--repo',
      repo,
      '--request',
      request,
      '--cluster',
      'backend',
    );
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('no workload bookinfo/productpage');

    const { code, stdout } = await cli(
      'onboard',
      '--repo',
      repo,
      '--request',
      request,
      '--cluster',
      'backend',
      '--repo-url',
      demoUrl,
    );
    expect(code).toBe(0);
    expect(stdout).toContain('modify apps/base/inventory/namespace.yaml\n');

    // The round trip: the cluster, read as Argo CD applies it, has exactly the callers,
    // on both layers.
    const model = new MeshModel([
      await loadClusterSnapshot(
        'backend',
        path.join(repo, 'clusters/backend'),
        {
          repoRoot: repo,
          repoUrls: [demoUrl],
        },
      ),
    ]);
    const decide = (from: string, method?: string) =>
      check(model, { from, to: 'inventory/inventory-api', port: 8080, method })
        .decision;
    expect(decide('bookinfo/productpage', 'GET')).toBe('ALLOW');
    expect(decide('bookinfo/productpage', 'DELETE')).toBe('DENY');
    expect(decide('monitoring/prometheus', 'GET')).toBe('ALLOW');
    expect(decide('bookinfo/details', 'GET')).toBe('DENY');
    expect(decide('plaintext', 'GET')).toBe('DENY');
    expect(
      check(model, {
        from: 'bookinfo/details',
        to: 'inventory/inventory-api',
        port: 8080,
      }).network?.decision,
    ).toBe('DENY');
  });

  it('with egress and traffic: a ServiceEntry per host and the VirtualService, which the loader reads back; again changes nothing', async () => {
    const request = await requestFile({
      ...inventory,
      ports: [{ name: 'http', port: 8080, protocol: 'HTTP' }],
      egress: [{ host: 'api.stripe.com', ports: [443], protocol: 'TLS' }],
      traffic: {
        timeout: '30s',
        retries: {
          attempts: 3,
          perTryTimeout: '10s',
          retryOn: '5xx,reset,connect-failure',
        },
        outlierDetection: {
          consecutive5xxErrors: 5,
          interval: '10s',
          baseEjectionTime: '30s',
        },
      },
    });
    const { code, stdout } = await cli(
      'onboard',
      '--repo',
      repo,
      '--request',
      request,
    );
    expect(code).toBe(0);
    const dir = 'clusters/backend/namespaces/inventory/inventory-api';
    expect(stdout).toContain(
      `create ${dir}/service-entry-inventory-api-egress-api-stripe-com.yaml`,
    );
    expect(stdout).toContain(
      `create ${dir}/virtual-service-inventory-api.yaml`,
    );

    const state = await loadClusterSnapshot(
      'backend',
      path.join(repo, 'clusters/backend'),
    );
    expect(state.problems).toEqual([]);
    expect(state.serviceEntries?.map(e => e.hosts)).toContainEqual([
      'api.stripe.com',
    ]);
    expect(
      state.virtualServices?.find(v => v.name === 'inventory-api')?.http[0],
    ).toMatchObject({ timeout: '30s', retries: { attempts: 3 } });

    const again = await cli('onboard', '--repo', repo, '--request', request);
    expect(again.stdout).toBe('');
  });

  it('refuses a bad egress host and a retryOn Istio does not know, naming their paths', async () => {
    const request = await requestFile({
      ...inventory,
      egress: [{ host: '*.stripe.com', ports: [443] }],
      traffic: { retries: { attempts: 2, retryOn: '5xx,sometimes' } },
    });
    const line = await badInput(
      'onboard',
      '--repo',
      repo,
      '--request',
      request,
    );
    expect(line).toContain(
      'egress[0].host: must be one host name without a wildcard',
    );
    expect(line).toContain('traffic.retries.retryOn: has "sometimes"');
  });

  it('prints the files and the diff with --dry-run, and writes nothing', async () => {
    const request = await requestFile(inventory);
    const before = await tree(repo);
    const { code, stdout, stderr } = await cli(
      'onboard',
      '--repo',
      repo,
      '--request',
      request,
      '--dry-run',
    );
    expect(code).toBe(0);
    expect(await tree(repo)).toEqual(before);
    expect(stdout).toMatch(
      /^create clusters\/backend\/namespaces\/inventory\//,
    );
    expect(stdout).toContain(
      '--- a/clusters/backend/namespaces/inventory/namespace.yaml\n+++ b/clusters/backend/namespaces/inventory/namespace.yaml\n',
    );
    expect(stdout).toContain('+    istio-injection: enabled\n');
    expect(stderr).toContain('dry run: nothing was written');
  });

  it('names the cluster of a checkout without clusters/ with --cluster', async () => {
    const single = path.join(repo, 'clusters/backend');
    const request = await requestFile({
      service: 'payments',
      namespace: 'shop',
      ports: [{ port: 8443, protocol: 'GRPC' }],
    });
    const { code, stdout } = await cli(
      'onboard',
      '--repo',
      single,
      '--request',
      request,
      '--cluster',
      'backend',
      '--layout-service-dir',
      'apps/{namespace}/{service}',
    );
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual(
      expect.arrayContaining([
        'create namespaces/shop/namespace.yaml',
        'create apps/shop/payments/destination-rule-payments.yaml',
      ]),
    );
    const contradiction = await requestFile({ ...inventory, cluster: 'edge' });
    expect(
      await badInput(
        'onboard',
        '--repo',
        repo,
        '--request',
        contradiction,
        '--cluster',
        'backend',
      ),
    ).toBe(
      'zero-trust onboard: --cluster backend contradicts the request\'s cluster "edge"',
    );
  });

  it('reports malformed JSON with its line', async () => {
    const request = await requestFile(
      '{\n  "service": "ratings",\n  "namespace": ,\n  "allowedCallers": []\n}\n',
    );
    expect(
      await badInput('onboard', '--repo', repo, '--request', request),
    ).toBe(
      `zero-trust onboard: ${request}:3: not valid JSON: unexpected "," at column 16`,
    );
  });

  it('reports every issue of an invalid request on one line, injection attempts included', async () => {
    const request = await requestFile({
      service: 'ratings\nkind: Secret',
      namespace: 'bookinfo',
      team: 'x',
      allowedCallers: [
        { workload: 'bookinfo/productpage', namespace: 'bookinfo' },
        { namespace: 'x', paths: ['/[x](https://evil.example)'] },
      ],
    });
    const line = await badInput(
      'onboard',
      '--repo',
      repo,
      '--request',
      request,
    );
    expect(line).toMatch(
      new RegExp(
        `^zero-trust onboard: ${request}: invalid onboarding request: `,
      ),
    );
    for (const issue of [
      'team: unknown field',
      'service: must not contain control characters',
      'allowedCallers[0]: names workload and namespace',
      'allowedCallers[1].paths[0]: may hold only URL path characters',
    ]) {
      expect(line).toContain(issue);
    }
  });

  it('leaves entityRef callers to Backstage', async () => {
    const request = await requestFile({
      ...inventory,
      allowedCallers: [{ entityRef: 'component:default/productpage' }],
    });
    expect(
      await badInput('onboard', '--repo', repo, '--request', request),
    ).toContain(
      'entityRef callers need Backstage; use workload, principal or namespace',
    );
  });

  it('names a caller or cluster that resolves to nothing', async () => {
    const unknown = await requestFile({
      ...inventory,
      allowedCallers: [{ workload: 'bookinfo/nobody' }],
    });
    expect(
      await badInput('onboard', '--repo', repo, '--request', unknown),
    ).toContain('allowedCallers[0].workload: no workload bookinfo/nobody');
    const cluster = await requestFile({ ...inventory, cluster: 'edge' });
    expect(
      await badInput('onboard', '--repo', repo, '--request', cluster),
    ).toMatch(/cluster: no cluster "edge"/);
  });

  it('refuses a caller narrowed to a port the service does not serve, naming its ports, and writes nothing', async () => {
    const before = await tree(repo);
    const request = await requestFile({
      ...inventory,
      allowedCallers: [
        { workload: 'bookinfo/productpage' },
        { namespace: 'monitoring', ports: [9090] },
      ],
    });
    expect(
      await badInput('onboard', '--repo', repo, '--request', request),
    ).toBe(
      `zero-trust onboard: ${request}: invalid onboarding request: allowedCallers[1].ports[0]: 9090 is not a port inventory-api serves (its target ports: 8080); a rule for it would admit nobody`,
    );
    expect(await tree(repo)).toEqual(before);
  });

  it('refuses a conflicting resource, naming the file, and writes nothing', async () => {
    const rival = 'clusters/backend/namespaces/inventory/rival.yaml';
    await fs.writeFile(
      path.join(repo, rival),
      'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: inventory-api, namespace: inventory}\nspec: {host: inventory-api, trafficPolicy: {tls: {mode: DISABLE}}}\n',
    );
    const before = await tree(repo);
    const request = await requestFile(inventory);
    const line = await badInput(
      'onboard',
      '--repo',
      repo,
      '--request',
      request,
    );
    expect(line).toContain(rival);
    expect(await tree(repo)).toEqual(before);
  });

  it('refuses malformed YAML in the checkout, naming the file and line', async () => {
    const broken = path.join(
      repo,
      'clusters/backend/namespaces/inventory/broken.yaml',
    );
    await fs.writeFile(broken, 'kind: ConfigMap\nmetadata: {name: x\n');
    const before = await tree(repo);
    const request = await requestFile(inventory);
    expect(
      await badInput('onboard', '--repo', repo, '--request', request),
    ).toMatch(new RegExp(`broken\\.yaml:\\d+: malformed YAML`));
    expect(await tree(repo)).toEqual(before);
  });

  it('refuses a layout that leaves the repository', async () => {
    const request = await requestFile(inventory);
    expect(
      await badInput(
        'onboard',
        '--repo',
        repo,
        '--request',
        request,
        '--layout-service-dir',
        '../{service}',
      ),
    ).toBe(
      'zero-trust onboard: --layout-service-dir: must not contain "." or ".." segments',
    );
    expect(
      await badInput(
        'onboard',
        '--repo',
        repo,
        '--request',
        request,
        '--layout-namespace-file',
        '/etc/ns.yaml',
      ),
    ).toContain('--layout-namespace-file: must be a relative path');
  });

  it('needs its options', async () => {
    const request = await requestFile(inventory);
    expect(await badInput('onboard', '--request', request)).toBe(
      'zero-trust onboard: --repo DIR is required',
    );
    expect(await badInput('onboard', '--repo', repo)).toBe(
      'zero-trust onboard: --request FILE.json is required',
    );
    expect(
      await badInput(
        'onboard',
        '--repo',
        path.join(tmp, 'missing'),
        '--request',
        request,
      ),
    ).toContain('no such folder');
    expect(
      await badInput(
        'onboard',
        '--repo',
        repo,
        '--request',
        path.join(tmp, 'missing.json'),
      ),
    ).toContain('missing.json: no such file');
    expect(
      await badInput(
        'onboard',
        '--repo',
        repo,
        '--request',
        request,
        '--force',
      ),
    ).toMatch(/--force/);
    const help = await cli('onboard', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(
      'zero-trust onboard --repo DIR --request FILE.json',
    );
    expect((await cli('--help')).stdout).not.toContain('not built yet');
  });
});

describe('jsonErrorOffset', () => {
  it.each([
    ['{"a": }', 6],
    ['{"a": 1,}', 8],
    ['{"a" 1}', 5],
    ['{"a": tru}', 6],
    ['{"a": "x\ny"}', 8],
    ['[1, 2', 5],
    ['{"a": 1} x', 9],
    ['', 0],
  ])('finds where %j goes wrong', (text, offset) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});

// The contract: the command runs on the system's Node (20 or newer) as well as on the
// Node that runs the tests, without a build step.
const nodes = [...new Set([process.execPath, '/usr/bin/node'])].filter(
  existsSync,
);

describe.each(nodes)('bin/zero-trust onboard on %s', node => {
  it('prints the diff, and exits 2 with the line of malformed JSON', async () => {
    const request = await requestFile(inventory);
    const result = await promisify(execFile)(node, [
      bin,
      'onboard',
      '--repo',
      repo,
      '--request',
      request,
      '--dry-run',
    ]);
    expect(result.stdout).toContain(
      '+++ b/clusters/backend/namespaces/inventory/namespace.yaml',
    );
    const failed = await promisify(execFile)(node, [
      bin,
      'onboard',
      '--repo',
      repo,
      '--request',
      await requestFile('{', 'bad.json'),
    ]).catch(e => e);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/bad\.json:1: not valid JSON/);
  }, 60_000);
});
