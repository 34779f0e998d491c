import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { SourcedObject } from '@zero-trust/backstage-plugin-zero-trust-common';
import { loadManifests } from '../loadManifests';
import {
  createGitRepository,
  kubectlKustomize,
} from '../testing/gitopsRepositories';

// Each generated repository is rendered with the real kustomize, once by the loader and
// once for the expected answer: a wide timeout for a loaded machine, not a speed check.
jest.setTimeout(600_000);

type Json = Record<string, any>;
const repoUrl = 'https://git.example/platform/generated.git';

/** A small seeded generator (mulberry32), so that a failing case can be run again. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (min: number, max: number) =>
      min + Math.floor(next() * (max - min + 1)),
    chance: (p: number) => next() < p,
  };
}

const application = (
  name: string,
  folder: string,
  namespace?: string,
) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: ${name}, namespace: argocd}
spec:
  source: {repoURL: ${repoUrl}, path: ${folder}}
  destination: {server: https://kubernetes.default.svc${
    namespace ? `, namespace: ${namespace}` : ''
  }}
`;

const app = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {serviceAccountName: ${name}, containers: [{name: app, image: example/${name}}]}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec: {selector: {app: ${name}}, ports: [{name: http, port: 8080}]}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: ${name}}
`;

interface Generated {
  files: Record<string, string>;
  /** Each folder an Application applies, with its destination namespace. */
  targets: Map<string, string | undefined>;
  /** Files of the cluster's root read as they are (Applications, Namespaces). */
  rootFiles: string[];
}

/**
 * A repository as teams keep one: apps as kustomize bases, some with an overlay that
 * patches and labels; a cluster folder of Applications (one file each or several in one,
 * listed by a kustomization or not, some behind an app of apps), some Applications
 * naming the same folder as another (a shared folder applied twice must be read once).
 */
function generate(seed: number): Generated {
  const r = random(seed);
  const files: Record<string, string> = {};
  const targets = new Map<string, string | undefined>();
  const applications: { name: string; text: string }[] = [];
  const apps = r.int(2, 4);
  for (let i = 0; i < apps; i++) {
    const name = `app${i}`;
    const namespace = `ns${i}`;
    files[`apps/${name}/base/kustomization.yaml`] =
      'resources:\n  - app.yaml\n';
    files[`apps/${name}/base/app.yaml`] = app(name);
    let folder = `apps/${name}/base`;
    if (r.chance(0.6)) {
      files[`apps/${name}/overlays/cluster/kustomization.yaml`] = `resources:
  - ../../base
labels:
  - pairs: {tier: t${r.int(1, 3)}}
patches:
  - target: {kind: Deployment}
    patch: |-
      - op: add
        path: /spec/replicas
        value: ${r.int(1, 5)}
`;
      folder = `apps/${name}/overlays/cluster`;
    }
    targets.set(folder, namespace);
    applications.push({ name, text: application(name, folder, namespace) });
    // The same folder named again, by another team's Application.
    if (r.chance(0.3)) {
      applications.push({
        name: `${name}-again`,
        text: application(`${name}-again`, folder, namespace),
      });
    }
  }
  if (r.chance(0.5)) {
    files['shared/limits.yaml'] = `apiVersion: v1
kind: ConfigMap
metadata: {name: limits, namespace: shared}
data: {max: "10"}
`;
    targets.set('shared', undefined);
    for (const name of ['shared-a', 'shared-b']) {
      applications.push({ name, text: application(name, 'shared') });
    }
  }

  const rootFiles: string[] = [];
  const namespaces = Array.from(
    { length: apps },
    (_, i) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ns${i}}\n`,
  ).join('---\n');
  files['clusters/cluster/namespaces.yaml'] = namespaces;
  rootFiles.push('clusters/cluster/namespaces.yaml');
  // Behind an app of apps, or directly in the cluster's folder.
  const appOfApps = r.chance(0.5);
  const appsDir = appOfApps ? 'clusters/cluster/apps' : 'clusters/cluster';
  const appFiles: string[] = [];
  if (r.chance(0.5)) {
    files[`${appsDir}/all.yaml`] = applications.map(a => a.text).join('---\n');
    appFiles.push('all.yaml');
  } else {
    for (const a of applications) {
      files[`${appsDir}/${a.name}.yaml`] = a.text;
      appFiles.push(`${a.name}.yaml`);
    }
  }
  if (appOfApps) {
    files['clusters/cluster/root.yaml'] = application('root', appsDir);
    rootFiles.push('clusters/cluster/root.yaml');
    targets.set(appsDir, undefined);
    if (r.chance(0.5)) {
      files[`${appsDir}/kustomization.yaml`] = `resources:\n${appFiles
        .map(f => `  - ${f}\n`)
        .join('')}`;
    }
  } else {
    rootFiles.push(...appFiles.map(f => `${appsDir}/${f}`));
  }
  return { files, targets, rootFiles };
}

const keyOf = (o: Json) =>
  `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? '-'}/${
    o.metadata?.name
  }`;

/** What the cluster holds, folder by folder, as Argo CD applies each once. */
async function expectedKeys(repo: string, g: Generated): Promise<string[]> {
  const objects: Json[] = [];
  const plain = async (file: string, namespace?: string) => {
    for (const d of parseAllDocuments(
      await fs.readFile(path.join(repo, file), 'utf8'),
    )) {
      const o = d.toJS();
      objects.push(
        namespace && o.kind !== 'Namespace' && !o.metadata.namespace
          ? { ...o, metadata: { ...o.metadata, namespace } }
          : o,
      );
    }
  };
  for (const file of g.rootFiles) await plain(file);
  for (const [folder, namespace] of g.targets) {
    if (g.files[`${folder}/kustomization.yaml`]) {
      objects.push(...kubectlKustomize(path.join(repo, folder), namespace));
    } else {
      for (const file of Object.keys(g.files).filter(
        f => path.dirname(f) === folder,
      )) {
        await plain(file, namespace);
      }
    }
  }
  return [...new Set(objects.map(keyOf))].sort();
}

describe('the loader reads each object of a rendered cluster exactly once', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-reads-once-'));
  });
  afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

  const seeds = Array.from({ length: 12 }, (_, i) => 1000 + i * 7919);

  it.each(seeds)('in the repository generated from seed %i', async seed => {
    const g = generate(seed);
    const repo = await createGitRepository(
      path.join(tmp, String(seed)),
      g.files,
      repoUrl,
    );
    const loaded: SourcedObject[] = await loadManifests(
      path.join(repo, 'clusters/cluster'),
    );
    const keys = loaded.map(o => keyOf(o.object as Json));
    const counts = new Map<string, number>();
    for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    expect([...keys].sort()).toEqual(await expectedKeys(repo, g));
  });
});
