import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cli } from './__testUtils__/cli';

// Real git repositories on disk and whole commands: slow on a busy machine.
jest.setTimeout(60_000);

const execute = promisify(execFile);
const day = 24 * 60 * 60 * 1000;

async function git(dir: string, args: string[], date?: Date) {
  const { stdout } = await execute('git', args, {
    cwd: dir,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Platform',
      GIT_AUTHOR_EMAIL: 'platform@example.com',
      GIT_COMMITTER_NAME: 'Platform',
      GIT_COMMITTER_EMAIL: 'platform@example.com',
      ...(date
        ? {
            GIT_AUTHOR_DATE: date.toISOString(),
            GIT_COMMITTER_DATE: date.toISOString(),
          }
        : {}),
    },
  });
  return stdout;
}

const namespace = `apiVersion: v1
kind: Namespace
metadata:
  name: orders
  labels:
    istio-injection: enabled
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders-api
  namespace: orders
spec:
  selector:
    matchLabels: {app: orders-api}
  template:
    metadata:
      labels: {app: orders-api}
    spec:
      serviceAccountName: orders-api
      containers:
      - name: orders-api
        image: example/orders-api:1
`;

function dryRunPolicy(name: string, creationTimestamp?: string) {
  return `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${name}
  namespace: orders
${
  creationTimestamp ? `  creationTimestamp: "${creationTimestamp}"\n` : ''
}  annotations:
    istio.io/dry-run: "true"
spec:
  selector:
    matchLabels: {app: orders-api}
  action: DENY
  rules:
  - from:
    - source:
        namespaces: ["legacy"]
`;
}

let tmp: string;
let repo: string;
const now = Date.now();

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'zero-trust-cli-dry-run-'));
  repo = path.join(tmp, 'gitops');
  const cluster = path.join(repo, 'clusters', 'backend');
  await fs.mkdir(cluster, { recursive: true });
  await git(repo, ['init', '--quiet', '--initial-branch=main']);
  // Added 30 days ago, and never touched since... except for an edit 2 days ago, which
  // does not make it younger: a GitOps controller created it when it was added.
  await fs.writeFile(path.join(cluster, 'namespace.yaml'), namespace);
  await fs.writeFile(
    path.join(cluster, 'old-rollout.yaml'),
    dryRunPolicy('old-rollout'),
  );
  await git(repo, ['add', '.']);
  await git(repo, ['commit', '--quiet', '-m', 'old'], new Date(now - 30 * day));
  await fs.writeFile(
    path.join(cluster, 'new-rollout.yaml'),
    dryRunPolicy('new-rollout'),
  );
  // A policy that states its own creation time keeps it.
  await fs.writeFile(
    path.join(cluster, 'stated.yaml'),
    dryRunPolicy('stated', new Date(now - 3 * day).toISOString()),
  );
  await git(repo, ['add', '.']);
  await git(repo, ['commit', '--quiet', '-m', 'new'], new Date(now - 5 * day));
  await fs.appendFile(
    path.join(cluster, 'old-rollout.yaml'),
    '        # still checking\n',
  );
  await git(
    repo,
    ['commit', '--quiet', '-am', 'edit'],
    new Date(now - 2 * day),
  );
  // Not committed yet: not in the cluster, so not created.
  await fs.writeFile(
    path.join(cluster, 'uncommitted.yaml'),
    dryRunPolicy('uncommitted'),
  );
});

afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function dryRunFindings(...extra: string[]) {
  const result = await cli(
    'analyze',
    path.join(repo, 'clusters', 'backend'),
    '--format',
    'json',
    ...extra,
  );
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout)
    .findings.filter((f: any) => f.code === 'ZT023')
    .map((f: any) => f.resource.name)
    .sort();
}

describe('analyze on a git work tree', () => {
  it('dates each dry-run policy by the commit that added its file (ZT023 after 14 days)', async () => {
    const status = await git(repo, ['status', '--porcelain']);
    expect(await dryRunFindings()).toEqual(['old-rollout']);
    const result = await cli(
      'analyze',
      path.join(repo, 'clusters', 'backend'),
      '--format',
      'json',
    );
    const finding = JSON.parse(result.stdout).findings.find(
      (f: any) => f.code === 'ZT023',
    );
    expect(finding.message).toContain('for 30 days, more than 14');
    // Reading wrote nothing.
    expect(await git(repo, ['status', '--porcelain'])).toBe(status);
  });

  it('takes the window from --dry-run-max-age-days', async () => {
    expect(await dryRunFindings('--dry-run-max-age-days', '4')).toEqual([
      'new-rollout',
      'old-rollout',
    ]);
    expect(await dryRunFindings('--dry-run-max-age-days', '2')).toEqual([
      'new-rollout',
      'old-rollout',
      'stated',
    ]);
    expect(await dryRunFindings('--dry-run-max-age-days', '60')).toEqual([]);
  });

  it('refuses a window that is not a whole number of days, exit 2', async () => {
    const result = await cli(
      'analyze',
      repo,
      '--dry-run-max-age-days',
      'two weeks',
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'zero-trust analyze: --dry-run-max-age-days must be a whole number of days, not "two weeks"',
    ]);
  });

  it('dates nothing in a folder outside git, nor in a repository without a commit', async () => {
    const plain = path.join(tmp, 'plain');
    await fs.cp(path.join(repo, 'clusters', 'backend'), plain, {
      recursive: true,
    });
    const outside = await cli(
      'analyze',
      plain,
      '--format',
      'json',
      '--dry-run-max-age-days',
      '1',
    );
    expect(
      JSON.parse(outside.stdout).findings.filter(
        (f: any) => f.code === 'ZT023',
      ),
    ).toEqual([
      expect.objectContaining({
        resource: expect.objectContaining({ name: 'stated' }),
      }),
    ]);
    await git(plain, ['init', '--quiet']);
    const empty = await cli(
      'analyze',
      plain,
      '--format',
      'json',
      '--dry-run-max-age-days',
      '1',
    );
    expect(empty.code).toBe(0);
    expect(
      JSON.parse(empty.stdout)
        .findings.filter((f: any) => f.code === 'ZT023')
        .map((f: any) => f.resource.name),
    ).toEqual(['stated']);
  });
});
