import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  MeshModel,
  SourcedObject,
  analyze,
  buildClusterState,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { loadManifests } from '../loadManifests';
import { ManifestError } from '../ManifestError';
import {
  argoAppOfApps,
  argoAppOfAppsExport,
  createGitRepository,
  fluxMonorepo,
  fluxMonorepoExport,
  writeExport,
} from '../testing/gitopsRepositories';

// Each test builds git repositories and runs the real kustomize several times, which
// takes seconds on a loaded machine: a wide timeout, not a speed assertion.
jest.setTimeout(120_000);

type Json = Record<string, any>;

let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-gitops-load-'));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

const key = (o: SourcedObject) => {
  const obj = o.object as Json;
  return `${obj.kind} ${obj.metadata?.namespace ?? '-'}/${obj.metadata?.name}`;
};

async function load(target: string, extra: Record<string, unknown> = {}) {
  const notes: string[] = [];
  const objects = await loadManifests(target, {
    onNote: n => notes.push(n),
    ...extra,
  });
  return { objects, notes, keys: objects.map(key) };
}

/** The analysis minus where each object was read from (a flat dump has other files). */
function answers(objects: SourcedObject[]) {
  const report = analyze(
    new MeshModel([buildClusterState('backend', objects)]),
  );
  const plain = JSON.parse(
    JSON.stringify(report, (k, v) => (k === 'file' ? undefined : v)),
  );
  // Order follows reading order, which differs between a repository and a dump.
  const byText = (a: unknown, b: unknown) =>
    JSON.stringify(a).localeCompare(JSON.stringify(b));
  return {
    workloads: plain.workloads.sort(byText),
    findings: plain.findings.sort(byText),
  };
}

