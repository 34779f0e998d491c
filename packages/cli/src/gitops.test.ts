import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  argoAppOfApps,
  argoRepoUrl,
  createGitRepository,
  fluxMonorepo,
  fluxRepoUrl,
} from '@zero-trust/backstage-plugin-zero-trust-node/testing';
import { runCli as cli } from './__testUtils__/cli';

// Builds git repositories and runs the real kustomize for each command: a wide
// timeout for a loaded machine, not a speed assertion.
jest.setTimeout(120_000);

let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'zero-trust-cli-gitops-'));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    stdio: 'pipe',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  });

describe('analyze on GitOps repositories', () => {
  it('reads an Argo CD app of apps as Argo CD applies it, listing on stderr what it does not follow', async () => {
    const repo = await createGitRepository(
      path.join(tmp, 'gitops'),
      argoAppOfApps,
      argoRepoUrl,
    );
    const { code, stdout, stderr } = await cli([
      'analyze',
      path.join(repo, 'clusters/backend'),
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.workloads.map((w: any) => w.name).sort()).toEqual([
      'productpage',
      'ratings',
    ]);
    expect(report.clusters[0]).toMatchObject({
      trustDomain: 'backend.example',
      trustDomainAliases: ['legacy.example'],
    });
    expect(stderr).toMatch(
      /^note: not followed: https:\/\/git\.example\/other\/billing\.git path deploy/m,
    );
  });

  it('reads a Flux monorepo: the production overlay takes checkout out of the mesh', async () => {
    const repo = await createGitRepository(
      path.join(tmp, 'fleet'),
      fluxMonorepo,
      fluxRepoUrl,
    );
    const { code, stdout } = await cli([
      'analyze',
      path.join(repo, 'clusters/production'),
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    const modes = Object.fromEntries(
      JSON.parse(stdout).workloads.map((w: any) => [w.name, w.meshMode]),
    );
    expect(modes).toEqual({ cart: 'sidecar', checkout: 'none' });
  });

  it('says on stderr that a cluster holds no workload, with what was skipped', async () => {
    const dir = path.join(tmp, 'charts-only');
    await fs.mkdir(path.join(dir, 'chart/templates'), { recursive: true });
    await fs.writeFile(path.join(dir, 'chart/Chart.yaml'), 'name: chart\n');
    await fs.writeFile(
      path.join(dir, 'chart/templates/x.yaml'),
      'name: {{ .Release.Name }}\n',
    );
    const { code, stdout, stderr } = await cli(['analyze', dir]);
    expect(code).toBe(0);
    expect(stdout).toContain('No findings.');
    expect(stderr).toContain(
      `note: no workload found in ${dir} (cluster default); skipped or not followed: skipped Helm chart ${path.join(
        dir,
        'chart',
      )}`,
    );
  });

  it('reads - from standard input', async () => {
    const { code, stdout } = await cli(
      ['analyze', '-', '--format', 'json'],
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: piped, namespace: apps}
spec:
  template:
    metadata: {labels: {app: piped}}
    spec: {containers: [{name: c, image: x}]}
`,
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout).workloads[0]).toMatchObject({
      namespace: 'apps',
      name: 'piped',
    });
  });

  it('exits 2 with one line naming the file for an Application whose path does not exist', async () => {
    const repo = await createGitRepository(
      path.join(tmp, 'gitops'),
      {
        ...argoAppOfApps,
        'clusters/backend/apps.yaml': argoAppOfApps[
          'clusters/backend/apps.yaml'
        ].replace('path: apps/productpage', 'path: apps/missing'),
      },
      argoRepoUrl,
    );
    const { code, stderr } = await cli([
      'analyze',
      path.join(repo, 'clusters/backend'),
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `zero-trust analyze: ${path.join(
        repo,
        'clusters/backend/apps.yaml',
      )}: Application productpage: path "apps/missing" does not exist in the repository (${repo})\n`,
    );
  });
});

describe('bad input in a GitOps repository: exit 2, one line naming the file, nothing written', () => {
  let repo: string;
  beforeEach(async () => {
    repo = await createGitRepository(
      path.join(tmp, 'gitops'),
      argoAppOfApps,
      argoRepoUrl,
    );
  });
  const write = (file: string, text: string) =>
    fs.writeFile(path.join(repo, file), text);
  const analyzeBackend = () =>
    cli(['analyze', path.join(repo, 'clusters/backend')]);
  const oneLine = (stderr: string) => {
    expect(stderr.endsWith('\n')).toBe(true);
    expect(stderr.trimEnd()).not.toContain('\n');
    expect(stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  };

  it('a kustomization that does not build: the program’s own error, naming the folder', async () => {
    await write(
      'apps/ratings/overlays/backend/kustomization.yaml',
      'resources:\n  - missing.yaml\n',
    );
    const { code, stderr } = await analyzeBackend();
    expect(code).toBe(2);
    oneLine(stderr);
    expect(stderr).toMatch(
      new RegExp(
        `^zero-trust analyze: ${path.join(
          repo,
          'apps/ratings/overlays/backend',
        )}: (kustomize build|kubectl kustomize) failed: .*missing\\.yaml`,
      ),
    );
  });

  it('a values file that is not YAML: the file and the line', async () => {
    await write(
      'clusters/backend/istiod-values.yaml',
      'meshConfig:\n  trustDomain: [unclosed\n',
    );
    const { code, stderr } = await analyzeBackend();
    expect(code).toBe(2);
    oneLine(stderr);
    expect(stderr).toMatch(
      new RegExp(
        `^zero-trust analyze: ${path.join(
          repo,
          'clusters/backend/istiod-values.yaml',
        )}:\\d+: malformed YAML`,
      ),
    );
  });

  it('a cycle of Applications: the file of the Application that closes it', async () => {
    await write(
      'apps/productpage/back.yaml',
      `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: back, namespace: argocd}
spec:
  destination: {namespace: bookinfo}
  source: {repoURL: "${argoRepoUrl}", path: clusters/backend}
`,
    );
    const { code, stderr } = await analyzeBackend();
    expect(code).toBe(2);
    oneLine(stderr);
    expect(stderr).toMatch(
      /^zero-trust analyze: \S+\.yaml: a cycle of Applications: .*Application back/,
    );
    expect(stderr).toContain(repo);
  });

  it('onboard into a cluster whose kustomization does not build: exit 2 naming it, and nothing written', async () => {
    await write(
      'apps/ratings/overlays/backend/kustomization.yaml',
      'resources:\n  - missing.yaml\n',
    );
    git(repo, 'add', '-A');
    git(repo, 'commit', '--quiet', '-m', 'broken overlay');
    const request = path.join(tmp, 'request.json');
    await fs.writeFile(
      request,
      JSON.stringify({
        service: 'productpage',
        namespace: 'bookinfo',
        cluster: 'backend',
        ports: [{ name: 'http', port: 9080, protocol: 'HTTP' }],
        allowedCallers: [{ namespace: 'bookinfo' }],
      }),
    );
    const { code, stdout, stderr } = await cli([
      'onboard',
      '--repo',
      repo,
      '--request',
      request,
    ]);
    expect(code).toBe(2);
    oneLine(stderr);
    expect(stderr).toContain(path.join(repo, 'apps/ratings/overlays/backend'));
    expect(stdout).toBe('');
    expect(
      execFileSync('git', ['status', '--porcelain'], {
        cwd: repo,
        encoding: 'utf8',
      }),
    ).toBe('');
  });
});

describe('SARIF', () => {
  it('writes SARIF 2.1.0 with the file and line of each finding’s object', async () => {
    const dir = path.join(tmp, 'snapshot');
    await fs.mkdir(dir);
    await fs.writeFile(
      path.join(dir, 'apps.yaml'),
      `apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: outside, namespace: apps}
spec:
  template:
    metadata: {labels: {app: outside}}
    spec: {containers: [{name: c, image: x}]}
`,
    );
    const { code, stdout } = await cli(['analyze', dir, '--format', 'sarif']);
    expect(code).toBe(0);
    const sarif = JSON.parse(stdout);
    expect(sarif.version).toBe('2.1.0');
    const driver = sarif.runs[0].tool.driver;
    expect(driver.name).toBe('zero-trust');
    const outside = sarif.runs[0].results.find(
      (r: any) => r.ruleId === 'ZT001',
    );
    expect(outside.level).toBe('error');
    expect(driver.rules[outside.ruleIndex].id).toBe('ZT001');
    expect(outside.locations[0].physicalLocation).toEqual({
      artifactLocation: {
        uri: path.relative(process.cwd(), path.join(dir, 'apps.yaml')),
      },
      region: { startLine: 5 },
    });
  });
});

describe('diff between two checkouts of a GitOps repository', () => {
  it('reports what the head changes, as markdown and as SARIF of the introduced findings', async () => {
    const base = await createGitRepository(
      path.join(tmp, 'base'),
      fluxMonorepo,
      fluxRepoUrl,
    );
    // The pull request: staging's overlay is untouched, production takes cart out too.
    git(base, 'worktree', 'add', '--quiet', '-b', 'pr', path.join(tmp, 'head'));
    const head = path.join(tmp, 'head');
    await fs.writeFile(
      path.join(head, 'apps/production/cart-out-of-mesh.yaml'),
      fluxMonorepo['apps/production/checkout-out-of-mesh.yaml'].replace(
        'name: checkout',
        'name: cart',
      ),
    );
    await fs.appendFile(
      path.join(head, 'apps/production/kustomization.yaml'),
      '  - path: cart-out-of-mesh.yaml\n',
    );
    const markdown = await cli([
      'diff',
      path.join(base, 'clusters/production'),
      path.join(head, 'clusters/production'),
    ]);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toMatch(/shop\/cart/);
    expect(markdown.stdout).toMatch(/ZT001/);
    const sarif = await cli([
      'diff',
      path.join(base, 'clusters/production'),
      path.join(head, 'clusters/production'),
      '--format',
      'sarif',
    ]);
    const results = JSON.parse(sarif.stdout).runs[0].results;
    expect(results.map((r: any) => r.ruleId)).toContain('ZT001');
    const cart = results.find(
      (r: any) =>
        r.ruleId === 'ZT001' &&
        r.locations[0].logicalLocations[0].fullyQualifiedName ===
          'default/Deployment/shop/cart',
    );
    expect(cart.locations[0].physicalLocation.artifactLocation.uri).toBe(
      path.relative(process.cwd(), path.join(head, 'apps/base/cart.yaml')),
    );
  });
});
