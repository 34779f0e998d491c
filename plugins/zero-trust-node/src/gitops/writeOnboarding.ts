import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  OnboardingRequestError,
  OnboardingResource,
  YamlEditError,
  fileNameFor,
  manifestText,
  namespaceText,
  objectKey,
  sameContent,
  setMapEntries,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { ChangeSet } from './ChangeSet';
import { GitopsConflictError } from './GitopsConflictError';
import { listInKustomization } from './kustomize';
import { fillTemplate, validateLayout } from './layout';
import { RepoDocument, indexRepo } from './repoIndex';
import { WriteOnboardingOptions, WriteOnboardingResult } from './types';

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

/**
 * Writes an onboarding plan into a GitOps working copy, the change a pull request
 * would carry: the namespace's labels set on the repository's own Namespace manifest
 * (edited in place: comments, key order and untouched lines stay byte for byte), else
 * a new one at the layout's place; each manifest of the plan in a new file unless the
 * repository already holds it (same content: left alone; other content: a conflict);
 * each new file listed in the nearest kustomization. Everything is computed in memory
 * first and written only once it all succeeded; with `dryRun` nothing is written.
 * Applying the same plan again changes nothing.
 *
 * @throws OnboardingRequestError for a layout that leaves the root (before anything is read)
 * @throws GitopsConflictError naming the file: a resource of the same name with other
 *   content, a YAML file that does not parse, a file in the way
 * @public
 */
export async function writeOnboarding(
  options: WriteOnboardingOptions,
): Promise<WriteOnboardingResult> {
  const layout = validateLayout(options.layout);
  const { plan } = options;
  const root = path.resolve(options.root);
  const isDir = await fs
    .stat(root)
    .then(s => s.isDirectory())
    .catch(() => false);
  if (!isDir) {
    throw new OnboardingRequestError([
      { path: 'root', message: `${options.root} is not a folder` },
    ]);
  }

  checkNames(plan);
  const repo = await indexRepo(root, [
    'Namespace',
    ...plan.resources.map(r => r.kind),
  ]);
  const { cluster, namespace, service } = plan.request;
  // Another cluster's folder holds another cluster's objects: same names, no conflict.
  const inScope = (d: RepoDocument) =>
    !repo.hasClustersFolder ||
    !d.file.startsWith('clusters/') ||
    d.file.startsWith(`clusters/${cluster}/`);
  const documents = repo.documents.filter(inScope);
  const values = { cluster, namespace, service };
  const namespaceFile = fillTemplate(
    layout.namespaceFile,
    values,
    repo.hasClustersFolder,
  );
  const serviceDir = fillTemplate(
    layout.serviceDir,
    values,
    repo.hasClustersFolder,
  );
  const namespaceDir =
    path.posix.dirname(namespaceFile) === '.'
      ? ''
      : path.posix.dirname(namespaceFile);

  const change = new ChangeSet(root, repo.texts);
  const newDirs = new Set<string>();
  const planCreate = async (rel: string, text: string, holds: string) => {
    const dir = rel.includes('/') ? path.posix.dirname(rel) : '';
    if (!(await change.existedBefore(dir))) newDirs.add(dir);
    await change.create(rel, text, holds);
  };

  // The namespace's labels, on its existing manifest where there is one.
  const namespaceDoc = documents.find(
    d =>
      d.object.kind === 'Namespace' &&
      (d.object.apiVersion === 'v1' || d.object.apiVersion === undefined) &&
      d.object.metadata?.name === namespace,
  );
  if (namespaceDoc) {
    if (namespaceDoc.inList) {
      throw new GitopsConflictError(
        `${
          namespaceDoc.file
        }: Namespace ${namespace} is inside a List, which cannot be edited in place; set ${Object.entries(
          plan.namespaceLabels,
        )
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')} on it by hand`,
        namespaceDoc.file,
      );
    }
    try {
      await change.edit(namespaceDoc.file, text =>
        setMapEntries(
          text,
          namespaceDoc.index,
          ['metadata', 'labels'],
          plan.namespaceLabels,
          namespaceDoc.json,
        ),
      );
    } catch (e) {
      if (!(e instanceof YamlEditError)) throw e;
      throw new GitopsConflictError(
        `${namespaceDoc.file}: cannot set the labels of Namespace ${namespace} in place (${e.message}); set them by hand`,
        namespaceDoc.file,
      );
    }
  } else {
    await planCreate(
      namespaceFile,
      namespaceText(plan),
      `Namespace ${namespace}`,
    );
  }

  // Each resource: left alone where the repository holds it already, else a new file.
  // Namespace-wide resources first, so a new namespace folder lists them before the service.
  const isNamespaceWide = (r: OnboardingResource) =>
    (r.kind === 'AuthorizationPolicy' && !('selector' in r.spec)) ||
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

  for (const file of change.created()) {
    const dir = file.includes('/') ? path.posix.dirname(file) : '';
    await listInKustomization(
      change,
      dir,
      path.posix.basename(file),
      newDirs.has(dir),
    );
  }

  await change.checkInsideRoot();
  if (!options.dryRun) await change.commit();
  return { changes: change.changes(), diff: change.diff() };
}