describe('an Argo CD app of apps', () => {
  let repo: string;
  beforeEach(async () => {
    repo = await createGitRepository(
      path.join(tmp, 'gitops'),
      argoAppOfApps,
      'https://git.example/platform/gitops.git',
    );
  });

  it('follows the Applications of this repository to their folders, each object once, in the destination namespace', async () => {
    const { objects, notes, keys } = await load(
      path.join(repo, 'clusters/backend'),
    );
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(
      expect.arrayContaining([
        'Namespace -/bookinfo',
        'Application argocd/ratings',
        'Deployment bookinfo/ratings',
        'AuthorizationPolicy bookinfo/ratings',
        'Deployment bookinfo/productpage',
        'Service bookinfo/productpage',
      ]),
    );
    // The overlay's labels: rendered by kustomize, not read file by file.
    const ratings = objects.find(
      o => key(o) === 'Deployment bookinfo/ratings',
    )!;
    expect((ratings.object as Json).metadata.labels).toEqual({
      team: 'ratings',
    });
    expect(ratings.file).toBe(
      path.join(repo, 'apps/ratings/base/ratings.yaml'),
    );
    expect(ratings.line).toBe(1);
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^not followed: https:\/\/git\.example\/other\/billing\.git path deploy \(Application billing/,
        ),
        expect.stringMatching(/chart istiod .*Helm charts are not rendered/),
      ]),
    );
  });

  it('reads the mesh settings from the istiod chart values the Application names', async () => {
    const { objects } = await load(path.join(repo, 'clusters/backend'));
    const state = buildClusterState('backend', objects);
    expect(state.mesh).toMatchObject({
      trustDomain: 'backend.example',
      trustDomainAliases: ['legacy.example'],
      skipValidateTrustDomain: true,
      revisions: ['default', 'stable'],
    });
  });

  it('reads the whole repository with the Helm chart folder skipped and named, each object once', async () => {
    const { keys, notes } = await load(repo);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter(k => k.startsWith('Deployment '))).toEqual(
      expect.arrayContaining([
        'Deployment bookinfo/ratings',
        'Deployment bookinfo/productpage',
      ]),
    );
    expect(keys.filter(k => k.startsWith('Deployment ')).length).toBe(2);
    expect(notes).toContainEqual(
      expect.stringMatching(
        new RegExp(`^skipped Helm chart ${path.join(repo, 'charts/toolbox')}`),
      ),
    );
  });

  it('gives the same answers as the same cluster dumped flat', async () => {
    const { objects } = await load(path.join(repo, 'clusters/backend'));
    const dump = await writeExport(
      path.join(tmp, 'dump.yaml'),
      argoAppOfAppsExport(repo),
    );
    const flat = await load(dump);
    const gitops = answers(objects);
    const dumped = answers(flat.objects);
    expect(gitops.workloads.length).toBe(2);
    expect(gitops.workloads).toEqual(dumped.workloads);
    expect(gitops.findings).toEqual(dumped.findings);
  });

  it('refuses an Application whose path does not exist, naming its file', async () => {
    const apps = path.join(repo, 'clusters/backend/apps.yaml');
    await fs.writeFile(
      apps,
      (
        await fs.readFile(apps, 'utf8')
      ).replace('path: apps/productpage', 'path: apps/gone'),
    );
    await expect(load(path.join(repo, 'clusters/backend'))).rejects.toThrow(
      new RegExp(
        `${apps}: Application productpage: path "apps/gone" does not exist`,
      ),
    );
  });

  it('refuses a cycle of Applications, naming the file', async () => {
    await fs.writeFile(
      path.join(repo, 'apps/productpage/back.yaml'),
      `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: back, namespace: argocd}
spec:
  destination: {namespace: bookinfo}
  source: {repoURL: "${'https://git.example/platform/gitops'}", path: clusters/backend}
`,
    );
    const error = await load(path.join(repo, 'clusters/backend')).catch(e => e);
    expect(error).toBeInstanceOf(ManifestError);
    expect(error.message).toMatch(/a cycle of Applications: /);
    expect(error.message).toMatch(/Application back/);
  });

  it('refuses a value file that is not YAML, naming it and the line', async () => {
    await fs.writeFile(
      path.join(repo, 'clusters/backend/istiod-values.yaml'),
      'meshConfig:\n  trustDomain: [unclosed\n',
    );
    await expect(load(path.join(repo, 'clusters/backend'))).rejects.toThrow(
      new RegExp(
        `${path.join(
          repo,
          'clusters/backend/istiod-values.yaml',
        )}:\\d+: malformed YAML`,
      ),
    );
  });

  it('refuses a kustomization that does not build, with the program’s own error naming the folder', async () => {
    await fs.writeFile(
      path.join(repo, 'apps/ratings/overlays/backend/kustomization.yaml'),
      'resources:\n  - missing.yaml\n',
    );
    const error = await load(path.join(repo, 'clusters/backend')).catch(e => e);
    expect(error).toBeInstanceOf(ManifestError);
    expect(error.message).toMatch(
      new RegExp(
        `^${path.join(
          repo,
          'apps/ratings/overlays/backend',
        )}: (kustomize build|kubectl kustomize) failed: .*missing\\.yaml`,
      ),
    );
    expect(error.message).not.toContain('\n');
  });

  it('renders a kustomization without its remote resources, noting each as not fetched', async () => {
    const remote =
      'https://github.com/example/shared-policies//istio?ref=v1.2.0';
    const overlay = path.join(repo, 'apps/ratings/overlays/backend');
    await fs.writeFile(
      path.join(overlay, 'kustomization.yaml'),
      `resources:
  - ../../base
  - allow-productpage.yaml
  - ${remote}
`,
    );
    const { keys, notes } = await load(path.join(repo, 'clusters/backend'));
    // The local resources are rendered as before; nothing was fetched.
    expect(keys).toContain('Deployment bookinfo/ratings');
    expect(keys).toContain('AuthorizationPolicy bookinfo/ratings');
    expect(notes).toContain(
      `not fetched: ${remote} (in ${path.join(overlay, 'kustomization.yaml')})`,
    );
  });

  it('does not follow Applications of other repositories without --repo-url, and does with it', async () => {
    await createGitRepository(
      path.join(tmp, 'fork'),
      argoAppOfApps,
      'https://git.example/someone/fork.git',
    );
    const plain = await load(path.join(tmp, 'fork/clusters/backend'));
    expect(plain.keys).not.toContain('Deployment bookinfo/ratings');
    expect(plain.notes).toContainEqual(
      expect.stringMatching(/^not followed: .*path apps\/ratings/),
    );
    const withUrl = await load(path.join(tmp, 'fork/clusters/backend'), {
      repoUrls: ['https://git.example/platform/gitops'],
    });
    expect(withUrl.keys).toContain('Deployment bookinfo/ratings');
  });
});

