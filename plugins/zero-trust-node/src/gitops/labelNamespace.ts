import path from 'node:path';
import {
  YamlEditError,
  setMapEntries,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { ChangeSet } from './ChangeSet';
import { ClusterScope, ScopeUnit } from './clusterScopes';
import { GitopsConflictError } from './GitopsConflictError';
import { listPatch } from './kustomize';
import { RepoDocument } from './repoIndex';
import { WriteOnboardingOptions } from './types';

const isNamespaceNamed = (o: unknown, name: string) => {
  const obj = o as { apiVersion?: string; kind?: string; metadata?: any };
  return (
    obj?.kind === 'Namespace' &&
    (obj.apiVersion === 'v1' || obj.apiVersion === undefined) &&
    obj.metadata?.name === name
  );
};

/**
 * Whether one of the unit's patches may touch the Namespace: then an edit of the base
 * could be undone by it, and the labels go in a patch of the overlay's own, applied last.
 */
async function patchesNamespace(
  change: ChangeSet,
  unit: ScopeUnit,
  namespace: string,
): Promise<boolean> {
  for (const patch of unit.patches) {
    if (patch.targetKind === 'Namespace') return true;
    const text =
      patch.inline ?? (patch.file ? await change.read(patch.file) : '');
    if (
      text &&
      /\bkind:\s*["']?Namespace\b/.test(text) &&
      text.includes(namespace)
    )
      return true;
  }
  return false;
}

/** A strategic-merge patch that adds the labels to the Namespace the base holds. */
function namespacePatchText(
  plan: WriteOnboardingOptions['plan'],
  cluster: string,
): string {
  const labels = Object.entries(plan.namespaceLabels)
    .map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`)
    .join('\n');
  return `# Namespace ${plan.request.namespace} joins the mesh in cluster ${cluster} only: its base is not this cluster's alone.
apiVersion: v1
kind: Namespace
metadata:
  name: ${plan.request.namespace}
  labels:
${labels}
`;
}

/**
 * The namespace's labels, on the Namespace this cluster renders: nothing where the
 * rendered one carries them already; edited in place where only this cluster reads its
 * file and no patch of its render may touch it; else a strategic-merge patch in the
 * kustomization that renders it, where that one is this cluster's alone; a new
 * Namespace where the cluster renders none.
 */
export async function labelNamespace(args: {
  change: ChangeSet;
  plan: WriteOnboardingOptions['plan'];
  scope: ClusterScope;
  others: ClusterScope[];
  documents: RepoDocument[];
  createPatch: (file: string, text: string) => Promise<void>;
  createNamespace: () => Promise<void>;
}) {
  const { change, plan, scope, others, documents } = args;
  const { namespace } = plan.request;
  const labels = plan.namespaceLabels;
  const unit = scope.units.find(u =>
    u.objects.some(o => isNamespaceNamed(o.object, namespace)),
  );
  const rendered = unit?.objects.find(o =>
    isNamespaceNamed(o.object, namespace),
  )?.object as { metadata?: { labels?: Record<string, string> } } | undefined;
  if (
    rendered &&
    Object.entries(labels).every(
      ([k, v]) => rendered.metadata?.labels?.[k] === v,
    )
  ) {
    return;
  }
  // The file the rendered Namespace comes from: matched by kind and name among the files
  // the unit renders (kustomize's origin annotations would name the file too, but only
  // through a rewritten copy of each kustomization, and the edit needs the document).
  const namespaceDoc = documents.find(
    d =>
      isNamespaceNamed(d.object, namespace) &&
      (unit ? unit.resourceFiles : scope.resourceFiles).has(d.file),
  );
  const sharedWith = namespaceDoc
    ? others.filter(o => o.resourceFiles.has(namespaceDoc.file))
    : [];
  const patched = unit
    ? await patchesNamespace(change, unit, namespace)
    : false;
  const shown = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

  if (namespaceDoc && !sharedWith.length && !patched) {
    if (namespaceDoc.inList) {
      throw new GitopsConflictError(
        `${namespaceDoc.file}: Namespace ${namespace} is inside a List, which cannot be edited in place; set ${shown} on it by hand`,
        namespaceDoc.file,
      );
    }
    try {
      await change.edit(namespaceDoc.file, text =>
        setMapEntries(
          text,
          namespaceDoc.index,
          ['metadata', 'labels'],
          labels,
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
    return;
  }
  if (!rendered && !namespaceDoc) {
    await args.createNamespace();
    return;
  }
  const overlay = unit?.kustomizationFile;
  if (!overlay || others.some(o => o.kustomizationFiles.has(overlay))) {
    const file = namespaceDoc?.file ?? overlay ?? '';
    throw new GitopsConflictError(
      `${file}: Namespace ${namespace} is rendered for cluster${
        sharedWith.length ? 's' : ''
      } ${[scope.name, ...sharedWith.map(o => o.name)].join(
        ', ',
      )} from this file, and no kustomization of cluster ${
        scope.name
      } alone renders it to patch; set ${shown} on it by hand`,
      file,
    );
  }
  const dir = path.posix.dirname(overlay);
  const patchName = `namespace-${namespace}-labels.yaml`;
  await args.createPatch(
    dir === '.' ? patchName : `${dir}/${patchName}`,
    namespacePatchText(plan, scope.name),
  );
  await listPatch(change, overlay, patchName);
}
