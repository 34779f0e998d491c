import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  OnboardingPlan,
  OnboardingRequestError,
  OnboardingResource,
  dryRunAnnotation,
  fileNameFor,
  isDryRunMetadata,
  manifestText,
  namespaceText,
  objectKey,
  promoteTemplateTitle,
  sameContent,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { ChangeSet } from './ChangeSet';
import { GitopsConflictError } from './GitopsConflictError';
import {
  ClusterScope,
  RepositoryClusters,
  appliesFile,
  inFolder,
  readRepositoryClusters,
} from './clusterScopes';
import { labelNamespace } from './labelNamespace';
import { listInKustomization, listedIn } from './kustomize';
import { fillTemplate, validateLayout } from './layout';
import { RepoIndex, indexRepo, readRepositoryTexts } from './repoIndex';
import {
  GitopsLayout,
  WriteOnboardingOptions,
  WriteOnboardingResult,
} from './types';

const describe = (r: {
  kind: string;
  metadata: { namespace?: string; name: string };
}) =>
  `${r.kind} ${r.metadata.namespace ? `${r.metadata.namespace}/` : ''}${
    r.metadata.name
  }`;

const safeName = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** A plan built by hand must not smuggle a path into a file name. */
function checkNames(plan: WriteOnboardingOptions['plan']) {
  const { cluster, namespace, service } = plan.request;
  const named: [string, unknown][] = [
    ['cluster', cluster],
    ['namespace', namespace],
    ['service', service],
    ...plan.resources.flatMap((r, i): [string, unknown][] => [
      [`resources[${i}].metadata.name`, r.metadata?.name],
      [`resources[${i}].metadata.namespace`, r.metadata?.namespace],
    ]),
  ];
  plan.resources.forEach((r, i) => {
    if (typeof r.kind !== 'string' || !/^[A-Za-z]{1,63}$/.test(r.kind)) {
      named.push([`resources[${i}].kind`, undefined]);
    }
  });
  const issues = named
    .filter(
      ([, v]) => typeof v !== 'string' || !safeName.test(v) || v.length > 253,
    )
    .map(([p]) => ({
      path: p,
      message: p.endsWith('.kind')
        ? 'must be a Kubernetes kind'
        : 'must be a DNS-1123 name',
    }));
  if (issues.length) throw new OnboardingRequestError(issues);
}

const isKustomizationFile = (file: string) =>
  ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].includes(
    path.posix.basename(file),
  );

/** The writer's index: only files that may hold the kinds it writes are converted. */
const indexFor = (texts: Map<string, string>, plan: OnboardingPlan) =>
  indexRepo(texts, ['Namespace', ...plan.resources.map(r => r.kind)]);

/** A new file must reach the cluster onboarded, and no other. */
async function checkReaches(
  change: ChangeSet,
  file: string,
  scope: ClusterScope,
  others: ClusterScope[],
) {
  const kustomization = await listedIn(change, file);
  const where = kustomization ? `listed in ${kustomization}` : 'read as it is';
  if (!appliesFile(scope, file, kustomization)) {
    throw new GitopsConflictError(
      `${file}: cluster ${scope.name} would not apply it (${where}, which the cluster does not render); choose a layout inside what the cluster applies`,
      file,
    );
  }
  const also = others.filter(o => appliesFile(o, file, kustomization));
  if (also.length) {
    throw new GitopsConflictError(
      `${file}: cluster${also.length > 1 ? 's' : ''} ${also
        .map(o => o.name)
        .join(
          ', ',
        )} would apply it too (${where}); choose a layout inside what only cluster ${
        scope.name
      } applies`,
      file,
    );
  }
}

/** The same resource with its dry-run annotation the other way round. */
function flipDryRun(resource: OnboardingResource): OnboardingResource {
  const { annotations, ...metadata } = resource.metadata;
  return isDryRunMetadata(resource.metadata)
    ? { ...resource, metadata }
    : {
        ...resource,
        metadata: {
          ...metadata,
          annotations: { ...annotations, [dryRunAnnotation]: 'true' },
        },
      };
}

/**
 * Writes an onboarding plan into a GitOps working copy, the change a pull request
 * would carry, so that it reaches the plan's cluster as its GitOps controller renders it
 * (kustomize overlays, Argo CD Applications, Flux Kustomizations) and changes no other
 * cluster's output: the namespace's labels set on the Namespace the cluster renders
 * (edited in place, comments, key order and untouched lines kept byte for byte, where
 * only this cluster reads its file; else a patch in the cluster's own kustomization),
 * else a new one at the layout's place; each manifest of the plan in a new file unless
 * the cluster's render holds it already (same content: left alone; other content: a
 * conflict); each new file listed in the nearest kustomization, which must be one the
 * cluster renders. Everything is computed in memory first and written only once it all
 * succeeded; with `dryRun` nothing is written. Applying the same plan again changes
 * nothing.
 *
 * @throws OnboardingRequestError for a layout that leaves the root (before anything is
 *   read), or a cluster the repository does not hold
 * @throws GitopsConflictError naming the file: a resource of the same name with other
 *   content, a YAML file that does not parse, a file in the way, a new file the cluster
 *   would not apply or another cluster would
 * @throws ManifestError for a repository the loader cannot render
 * @public
 */
export async function writeOnboarding(
  options: WriteOnboardingOptions,
): Promise<WriteOnboardingResult> {
  const layout = validateLayout(options.layout);
  const { root, plan } = options;
  checkNames(plan);
  const abs = path.resolve(root);
  const isDir = await fs
    .stat(abs)
    .then(s => s.isDirectory())
    .catch(() => false);
  if (!isDir) {
    throw new OnboardingRequestError([
      { path: 'root', message: `${root} is not a folder` },
    ]);
  }
  // A file that does not parse is named by the writer's index before the loader reads.
  const texts = await readRepositoryTexts(abs);
  const index = indexFor(texts, plan);
  const read = await readRepositoryClusters(abs, plan.request.cluster, {
    texts,
  });
  return writeChange({ ...options, layout, read, index });
}