describe('a Flux monorepo', () => {
  let repo: string;
  beforeEach(async () => {
    repo = await createGitRepository(
      path.join(tmp, 'fleet'),
      fluxMonorepo,
      'https://git.example/platform/fleet.git',
    );
  });

  it('renders the overlay the Kustomization names: its patch takes checkout out of the mesh, each object once', async () => {
    const { objects, keys, notes } = await load(
      path.join(repo, 'clusters/production'),
    );
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter(k => k.startsWith('Deployment '))).toEqual([
      'Deployment shop/cart',
      'Deployment shop/checkout',
    ]);
    const report = analyze(
      new MeshModel([buildClusterState('production', objects)]),
    );
    const mode = (name: string) =>
      report.workloads.find(w => w.name === name)?.meshMode;
    expect(mode('cart')).toBe('sidecar');
    expect(mode('checkout')).toBe('none');
    expect(report.workloads[0].trustDomain).toBe('prod.example');
    expect(notes).toContainEqual(
      expect.stringMatching(/HelmRelease istio-system\/istiod chart istiod/),
    );
  });

  it('reads the mesh settings from the istiod HelmRelease: valuesFrom, then values', async () => {
    const { objects } = await load(path.join(repo, 'clusters/production'));
    expect(buildClusterState('p', objects).mesh).toMatchObject({
      trustDomain: 'prod.example',
      trustDomainAliases: ['legacy.example'],
    });
  });

  it('gives the same answers as the same cluster dumped flat', async () => {
    const { objects } = await load(path.join(repo, 'clusters/production'));
    const flat = await load(
      await writeExport(path.join(tmp, 'dump.yaml'), fluxMonorepoExport(repo)),
    );
    expect(answers(objects).workloads).toEqual(answers(flat.objects).workloads);
    expect(answers(objects).findings).toEqual(answers(flat.objects).findings);
  });
});

describe('without kustomize on PATH', () => {
  const saved = process.env.PATH;
  afterEach(() => {
    process.env.PATH = saved;
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    require('./kustomizeBuild').resetKustomizeLookup();
  });

  it('says so in one note and reads the files as they are', async () => {
    await fs.mkdir(path.join(tmp, 'empty-bin'));
    const dir = path.join(tmp, 'plain');
    await fs.mkdir(dir);
    await fs.writeFile(
      path.join(dir, 'kustomization.yaml'),
      'resources: [ns.yaml]\n',
    );
    await fs.writeFile(
      path.join(dir, 'ns.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n',
    );
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    require('./kustomizeBuild').resetKustomizeLookup();
    process.env.PATH = path.join(tmp, 'empty-bin');
    const { keys, notes } = await load(dir);
    expect(keys).toEqual(['Namespace -/a']);
    expect(notes).toEqual([
      'neither kustomize nor kubectl is on PATH: kustomizations are read as plain files, not rendered',
    ]);
  });
});

describe('standard input', () => {
  it('reads - from standard input', async () => {
    const { keys } = await load('-', {
      readStdin: async () =>
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: from-stdin}\n',
    });
    expect(keys).toEqual(['Namespace -/from-stdin']);
  });
});
