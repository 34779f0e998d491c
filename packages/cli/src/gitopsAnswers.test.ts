import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  argoAppOfApps,
  argoAppOfAppsExport,
  argoRepoUrl,
  createGitRepository,
  fluxMonorepo,
  fluxMonorepoExport,
  fluxRepoUrl,
  writeExport,
} from '@zero-trust/backstage-plugin-zero-trust-node/testing';
import { runCli as cli } from './__testUtils__/cli';

// Builds git repositories and runs the real kustomize for every command, twice per
// shape: a wide timeout for a loaded machine, not a speed assertion.
jest.setTimeout(300_000);

type Json = Record<string, any>;

/** A command's JSON answer, which must succeed. */
async function answer(argv: string[]): Promise<Json> {
  const { code, stdout, stderr } = await cli(argv);
  if (code !== 0) throw new Error(`${argv.join(' ')}: exit ${code}: ${stderr}`);
  return JSON.parse(stdout);
}

/**
 * An answer without where its objects were read from (a repository's files are not an
 * export's), its lists in one order (reading order differs between the two).
 */
function comparable(value: unknown): unknown {
  const plain = JSON.parse(
    JSON.stringify(value, (k, v) =>
      k === 'file' || k === 'line' ? undefined : v,
    ),
  );
  const sortLists = (v: any): any => {
    if (Array.isArray(v)) {
      return v
        .map(sortLists)
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    }
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, sortLists(x)]),
      );
    }
    return v;
  };
  return sortLists(plain);
}

let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'zero-trust-cli-answers-'));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, stdio: 'pipe' });

interface Shape {
  name: string;
  files: Record<string, string>;
  url: string;
  /** The cluster's root in the repository. */
  root: string;
  cluster: string;
  exported: (repo: string) => Json[];
  queries: Json[];
  /** The pull request for diff: a file of the repository and its new text. */
  change: [string, (text: string) => string];
  request: Json;
}

const shapes: Shape[] = [
  {
    name: 'an Argo CD app of apps like the seed’s',
    files: argoAppOfApps,
    url: argoRepoUrl,
    root: 'clusters/backend',
    cluster: 'backend',
    exported: argoAppOfAppsExport,
    queries: [
      { from: 'bookinfo/productpage', to: 'bookinfo/ratings', port: 9080 },
      { from: 'bookinfo/ratings', to: 'bookinfo/productpage', port: 9080 },
      { from: 'plaintext', to: 'bookinfo/ratings', port: 9080 },
      {
        from: 'principal:legacy.example/ns/bookinfo/sa/productpage',
        to: 'bookinfo/ratings',
        port: 9080,
      },
    ],
    // The pull request lets every workload of bookinfo call ratings.
    change: [
      'apps/ratings/overlays/backend/allow-productpage.yaml',
      text =>
        text.replace(
          'principals: [backend.example/ns/bookinfo/sa/productpage]',
          'namespaces: [bookinfo]',
        ),
    ],
    request: {
      service: 'productpage',
      namespace: 'bookinfo',
      cluster: 'backend',
      ports: [{ name: 'http', port: 9080, protocol: 'HTTP' }],
      allowedCallers: [{ workload: 'bookinfo/ratings', methods: ['GET'] }],
    },
  },
  {
    name: 'a Flux monorepo',
    files: fluxMonorepo,
    url: fluxRepoUrl,
    root: 'clusters/production',
    cluster: 'production',
    exported: fluxMonorepoExport,
    queries: [
      { from: 'shop/cart', to: 'shop/checkout', port: 8080 },
      { from: 'shop/checkout', to: 'shop/cart', port: 8080 },
      { from: 'plaintext', to: 'shop/cart', port: 8080 },
      // Both in the mesh: mutual TLS, unlike every call with checkout.
      { from: 'shop/cart', to: 'shop/cart', port: 8080 },
    ],
    // The pull request takes cart out of the mesh in production too.
    change: [
      'apps/production/kustomization.yaml',
      text => `${text}  - path: checkout-out-of-mesh.yaml
    target: {kind: Deployment, name: cart}
`,
    ],
    request: {
      service: 'cart',
      namespace: 'shop',
      cluster: 'production',
      ports: [{ name: 'http', port: 8080, protocol: 'HTTP' }],
      allowedCallers: [{ namespace: 'shop', methods: ['GET'] }],
    },
  },
];