/**
 * Writes an onboarding into a repository read already: `onboardRepository` reads it
 * once for the plan and the writer, and has checked the layout.
 */
export async function writeOnboardingWith(options: {
  root: string;
  plan: OnboardingPlan;
  layout: Required<GitopsLayout>;
  dryRun?: boolean;
  read: RepositoryClusters;
}): Promise<WriteOnboardingResult> {
  checkNames(options.plan);
  return writeChange({
    ...options,
    index: indexFor(options.read.texts, options.plan),
  });
}

async function writeChange(options: {
  root: string;
  plan: OnboardingPlan;
  layout: Required<GitopsLayout>;
  dryRun?: boolean;
  read: RepositoryClusters;
  index: RepoIndex;
}): Promise<WriteOnboardingResult> {
  const { plan, layout, read, index: repo } = options;
  const root = path.resolve(options.root);
  const { cluster, namespace, service } = plan.request;
  const scope = read.clusters.find(c => c.name === cluster);
  if (!scope) {
    throw new OnboardingRequestError([
      {
        path: 'cluster',
        message: `no cluster "${cluster}" in the repository (it holds: ${read.clusters
          .map(c => c.name)
          .join(', ')})`,
      },
    ]);
  }
  const others = read.clusters.filter(c => c !== scope);
  // What this cluster renders, and files in its folders that nothing renders (listed in
  // no kustomization: likely meant to be): other clusters' objects are not in the way.
  const rendersNowhere = (file: string) =>
    !others.some(o => o.resourceFiles.has(file)) &&
    scope.folders.some(f => inFolder(file, f));
  const documents = repo.documents.filter(
    d => scope.resourceFiles.has(d.file) || rendersNowhere(d.file),
  );
  const values = { cluster, namespace, service };
  const namespaceFile = fillTemplate(
    layout.namespaceFile,
    values,
    read.hasClustersFolder,
  );
  const serviceDir = fillTemplate(
    layout.serviceDir,
    values,
    read.hasClustersFolder,
  );
  const namespaceDir =
    path.posix.dirname(namespaceFile) === '.'
      ? ''
      : path.posix.dirname(namespaceFile);

  const change = new ChangeSet(root, read.texts);
  const newDirs = new Set<string>();
  const patchFiles = new Set<string>();
  const planCreate = async (rel: string, text: string, holds: string) => {
    const dir = rel.includes('/') ? path.posix.dirname(rel) : '';
    if (!(await change.existedBefore(dir))) newDirs.add(dir);
    await change.create(rel, text, holds);
  };

  await labelNamespace({
    change,
    plan,
    scope,
    others,
    documents,
    createPatch: async (file, text) => {
      await change.create(file, text, `the patch of Namespace ${namespace}`);
      patchFiles.add(file);
    },
    createNamespace: () =>
      planCreate(namespaceFile, namespaceText(plan), `Namespace ${namespace}`),
  });

  // Each resource: left alone where the repository holds it already, else a new file.
  // Namespace-wide resources first, so a new namespace folder lists them before the service.
  const isNamespaceWide = (r: OnboardingResource) =>
    (r.kind === 'AuthorizationPolicy' &&
      !('selector' in r.spec) &&
      !('targetRefs' in r.spec)) ||
    r.kind === 'Gateway' ||
    (r.kind === 'NetworkPolicy' &&
      Object.keys(r.spec.podSelector ?? {}).length === 0);
  const ordered = [
    ...plan.resources.filter(isNamespaceWide),
    ...plan.resources.filter(r => !isNamespaceWide(r)),
  ];
  for (const resource of ordered) {
    // Group, kind, namespace and name: one object whatever version each file spells.
    const key = objectKey(resource);
    const existing = documents.filter(d => objectKey(d.object) === key);
    const different = existing.find(d => !sameContent(d.object, resource));
    if (different && sameContent(different.object, flipDryRun(resource))) {
      throw new GitopsConflictError(
        isDryRunMetadata(different.object.metadata)
          ? `${different.file}: ${describe(
              resource,
            )} already exists in dry-run (istio.io/dry-run); enforce it with the "${promoteTemplateTitle}" template (zero-trust:policy:promote) rather than onboarding again`
          : `${different.file}: ${describe(
              resource,
            )} already exists and is enforced; a dry-run rollout would not take it back to dry-run: onboard with rollout "enforce", or annotate it by hand`,
        different.file,
      );
    }
    if (different) {
      throw new GitopsConflictError(
        `${different.file}: ${describe(
          resource,
        )} already exists with other content; align it with the request, rename it, or remove it`,
        different.file,
      );
    }
    if (existing.length) continue;
    const dir = isNamespaceWide(resource) ? namespaceDir : serviceDir;
    await planCreate(
      dir ? `${dir}/${fileNameFor(resource)}` : fileNameFor(resource),
      manifestText(resource, plan),
      describe(resource),
    );
  }

  const created = change.created().filter(f => !patchFiles.has(f));
  for (const file of created) {
    const dir = file.includes('/') ? path.posix.dirname(file) : '';
    await listInKustomization(
      change,
      dir,
      path.posix.basename(file),
      newDirs.has(dir),
    );
  }
  await change.checkInsideRoot();
  for (const file of created) {
    if (isKustomizationFile(file)) continue;
    await checkReaches(change, file, scope, others);
  }
  if (!options.dryRun) await change.commit();
  return { changes: change.changes(), diff: change.diff() };
}
