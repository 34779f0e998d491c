import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import {
  ClusterState,
  MeshModel,
  OnboardingPlan,
  OnboardingRequestError,
  analyze,
  buildClusterState,
  check,
  parseOnboardingRequest,
  planOnboarding,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { loadClusterSnapshot, loadManifests } from '../loadManifests';
import { GitopsConflictError } from './GitopsConflictError';
import { writeOnboarding } from './writeOnboarding';

// Real files on disk and kustomize builds: slow on a busy machine.
jest.setTimeout(60_000);

const run = promisify(execFile);
// A flat kustomize repository (the demo's backend cluster before it became an app of apps).
const examples = path.resolve(
  __dirname,
  '../testing/repositories/flat-kustomize',
);
const backendDir = 'clusters/backend';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(r => fs.rm(r, { recursive: true, force: true })));
});

async function tmpDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zero-trust-gitops-'));
  roots.push(dir);
  return dir;
}

/** A copy of the flat kustomize repository (or one of its folders) to write into. */
async function copyExamples(subfolder = ''): Promise<string> {
  const dir = await tmpDir();
  await fs.cp(path.join(examples, subfolder), dir, { recursive: true });
  return dir;
}

/** Every file under a folder with its bytes, to prove what was (not) written. */
async function snapshot(root: string): Promise<Map<string, string>> {
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

/** The repository as the engine sees it: `clusters/<name>` each, else the whole folder. */
async function loadRepo(
  root: string,
  name = 'backend',
): Promise<ClusterState[]> {
  const clusters = path.join(root, 'clusters');
  const names = await fs.readdir(clusters).catch(() => undefined);
  if (!names) return [buildClusterState(name, await loadManifests(root))];
  return Promise.all(
    names.sort().map(n => loadClusterSnapshot(n, path.join(clusters, n))),
  );
}

async function planFor(
  root: string,
  request: Record<string, unknown>,
): Promise<OnboardingPlan> {
  const states = await loadRepo(root, request.cluster as string | undefined);
  return planOnboarding(
    parseOnboardingRequest({ allowedCallers: [], ...request }),
    new MeshModel(states),
  );
}

async function onboard(
  root: string,
  request: Record<string, unknown>,
  options: { dryRun?: boolean; layout?: Record<string, string> } = {},
) {
  return writeOnboarding({
    root,
    plan: await planFor(root, request),
    ...options,
  });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

/**
 * Every manifest file a kustomize build from `dir` would read, following `resources`
 * entries into folders (each with its own kustomization) and files.
 */
async function kustomized(root: string, dir: string): Promise<Set<string>> {
  const out = new Set<string>();
  const visit = async (d: string) => {
    const text = await fs.readFile(
      path.join(root, d, 'kustomization.yaml'),
      'utf8',
    );
    for (const entry of parseYaml(text).resources ?? []) {
      const target = path.posix.join(d, entry);
      const stat = await fs.stat(path.join(root, target));
      if (stat.isDirectory()) await visit(target);
      else out.add(target);
    }
  };
  await visit(dir);
  return out;
}

async function manifestFiles(root: string, dir: string): Promise<Set<string>> {
  const files = [...(await snapshot(path.join(root, dir))).keys()];
  return new Set(
    files
      .filter(f => /\.ya?ml$/.test(f) && !f.endsWith('kustomization.yaml'))
      .map(f => path.posix.join(dir, f.split(path.sep).join('/'))),
  );
}

const inventoryRequest = {
  service: 'inventory-api',
  namespace: 'inventory',
  allowedCallers: [
    { workload: 'bookinfo/productpage', methods: ['GET'], paths: ['/items/*'] },
    { namespace: 'monitoring', ports: [8080] },
  ],
};

describe('writeOnboarding on a flat kustomize GitOps repository', () => {
  it('writes a change the loader and the engine read back as exactly the requested access', async () => {
    const root = await copyExamples();
    const original = await snapshot(root);
    const result = await onboard(root, inventoryRequest);

    expect(result.changes).toEqual([
      {
        path: `${backendDir}/namespaces/inventory/authorization-policy-allow-nothing.yaml`,
        action: 'create',
      },
      {
        path: `${backendDir}/namespaces/inventory/inventory-api/authorization-policy-inventory-api-callers.yaml`,
        action: 'create',
      },
      {
        path: `${backendDir}/namespaces/inventory/inventory-api/destination-rule-inventory-api.yaml`,
        action: 'create',
      },
      {
        path: `${backendDir}/namespaces/inventory/inventory-api/kustomization.yaml`,
        action: 'modify',
      },
      {
        path: `${backendDir}/namespaces/inventory/kustomization.yaml`,
        action: 'modify',
      },
      {
        path: `${backendDir}/namespaces/inventory/namespace.yaml`,
        action: 'modify',
      },
    ]);

    const model = new MeshModel(await loadRepo(root));
    const to = 'inventory/inventory-api';
    const decide = (from: string, query: object = {}) =>
      check(model, { from, to, port: 8080, ...query }).decision;
    expect(
      decide('bookinfo/productpage', { method: 'GET', path: '/items/42' }),
    ).toBe('ALLOW');
    expect(
      decide('bookinfo/productpage', { method: 'POST', path: '/items/42' }),
    ).toBe('DENY');
    expect(
      decide('bookinfo/productpage', { method: 'GET', path: '/admin' }),
    ).toBe('DENY');
    expect(
      decide('monitoring/prometheus', { method: 'DELETE', path: '/x' }),
    ).toBe('ALLOW');
    expect(decide('bookinfo/details')).toBe('DENY');
    expect(decide('identity/identity-api')).toBe('DENY');
    expect(decide('plaintext')).toBe('DENY');

    const view = analyze(model).workloads.find(
      w => w.name === 'inventory-api',
    )!;
    expect(view).toMatchObject({
      meshMode: 'sidecar',
      identity: 'spiffe://internal.example/ns/inventory/sa/inventory',
      mtls: { mode: 'STRICT' },
    });
    expect(view.allowedCallers.map(c => c.label).sort()).toEqual(
      expect.arrayContaining([expect.stringContaining('productpage')]),
    );
    const sources = view.allowedCallers.map(c => c.source.kind);
    expect(sources).not.toContain('anyone');
    expect(sources).not.toContain('authenticated');
    expect(
      view.allowedCallers.every(
        c =>
          (c.source.kind === 'workload' &&
            c.source.workload === 'backend/bookinfo/productpage') ||
          (c.source.kind === 'workload' &&
            c.source.workload === 'backend/monitoring/prometheus') ||
          (c.source.kind === 'namespace' &&
            c.source.namespace === 'monitoring'),
      ),
    ).toBe(true);

    // Every edited file is its original with lines added: nothing re-indented, re-quoted
    // or re-ordered, comments kept.
    for (const change of result.changes.filter(c => c.action === 'modify')) {
      const before = original.get(change.path)!.split('\n');
      const after = (
        await fs.readFile(path.join(root, change.path), 'utf8')
      ).split('\n');
      let i = 0;
      for (const line of after) if (line === before[i]) i++;
      expect(i).toBe(before.length);
      expect(after.length).toBeGreaterThan(before.length);
    }
    expect(
      await fs.readFile(
        path.join(root, backendDir, 'namespaces/inventory/namespace.yaml'),
        'utf8',
      ),
    ).toBe(
      `${original.get(
        `${backendDir}/namespaces/inventory/namespace.yaml`,
      )}    istio-injection: enabled\n`,
    );
    // Files it does not name are byte for byte the same.
    const after = await snapshot(root);
    const changed = new Set(result.changes.map(c => c.path));
    const untouched = [...original].filter(([file]) => !changed.has(file));
    expect(untouched.length).toBe(
      original.size - result.changes.filter(c => c.action === 'modify').length,
    );
    for (const [file, text] of untouched) expect(after.get(file)).toBe(text);
    // kustomize still reads every manifest, the new ones included.
    expect(await kustomized(root, backendDir)).toEqual(
      await manifestFiles(root, backendDir),
    );
  });

  it('onboards ratings next to its existing policy, with productpage and a namespace as callers', async () => {
    const root = await copyExamples();
    const result = await onboard(root, {
      service: 'ratings',
      namespace: 'bookinfo',
      allowedCallers: [
        {
          workload: 'bookinfo/productpage',
          methods: ['GET'],
          paths: ['/ratings/*'],
        },
        { namespace: 'monitoring', ports: [9080] },
      ],
    });
    // bookinfo is labelled and has its allow-nothing: only the service's files change.
    expect(result.changes.map(c => c.path)).toEqual([
      `${backendDir}/namespaces/bookinfo/ratings/authorization-policy-ratings-callers.yaml`,
      `${backendDir}/namespaces/bookinfo/ratings/destination-rule-ratings.yaml`,
      `${backendDir}/namespaces/bookinfo/ratings/kustomization.yaml`,
    ]);
    const model = new MeshModel(await loadRepo(root));
    const decide = (from: string, query: object) =>
      check(model, { from, to: 'bookinfo/ratings', port: 9080, ...query })
        .decision;
    expect(
      decide('bookinfo/productpage', { method: 'GET', path: '/ratings/1' }),
    ).toBe('ALLOW');
    expect(
      decide('bookinfo/productpage', { method: 'GET', path: '/other' }),
    ).toBe('DENY');
    expect(
      decide('bookinfo/details', { method: 'GET', path: '/ratings/1' }),
    ).toBe('DENY');
    expect(decide('plaintext', { method: 'GET', path: '/ratings/1' })).toBe(
      'DENY',
    );
    // Its existing policy still admits reviews: the writer never removes what it did not write.
    expect(
      decide('bookinfo/reviews-v1', { method: 'GET', path: '/ratings/1' }),
    ).toBe('ALLOW');
    // The new ALLOW rule names productpage in the repository's real trust domain.
    const policy = parseYaml(
      await fs.readFile(
        path.join(
          root,
          backendDir,
          'namespaces/bookinfo/ratings/authorization-policy-ratings-callers.yaml',
        ),
        'utf8',
      ),
    );
    expect(policy.spec.rules[0].from[0].source.principals).toEqual([
      'internal.example/ns/bookinfo/sa/bookinfo-productpage',
    ]);
  });

  it('changes nothing the second time: no change, every file byte for byte the same', async () => {
    const root = await copyExamples();
    await onboard(root, inventoryRequest);
    const once = await snapshot(root);
    const again = await onboard(root, inventoryRequest);
    expect(again).toEqual({ changes: [], diff: '' });
    expect(await snapshot(root)).toEqual(once);
  });

  it('writes nothing on a dry run, and its diff is the change a real run makes', async () => {
    const dry = await copyExamples();
    const before = await snapshot(dry);
    const preview = await onboard(dry, inventoryRequest, { dryRun: true });
    expect(await snapshot(dry)).toEqual(before);

    const real = await copyExamples();
    const written = await onboard(real, inventoryRequest);
    expect(preview).toEqual(written);
    // The diff is a real patch: applied to the untouched copy it gives the written tree.
    const patchFile = path.join(await tmpDir(), 'change.patch');
    await fs.writeFile(patchFile, preview.diff);
    await run('patch', ['-p1', '-s', '-d', dry, '-i', patchFile]);
    expect(await snapshot(dry)).toEqual(await snapshot(real));
  });

  it('refuses a resource of the same name with other content, naming the file, and writes nothing', async () => {
    const root = await copyExamples();
    const plan = await planFor(root, inventoryRequest);
    const rival = `${backendDir}/namespaces/inventory/inventory-api/callers.yaml`;
    await fs.writeFile(
      path.join(root, rival),
      'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: inventory-api-callers\n  namespace: inventory\nspec:\n  action: ALLOW\n  rules: [{}]\n',
    );
    const before = await snapshot(root);
    const error = await rejection(writeOnboarding({ root, plan }));
    expect(error).toBeInstanceOf(GitopsConflictError);
    expect(error.message).toBe(
      `${rival}: AuthorizationPolicy inventory/inventory-api-callers already exists with other content; align it with the request, rename it, or remove it`,
    );
    expect((error as GitopsConflictError).file).toBe(rival);
    expect(await snapshot(root)).toEqual(before);
  });

  it('leaves a resource the repository already holds with the same content where it is', async () => {
    const root = await copyExamples();
    const plan = await planFor(root, inventoryRequest);
    const dr = plan.resources.find(r => r.kind === 'DestinationRule')!;
    // Same object, other key order and another file: still the same content.
    await fs.writeFile(
      path.join(root, backendDir, 'namespaces/inventory/mtls.yaml'),
      `# pinned by hand\nkind: DestinationRule\napiVersion: networking.istio.io/v1\nmetadata:\n  namespace: inventory\n  name: ${dr.metadata.name}\nspec:\n  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n  host: inventory-api.inventory.svc.cluster.local\n`,
    );
    const result = await writeOnboarding({ root, plan });
    expect(
      result.changes.map(c => c.path).some(p => p.includes('destination-rule')),
    ).toBe(false);
  });

  it('refuses a YAML file that does not parse, naming the file and line, and writes nothing', async () => {
    const root = await copyExamples();
    const plan = await planFor(root, inventoryRequest);
    const broken = `${backendDir}/namespaces/bookinfo/broken.yaml`;
    await fs.writeFile(
      path.join(root, broken),
      'kind: ConfigMap\nmetadata: {name: x\n',
    );
    const before = await snapshot(root);
    const error = await rejection(writeOnboarding({ root, plan }));
    expect(error).toBeInstanceOf(GitopsConflictError);
    expect(error.message).toMatch(
      new RegExp(`^${broken}:\\d+: malformed YAML: `),
    );
    expect((error as GitopsConflictError).line).toBeGreaterThanOrEqual(2);
    expect(await snapshot(root)).toEqual(before);
  });

  it('refuses a file in the way of a new one', async () => {
    const root = await copyExamples();
    const plan = await planFor(root, inventoryRequest);
    const inTheWay = `${backendDir}/namespaces/inventory/inventory-api/destination-rule-inventory-api.yaml`;
    await fs.writeFile(
      path.join(root, inTheWay),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: inventory}\n',
    );
    const before = await snapshot(root);
    const error = await rejection(writeOnboarding({ root, plan }));
    expect(error.message).toBe(
      `${inTheWay}: exists but does not hold DestinationRule inventory/inventory-api; move it or change the layout`,
    );
    expect(await snapshot(root)).toEqual(before);
  });

  it('rejects a layout that leaves the root before reading anything', async () => {
    const root = await copyExamples();
    const plan = await planFor(root, inventoryRequest);
    const missing = path.join(os.tmpdir(), 'zero-trust-no-such-repository');
    for (const [field, template, message] of [
      [
        'serviceDir',
        '../outside/{service}/',
        'must not contain "." or ".." segments',
      ],
      [
        'serviceDir',
        'a/../../{service}',
        'must not contain "." or ".." segments',
      ],
      ['serviceDir', '/etc/{service}/', 'must be a relative path'],
      ['namespaceFile', 'C:/ns.yaml', 'must be a relative path'],
      ['namespaceFile', 'ns\\{namespace}.yaml', 'must be a relative path'],
      ['serviceDir', '{team}/{service}', 'may use only the placeholders'],
      [
        'namespaceFile',
        '{namespace}/namespace.txt',
        'must name a .yaml or .yml file',
      ],
    ]) {
      const error = await rejection(
        writeOnboarding({ root: missing, plan, layout: { [field]: template } }),
      );
      expect(error).toBeInstanceOf(OnboardingRequestError);
      expect(error.message).toContain(`layout.${field}: ${message}`);
    }
  });

  it('refuses to write through a symbolic link that leads outside the repository', async () => {
    const root = await copyExamples();
    const outside = await tmpDir();
    await fs.symlink(outside, path.join(root, 'apps'));
    const plan = await planFor(root, inventoryRequest);
    const error = await rejection(
      writeOnboarding({
        root,
        plan,
        layout: { serviceDir: 'apps/{service}/' },
      }),
    );
    expect(error).toBeInstanceOf(GitopsConflictError);
    expect(error.message).toMatch(
      /^apps\/inventory-api\/.*leads outside the repository/,
    );
    expect(await fs.readdir(outside)).toEqual([]);
  });

  it('writes all or nothing: a file that cannot be written leaves every file as it was', async () => {
    const root = await copyExamples();
    const plan = await planFor(root, inventoryRequest);
    const before = await snapshot(root);
    // A folder where the writer's temporary file for one target would go.
    const dir = path.join(
      root,
      backendDir,
      'namespaces/inventory/inventory-api',
    );
    const blocker = path.join(
      dir,
      `.destination-rule-inventory-api.yaml.zero-trust-${process.pid}.tmp`,
    );
    await fs.mkdir(blocker);
    await expect(writeOnboarding({ root, plan })).rejects.toThrow();
    await fs.rmdir(blocker);
    expect(await snapshot(root)).toEqual(before);
  });
});

describe('writeOnboarding: what the request asks for', () => {
  it('labels an ambient namespace and adds no DestinationRule', async () => {
    const root = await copyExamples();
    const result = await onboard(root, {
      ...inventoryRequest,
      dataplane: 'ambient',
      allowedCallers: [{ workload: 'bookinfo/productpage' }],
    });
    expect(result.changes.some(c => c.path.includes('destination-rule'))).toBe(
      false,
    );
    const ns = await fs.readFile(
      path.join(root, backendDir, 'namespaces/inventory/namespace.yaml'),
      'utf8',
    );
    expect(ns).toMatch(/\n {4}istio\.io\/dataplane-mode: ambient\n$/);
    const model = new MeshModel(await loadRepo(root));
    expect(
      model.resolveWorkload('inventory/inventory-api').membership.mode,
    ).toBe('ambient');
    expect(
      check(model, {
        from: 'bookinfo/productpage',
        to: 'inventory/inventory-api',
        port: 8080,
      }).decision,
    ).toBe('ALLOW');
    expect(
      check(model, {
        from: 'bookinfo/details',
        to: 'inventory/inventory-api',
        port: 8080,
      }).decision,
    ).toBe('DENY');
  });

  it('gives an ambient service with method and path rules a waypoint, and the written repository answers exactly the requested callers through it', async () => {
    const root = await copyExamples();
    const result = await onboard(root, {
      ...inventoryRequest,
      dataplane: 'ambient',
      allowedCallers: [
        {
          workload: 'bookinfo/productpage',
          methods: ['GET'],
          paths: ['/stock/*'],
        },
      ],
    });
    const written = result.changes.map(c => c.path);
    expect(written).toEqual(
      expect.arrayContaining([
        `${backendDir}/namespaces/inventory/gateway-waypoint.yaml`,
        `${backendDir}/namespaces/inventory/inventory-api/authorization-policy-inventory-api-callers.yaml`,
        `${backendDir}/namespaces/inventory/inventory-api/authorization-policy-inventory-api-callers-l4.yaml`,
      ]),
    );
    const ns = await fs.readFile(
      path.join(root, backendDir, 'namespaces/inventory/namespace.yaml'),
      'utf8',
    );
    expect(ns).toMatch(/\n {4}istio\.io\/use-waypoint: waypoint\n/);
    const model = new MeshModel(await loadRepo(root));
    const ask = (from: string, method: string, p: string) =>
      check(model, {
        from,
        to: 'inventory/inventory-api',
        port: 8080,
        method,
        path: p,
      });
    const allowed = ask('bookinfo/productpage', 'GET', '/stock/42');
    expect(allowed.decision).toBe('ALLOW');
    expect(allowed.reason).toMatch(/waypoint/);
    expect(ask('bookinfo/productpage', 'DELETE', '/stock/42').decision).toBe(
      'DENY',
    );
    expect(ask('bookinfo/details', 'GET', '/stock/42').decision).toBe('DENY');
    const view = analyze(model).workloads.find(
      w => w.name === 'inventory-api',
    )!;
    expect(view.waypoints).toMatchObject([
      {
        waypoint: 'inventory/waypoint',
        traffic: 'Service inventory/inventory-api',
      },
    ]);
    expect(
      view.allowedCallers.map(c =>
        c.source.kind === 'workload' ? c.source.workload : c.source.kind,
      ),
    ).toEqual(['backend/bookinfo/productpage']);
  });

  it('labels the namespace with the requested revision', async () => {
    const root = await copyExamples();
    await onboard(root, { ...inventoryRequest, revision: '1-24' });
    const ns = await fs.readFile(
      path.join(root, backendDir, 'namespaces/inventory/namespace.yaml'),
      'utf8',
    );
    expect(ns).toContain('\n    istio.io/rev: 1-24\n');
    expect(ns).not.toContain('istio-injection');
    const w = new MeshModel(await loadRepo(root)).resolveWorkload(
      'inventory/inventory-api',
    );
    expect(w.membership).toMatchObject({ mode: 'sidecar', revision: '1-24' });
  });

  it('writes a PERMISSIVE PeerAuthentication where the mesh is STRICT', async () => {
    const root = await copyExamples();
    const result = await onboard(root, {
      ...inventoryRequest,
      mtlsMode: 'PERMISSIVE',
    });
    expect(result.changes.map(c => c.path)).toContain(
      `${backendDir}/namespaces/inventory/inventory-api/peer-authentication-inventory-api.yaml`,
    );
    const w = new MeshModel(await loadRepo(root)).resolveWorkload(
      'inventory/inventory-api',
    );
    expect(w.mtls).toMatchObject({
      mode: 'PERMISSIVE',
      decidedBy: 'inventory/inventory-api',
    });
  });

  it('adds no allow-nothing policy with namespaceDefaultDeny false', async () => {
    const root = await copyExamples();
    const result = await onboard(root, {
      ...inventoryRequest,
      namespaceDefaultDeny: false,
    });
    expect(result.changes.some(c => c.path.includes('allow-nothing'))).toBe(
      false,
    );
    expect(
      new MeshModel(await loadRepo(root)).clusters[0].hasDefaultDeny(
        'inventory',
      ),
    ).toBe(false);
  });

  it('creates a new namespace and service, each folder with its kustomization, listed in its parent', async () => {
    const root = await copyExamples();
    const before = await fs.readFile(
      path.join(root, backendDir, 'kustomization.yaml'),
      'utf8',
    );
    const result = await onboard(root, {
      service: 'payments',
      namespace: 'shop',
      ports: [{ name: 'grpc', port: 9090, protocol: 'GRPC' }],
      allowedCallers: [{ workload: 'bookinfo/productpage' }],
    });
    expect(result.changes).toEqual([
      { path: `${backendDir}/kustomization.yaml`, action: 'modify' },
      {
        path: `${backendDir}/namespaces/shop/authorization-policy-allow-nothing.yaml`,
        action: 'create',
      },
      {
        path: `${backendDir}/namespaces/shop/kustomization.yaml`,
        action: 'create',
      },
      {
        path: `${backendDir}/namespaces/shop/namespace.yaml`,
        action: 'create',
      },
      {
        path: `${backendDir}/namespaces/shop/payments/authorization-policy-payments-callers.yaml`,
        action: 'create',
      },
      {
        path: `${backendDir}/namespaces/shop/payments/destination-rule-payments.yaml`,
        action: 'create',
      },
      {
        path: `${backendDir}/namespaces/shop/payments/kustomization.yaml`,
        action: 'create',
      },
    ]);
    // Listed with the indentation the file already uses, after its last entry.
    expect(
      await fs.readFile(
        path.join(root, backendDir, 'kustomization.yaml'),
        'utf8',
      ),
    ).toBe(`${before}  - namespaces/shop\n`);
    expect(
      parseYaml(
        await fs.readFile(
          path.join(root, backendDir, 'namespaces/shop/kustomization.yaml'),
          'utf8',
        ),
      ).resources,
    ).toEqual([
      'namespace.yaml',
      'authorization-policy-allow-nothing.yaml',
      'payments',
    ]);
    expect(await kustomized(root, backendDir)).toEqual(
      await manifestFiles(root, backendDir),
    );
    const states = await loadRepo(root);
    expect(states[0].namespaces.find(n => n.name === 'shop')!.labels).toEqual({
      'istio-injection': 'enabled',
    });
  });

  it('creates no kustomization in a repository that does not use kustomize', async () => {
    const root = await copyExamples();
    for (const file of (await snapshot(root)).keys()) {
      if (file.endsWith('kustomization.yaml'))
        await fs.rm(path.join(root, file));
    }
    const result = await onboard(root, {
      service: 'payments',
      namespace: 'shop',
      ports: [{ port: 8080 }],
    });
    expect(
      result.changes.map(c => c.path).filter(p => p.includes('kustomization')),
    ).toEqual([]);
    expect(result.changes.map(c => c.path)).toContain(
      `${backendDir}/namespaces/shop/namespace.yaml`,
    );
  });

  it('drops the clusters/{cluster}/ prefix in a repository without a clusters/ folder', async () => {
    const root = await copyExamples(backendDir);
    const result = await onboard(root, {
      service: 'payments',
      namespace: 'shop',
      cluster: 'backend',
      ports: [{ port: 8080 }],
    });
    expect(result.changes.map(c => c.path)).toEqual([
      'kustomization.yaml',
      'namespaces/shop/authorization-policy-allow-nothing.yaml',
      'namespaces/shop/kustomization.yaml',
      'namespaces/shop/namespace.yaml',
      'namespaces/shop/payments/authorization-policy-payments-callers.yaml',
      'namespaces/shop/payments/destination-rule-payments.yaml',
      'namespaces/shop/payments/kustomization.yaml',
    ]);
    expect(await kustomized(root, '')).toEqual(await manifestFiles(root, ''));
  });

  it('follows a custom layout', async () => {
    const root = await copyExamples('clusters/backend');
    // A folder of plain manifests beside the cluster's kustomization, which does not
    // list it: the cluster reads it as it is.
    await fs.rm(path.join(root, 'kustomization.yaml'));
    const result = await onboard(
      root,
      { service: 'payments', namespace: 'shop', ports: [{ port: 8080 }] },
      {
        layout: {
          namespaceFile: 'tenants/{cluster}-{namespace}.yaml',
          serviceDir: 'apps/{namespace}/{service}',
        },
      },
    );
    expect(result.changes.map(c => c.path)).toEqual([
      'apps/shop/payments/authorization-policy-payments-callers.yaml',
      'apps/shop/payments/destination-rule-payments.yaml',
      'tenants/authorization-policy-allow-nothing.yaml',
      'tenants/backend-shop.yaml',
    ]);
  });

  it('refuses a layout outside what the cluster applies, naming the file, and writes nothing', async () => {
    const root = await copyExamples();
    const before = await snapshot(root);
    const error = await rejection(
      onboard(
        root,
        { service: 'payments', namespace: 'shop', ports: [{ port: 8080 }] },
        {
          layout: {
            namespaceFile: 'tenants/{cluster}-{namespace}.yaml',
            serviceDir: 'apps/{namespace}/{service}',
          },
        },
      ),
    );
    expect(error).toBeInstanceOf(GitopsConflictError);
    expect(error.message).toMatch(
      /^tenants\/backend-shop\.yaml: cluster backend would not apply it/,
    );
    expect(await snapshot(root)).toEqual(before);
  });
});

describe('writeOnboarding: editing the repository in place', () => {
  /** A one-cluster repository of the given files. */
  async function repoOf(files: Record<string, string>): Promise<string> {
    const root = await tmpDir();
    for (const [file, text] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await fs.writeFile(path.join(root, file), text);
    }
    return root;
  }
  const app = (ns: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cart, namespace: ${ns}}\nspec:\n  template:\n    metadata: {labels: {app: cart}}\n    spec: {containers: [{name: cart, ports: [{containerPort: 8080}]}]}\n`;

  it('labels a Namespace inside a multi-document file and keeps the other documents', async () => {
    const all = `# Everything for the shop team.\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata:\n  mode: "fast"   # quoted on purpose\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {team: shop}  # flow style kept\n---\n${app(
      'shop',
    )}`;
    const root = await repoOf({ 'all.yaml': all });
    const result = await onboard(root, { service: 'cart', namespace: 'shop' });
    expect(result.changes.find(c => c.path === 'all.yaml')).toEqual({
      path: 'all.yaml',
      action: 'modify',
    });
    expect(await fs.readFile(path.join(root, 'all.yaml'), 'utf8')).toBe(
      all.replace(
        'labels: {team: shop}',
        'labels: {team: shop, istio-injection: enabled}',
      ),
    );
  });

  it('adds a labels map to a Namespace that has none, at its indentation', async () => {
    const ns =
      'apiVersion: v1\nkind: Namespace\nmetadata:\n    name: shop   # four spaces here\n';
    const root = await repoOf({ 'ns.yaml': ns, 'app.yaml': app('shop') });
    await onboard(root, { service: 'cart', namespace: 'shop' });
    expect(await fs.readFile(path.join(root, 'ns.yaml'), 'utf8')).toBe(
      `${ns}    labels:\n        istio-injection: enabled\n`,
    );
  });

  it('keeps a JSON Namespace JSON, and CRLF line endings CRLF', async () => {
    const json =
      '{\r\n  "apiVersion": "v1",\r\n  "kind": "Namespace",\r\n  "metadata": {"name": "shop", "labels": {}}\r\n}\r\n';
    const root = await repoOf({ 'ns.json': json, 'app.yaml': app('shop') });
    await onboard(root, { service: 'cart', namespace: 'shop' });
    const text = await fs.readFile(path.join(root, 'ns.json'), 'utf8');
    expect(text).toBe(
      json.replace('"labels": {}', '"labels": {"istio-injection": "enabled"}'),
    );
    expect(JSON.parse(text).metadata.labels).toEqual({
      'istio-injection': 'enabled',
    });
  });

  it("edits only the cluster's own folder where the repository holds several clusters", async () => {
    const ns = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n';
    const root = await repoOf({
      'clusters/backend/shop.yaml': ns,
      'clusters/backend/app.yaml': app('shop'),
      'clusters/edge/shop.yaml': ns,
      // The same policy name in another cluster is another object: no conflict.
      'clusters/edge/callers.yaml':
        'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: cart-callers, namespace: shop}\nspec: {action: DENY, rules: [{}]}\n',
    });
    const result = await onboard(root, {
      service: 'cart',
      namespace: 'shop',
      cluster: 'backend',
    });
    expect(result.changes.map(c => c.path)).toEqual([
      'clusters/backend/namespaces/shop/authorization-policy-allow-nothing.yaml',
      'clusters/backend/namespaces/shop/cart/authorization-policy-cart-callers.yaml',
      'clusters/backend/namespaces/shop/cart/destination-rule-cart.yaml',
      // No PeerAuthentication anywhere: Istio's default is PERMISSIVE, so STRICT needs one.
      'clusters/backend/namespaces/shop/cart/peer-authentication-cart.yaml',
      'clusters/backend/shop.yaml',
    ]);
    expect(
      await fs.readFile(path.join(root, 'clusters/edge/shop.yaml'), 'utf8'),
    ).toBe(ns);
  });

  it('refuses a plan whose names would leave the folder', async () => {
    const root = await repoOf({ 'app.yaml': app('shop') });
    const plan = await planFor(root, { service: 'cart', namespace: 'shop' });
    const evil = {
      ...plan,
      resources: [
        {
          ...plan.resources[0],
          metadata: { name: '../../etc/x', namespace: 'shop' },
        },
      ],
    };
    const error = await rejection(writeOnboarding({ root, plan: evil }));
    expect(error).toBeInstanceOf(OnboardingRequestError);
    expect(error.message).toContain(
      'resources[0].metadata.name: must be a DNS-1123 name',
    );
    const kind = {
      ...plan,
      resources: [{ ...plan.resources[0], kind: '../Secret' }],
    };
    expect(
      (await rejection(writeOnboarding({ root, plan: kind }))).message,
    ).toContain('resources[0].kind: must be a Kubernetes kind');
  });
});
