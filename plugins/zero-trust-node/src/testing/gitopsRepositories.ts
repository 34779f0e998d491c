import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';

/** The `origin` of the Argo CD example repository, as its Applications name it. */
export const argoRepoUrl = 'https://git.example/platform/gitops.git';
/** The `origin` of the Flux example repository (its GitRepository uses the ssh form). */
export const fluxRepoUrl = 'https://git.example/platform/fleet.git';

async function writeTree(root: string, files: Record<string, string>) {
  for (const [file, text] of Object.entries(files)) {
    const full = path.join(root, file);
    await fs.mkdir(path.dirname(full), { recursive: true });
    await fs.writeFile(full, text);
  }
}

function git(root: string, ...args: string[]) {
  execFileSync('git', ['-c', 'core.hooksPath=/dev/null', ...args], {
    cwd: root,
    stdio: 'pipe',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  });
}

/** A real git repository with `files` committed on `main` and `origin` set to `url`. */
export async function createGitRepository(
  root: string,
  files: Record<string, string>,
  url: string,
): Promise<string> {
  await writeTree(root, files);
  git(root, 'init', '--quiet', '--initial-branch=main');
  git(root, 'remote', 'add', 'origin', url);
  git(root, 'add', '-A');
  git(root, 'commit', '--quiet', '-m', 'the clusters');
  return root;
}

const deployment = (
  name: string,
  port: number,
  namespace?: string,
) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}${namespace ? `\n  namespace: ${namespace}` : ''}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      serviceAccountName: ${name}
      containers:
        - name: ${name}
          image: example/${name}
          ports: [{containerPort: ${port}, name: http}]
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}${namespace ? `\n  namespace: ${namespace}` : ''}
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}${namespace ? `\n  namespace: ${namespace}` : ''}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: ${port}, targetPort: ${port}}]
`;

const application = (
  name: string,
  namespace: string,
  source: string,
) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
spec:
  project: default
  destination:
    server: https://kubernetes.default.svc
    namespace: ${namespace}
${source}
`;

/**
 * An Argo CD "app of apps" as platform teams keep it: `clusters/backend/` holds the
 * cluster's Applications (one per app, a kustomize overlay or a plain folder of this
 * repository, istiod from the upstream chart with its values in this repository, one app
 * from another repository), apps are kustomize bases with an overlay per cluster, and a
 * Helm chart folder sits beside them.
 */
export const argoAppOfApps: Record<string, string> = {
  'README.md': '# clusters\n',
  'clusters/backend/kustomization.yaml': `resources:
  - namespaces.yaml
  - apps.yaml
`,
  'clusters/backend/namespaces.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: bookinfo
  labels:
    istio-injection: enabled
`,
  'clusters/backend/apps.yaml': [
    application(
      'ratings',
      'bookinfo',
      `  source:
    repoURL: ${argoRepoUrl}
    targetRevision: main
    path: apps/ratings/overlays/backend`,
    ),
    application(
      'productpage',
      'bookinfo',
      `  source:
    repoURL: https://git.example/platform/gitops
    path: apps/productpage`,
    ),
    application(
      'istiod',
      'istio-system',
      `  sources:
    - repoURL: https://istio-release.storage.googleapis.com/charts
      chart: istiod
      targetRevision: 1.24.0
      helm:
        valueFiles:
          - $values/clusters/backend/istiod-values.yaml
        valuesObject:
          pilot:
            env:
              PILOT_SKIP_VALIDATE_TRUST_DOMAIN: "true"
    - repoURL: git@git.example:platform/gitops.git
      ref: values`,
    ),
    application(
      'billing',
      'billing',
      `  source:
    repoURL: https://git.example/other/billing.git
    path: deploy`,
    ),
  ].join('---\n'),
  'clusters/backend/istiod-values.yaml': `# istiod's values for the backend cluster
meshConfig:
  trustDomain: backend.example
  trustDomainAliases:
    - legacy.example
revisionTags: [stable]
`,
  'apps/ratings/base/kustomization.yaml': `resources:
  - ratings.yaml
`,
  'apps/ratings/base/ratings.yaml': deployment('ratings', 9080),
  'apps/ratings/overlays/backend/kustomization.yaml': `resources:
  - ../../base
  - allow-productpage.yaml
labels:
  - pairs: {team: ratings}
`,
  'apps/ratings/overlays/backend/allow-productpage.yaml': `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ratings
spec:
  selector:
    matchLabels: {app: ratings}
  action: ALLOW
  rules:
    - from:
        - source:
            principals: [backend.example/ns/bookinfo/sa/productpage]
`,
  'apps/productpage/productpage.yaml': deployment('productpage', 9080),
  'charts/toolbox/Chart.yaml':
    'apiVersion: v2\nname: toolbox\nversion: 0.1.0\n',
  'charts/toolbox/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
`,
};

