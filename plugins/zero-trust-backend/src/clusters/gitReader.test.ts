import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gitReader } from './gitReader';

// Real git: a clone and a checkout take a few seconds on a busy machine.
jest.setTimeout(60_000);

describe('gitReader', () => {
  const cwd = process.cwd();
  let base: string;
  let repo: string;

  beforeAll(() => {
    // As in the demo: the backend runs in one folder (work/) and the config names the
    // repository relative to it (../gitops.git).
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-git-reader-'));
    repo = path.join(base, 'gitops.git');
    fs.mkdirSync(path.join(base, 'work'));
    fs.mkdirSync(repo);
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('init', '--quiet', '--initial-branch=main');
    fs.mkdirSync(path.join(repo, 'clusters', 'backend'), { recursive: true });
    fs.writeFileSync(
      path.join(repo, 'clusters', 'backend', 'namespace.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n',
    );
    // An Application naming the repository by its forge URL, not by the local path.
    fs.mkdirSync(path.join(repo, 'clusters', 'edge'), { recursive: true });
    fs.writeFileSync(
      path.join(repo, 'clusters', 'edge', 'partners.yaml'),
      `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: partners, namespace: argocd}
spec:
  source:
    repoURL: https://git.example.com/platform/gitops.git
    path: apps/partners
  destination: {namespace: partners}
`,
    );
    fs.mkdirSync(path.join(repo, 'apps', 'partners'), { recursive: true });
    fs.writeFileSync(
      path.join(repo, 'apps', 'partners', 'account.yaml'),
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: partner-api\n',
    );
    git('add', '.');
    git(
      '-c',
      'user.name=Test',
      '-c',
      'user.email=test@example.com',
      'commit',
      '--quiet',
      '-m',
      'seed',
    );
  });

  afterAll(() => {
    process.chdir(cwd);
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('reads a repository named by a path relative to the working directory, as the demo config does', async () => {
    process.chdir(path.join(base, 'work'));
    const reader = gitReader({
      url: '../gitops.git',
      branch: 'main',
      path: 'clusters/backend',
    });

    const { objects, notes } = await reader.read();

    expect(objects).toEqual([
      {
        object: {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'bookinfo' },
        },
        file: path.join('clusters', 'backend', 'namespace.yaml'),
        line: 1,
      },
    ]);
    expect(notes).toEqual([]);
  });

  it('follows Applications that name the repository by one of repoUrls', async () => {
    process.chdir(path.join(base, 'work'));
    const accounts = async (repoUrls?: string[]) =>
      (
        await gitReader({
          url: '../gitops.git',
          branch: 'main',
          path: 'clusters/edge',
          ...(repoUrls ? { repoUrls } : {}),
        }).read()
      ).objects
        .map(o => o.object as any)
        .filter(o => o.kind === 'ServiceAccount')
        .map(o => `${o.metadata.namespace}/${o.metadata.name}`);

    // Another repository as far as the reader knows: not fetched.
    expect(await accounts()).toEqual([]);
    // The destination namespace is the default of the Application's objects.
    expect(
      await accounts(['https://git.example.com/platform/gitops.git']),
    ).toEqual(['partners/partner-api']);
  });

  it("takes an Application's file as the cluster's root", async () => {
    process.chdir(path.join(base, 'work'));
    const { objects, notes } = await gitReader({
      url: '../gitops.git',
      branch: 'main',
      path: 'clusters/edge/partners.yaml',
      repoUrls: ['https://git.example.com/platform/gitops.git'],
    }).read();
    expect(
      objects.map(o => {
        const { kind, metadata } = o.object as any;
        return [kind, metadata.namespace, metadata.name, o.file];
      }),
    ).toEqual([
      ['Application', 'argocd', 'partners', 'clusters/edge/partners.yaml'],
      [
        'ServiceAccount',
        'partners',
        'partner-api',
        'apps/partners/account.yaml',
      ],
    ]);
    expect(notes).toEqual([]);
  });

  it('keeps what it did not follow as notes, naming files as the repository does', async () => {
    process.chdir(path.join(base, 'work'));
    const { objects, notes } = await gitReader({
      url: '../gitops.git',
      branch: 'main',
      path: 'clusters/edge',
    }).read();

    // The Application names a repository the reader does not know this one by: nothing
    // of it is read, and the note says which Application, in which file.
    expect(objects.map(o => (o.object as any).kind)).toEqual(['Application']);
    expect(notes).toEqual([
      `not followed: https://git.example.com/platform/gitops.git path apps/partners (Application partners in ${path.join(
        'clusters',
        'edge',
        'partners.yaml',
      )})`,
    ]);
  });

  it('gives Istio objects the date of the commit that added their file, as the cluster would have created them', async () => {
    process.chdir(path.join(base, 'work'));
    const dated = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-git-dated-'));
    try {
      const git = (date: string, ...args: string[]) =>
        execFileSync('git', args, {
          cwd: dated,
          stdio: 'pipe',
          env: {
            ...process.env,
            GIT_AUTHOR_DATE: date,
            GIT_COMMITTER_DATE: date,
            GIT_AUTHOR_NAME: 'Test',
            GIT_AUTHOR_EMAIL: 'test@example.com',
            GIT_COMMITTER_NAME: 'Test',
            GIT_COMMITTER_EMAIL: 'test@example.com',
          },
        });
      const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dated, file)), { recursive: true });
        fs.writeFileSync(path.join(dated, file), text);
      };
      const policy = (name: string, extra = '') =>
        `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: ${name}\n  namespace: shop\n${extra}spec: {}\n`;
      git('2026-01-01T00:00:00Z', 'init', '--quiet', '--initial-branch=main');
      write('c/old.yaml', policy('old'));
      write(
        'c/namespace.yaml',
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n',
      );
      git('2026-01-01T00:00:00Z', 'add', '.');
      git('2026-01-01T00:00:00Z', 'commit', '--quiet', '-m', 'first');
      write('c/new.yaml', policy('new'));
      write(
        'c/stamped.yaml',
        policy('stamped', '  creationTimestamp: "2025-06-01T00:00:00Z"\n'),
      );
      // Editing a file later does not make its objects newer.
      write('c/old.yaml', policy('old', '  labels: {edited: "yes"}\n'));
      git('2026-02-01T12:00:00Z', 'add', '.');
      git('2026-02-01T12:00:00Z', 'commit', '--quiet', '-m', 'second');

      const { objects } = await gitReader({
        url: dated,
        branch: 'main',
        path: 'c',
      }).read();
      const created = Object.fromEntries(
        objects.map(o => {
          const obj = o.object as any;
          return [obj.metadata.name, obj.metadata.creationTimestamp];
        }),
      );
      expect(created).toEqual({
        old: '2026-01-01T00:00:00Z',
        new: '2026-02-01T12:00:00Z',
        // Its own is kept; a Namespace is not an Istio object: left as written.
        stamped: '2025-06-01T00:00:00Z',
        shop: undefined,
      });
    } finally {
      fs.rmSync(dated, { recursive: true, force: true });
    }
  });
});