describe.each(shapes)('$name and the same cluster exported flat', shape => {
  let repo: string;
  let exported: string;
  beforeEach(async () => {
    repo = await createGitRepository(
      path.join(tmp, 'repo'),
      shape.files,
      shape.url,
    );
    // The cluster as `kubectl get -A -o yaml` lists it once the controller applied it.
    exported = path.join(tmp, 'export');
    await writeExport(
      path.join(exported, 'cluster.yaml'),
      shape.exported(repo),
    );
  });
  const root = () => path.join(repo, shape.root);

  it('analyze gives the same answer', async () => {
    const fromRepo = await answer(['analyze', root(), '--format', 'json']);
    const fromExport = await answer(['analyze', exported, '--format', 'json']);
    expect(fromRepo.workloads.length).toBeGreaterThan(1);
    expect(comparable(fromRepo)).toEqual(comparable(fromExport));
  });

  it('check gives the same answers', async () => {
    const queries = path.join(tmp, 'queries.json');
    await fs.writeFile(queries, JSON.stringify(shape.queries));
    const argv = (where: string) => [
      'check',
      where,
      '--queries',
      queries,
      '--format',
      'json',
    ];
    const fromRepo = await answer(argv(root()));
    expect(fromRepo).toHaveLength(shape.queries.length);
    // Not every answer is the same: the queries tell the policies and the mesh apart.
    expect(
      new Set(fromRepo.map((a: Json) => `${a.decision} ${a.mtls}`)).size,
    ).toBeGreaterThan(1);
    expect(fromRepo).toEqual(await answer(argv(exported)));
  });

  it('diff between two checkouts gives the same answer as between two exports', async () => {
    const head = path.join(tmp, 'head');
    git(repo, 'worktree', 'add', '--quiet', '-b', 'pr', head);
    const [file, edit] = shape.change;
    const text = await fs.readFile(path.join(head, file), 'utf8');
    await fs.writeFile(path.join(head, file), edit(text));
    const headExport = path.join(tmp, 'head-export');
    await writeExport(
      path.join(headExport, 'cluster.yaml'),
      shape.exported(head),
    );

    const fromRepo = await answer([
      'diff',
      root(),
      path.join(head, shape.root),
      '--format',
      'json',
    ]);
    const fromExport = await answer([
      'diff',
      exported,
      headExport,
      '--format',
      'json',
    ]);
    expect(JSON.stringify(fromRepo)).not.toBe(
      JSON.stringify(
        await answer(['diff', root(), root(), '--format', 'json']),
      ),
    );
    expect(comparable(fromRepo)).toEqual(comparable(fromExport));
  });

  it('onboard then analyze gives the same answer', async () => {
    const request = path.join(tmp, 'request.json');
    await fs.writeFile(request, JSON.stringify(shape.request));
    for (const where of [repo, exported]) {
      const { code, stderr } = await cli([
        'onboard',
        '--repo',
        where,
        '--request',
        request,
      ]);
      expect({ where, code, stderr }).toEqual({ where, code: 0, stderr: '' });
    }
    const fromRepo = await answer(['analyze', root(), '--format', 'json']);
    const fromExport = await answer(['analyze', exported, '--format', 'json']);
    const service = fromRepo.workloads.find(
      (w: Json) => w.name === shape.request.service,
    );
    expect(service.meshMode).toBe('sidecar');
    expect(service.allowedCallers.length).toBeGreaterThan(0);
    expect(comparable(fromRepo)).toEqual(comparable(fromExport));
  });
});