/**
 * A Flux monorepo: `clusters/production/` holds the Flux sync objects (a GitRepository
 * of this repository and two Kustomizations), istiod is a HelmRelease with values in a
 * ConfigMap, and apps are a kustomize base with an overlay per cluster; production's
 * overlay takes `checkout` out of the mesh.
 */
export const fluxMonorepo: Record<string, string> = {
  'clusters/production/flux-system/gotk-sync.yaml': `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  url: ssh://git@git.example/platform/fleet
  ref: {branch: main}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: infrastructure
  namespace: flux-system
spec:
  interval: 10m
  path: ./infrastructure
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/production
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
  targetNamespace: shop
`,
  'infrastructure/istiod.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: istiod
  namespace: istio-system
spec:
  interval: 1h
  chart:
    spec:
      chart: istiod
      version: 1.24.0
      sourceRef: {kind: HelmRepository, name: istio}
  valuesFrom:
    - kind: ConfigMap
      name: istiod-values
  values:
    meshConfig:
      trustDomain: prod.example
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: istiod-values
  namespace: istio-system
data:
  values.yaml: |
    meshConfig:
      trustDomain: overridden.example
      trustDomainAliases: [legacy.example]
`,
  'apps/base/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - namespace.yaml
  - cart.yaml
  - checkout.yaml
`,
  'apps/base/namespace.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio-injection: enabled
`,
  'apps/base/cart.yaml': deployment('cart', 8080, 'shop'),
  'apps/base/checkout.yaml': deployment('checkout', 8080, 'shop'),
  'apps/production/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
patches:
  # checkout leaves the mesh in production
  - path: checkout-out-of-mesh.yaml
`,
  'apps/production/checkout-out-of-mesh.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
spec:
  template:
    metadata:
      labels:
        sidecar.istio.io/inject: "false"
`,
  'apps/staging/kustomization.yaml': `resources:
  - ../base
`,
};

type Json = Record<string, any>;

/** What the real `kubectl kustomize` renders for a folder, each object defaulting to `namespace`. */
export function kubectlKustomize(dir: string, namespace?: string): Json[] {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return parseAllDocuments(out)
    .map(d => d.toJS() as Json)
    .filter(Boolean)
    .map(o => withDefaultNamespace(o, namespace));
}

function withDefaultNamespace(o: Json, namespace?: string): Json {
  return !namespace || o.kind === 'Namespace' || o.metadata?.namespace
    ? o
    : { ...o, metadata: { ...o.metadata, namespace } };
}

/** The `istio` ConfigMap istiod's chart writes from these `meshConfig` values. */
function istioConfigMap(mesh: Json): Json {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'istio', namespace: 'istio-system' },
    data: { mesh: stringify(mesh) },
  };
}

/**
 * The Argo CD example's backend cluster as `kubectl get -A -o yaml` would list it once
 * Argo CD applied it from the checkout `repo`: the ratings overlay as the real kustomize
 * renders it and productpage's folder, both in the Applications' destination namespace,
 * the cluster's Namespace, and the mesh config istiod's chart writes from its values.
 */
export function argoAppOfAppsExport(repo: string): Json[] {
  return [
    ...kubectlKustomize(
      path.join(repo, 'apps/ratings/overlays/backend'),
      'bookinfo',
    ),
    ...parseAllDocuments(
      argoAppOfApps['apps/productpage/productpage.yaml'],
    ).map(d => withDefaultNamespace(d.toJS(), 'bookinfo')),
    parse(argoAppOfApps['clusters/backend/namespaces.yaml']),
    istioConfigMap({
      trustDomain: 'backend.example',
      trustDomainAliases: ['legacy.example'],
    }),
  ];
}

/**
 * The Flux example's production cluster as `kubectl get -A -o yaml` would list it once
 * Flux applied it from the checkout `repo`: the production overlay as the real kustomize
 * renders it, and the mesh config istiod's chart writes from the HelmRelease's values.
 */
export function fluxMonorepoExport(repo: string): Json[] {
  return [
    ...kubectlKustomize(path.join(repo, 'apps/production')),
    istioConfigMap({
      trustDomain: 'prod.example',
      trustDomainAliases: ['legacy.example'],
    }),
  ];
}

/** Writes objects as one `kind: List` file, as `kubectl get -A -o yaml > file` does. */
export async function writeExport(
  file: string,
  objects: Json[],
): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(
    file,
    stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
  );
  return file;
}
