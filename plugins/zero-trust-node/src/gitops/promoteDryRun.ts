import {
  DiffReport,
  MeshModel,
  OnboardingRequestError,
  SourcedObject,
  YamlEditError,
  analyze,
  buildClusterState,
  diffReports,
  dryRunAnnotation,
  dryRunComment,
  isDryRunMetadata,
  objectKey,
  objectKeyOf,
  removeMapEntry,
  setMapEntries,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { parseCertificates } from '../certificates/parseCertificates';
import { ChangeSet } from './ChangeSet';
import { GitopsConflictError } from './GitopsConflictError';
import { readChangeScope } from './clusterScopes';
import { indexRepo } from './repoIndex';
import { WriteOnboardingResult } from './types';

/** An AuthorizationPolicy by namespace and name. @public */
export interface PolicyRef {
  namespace: string;
  name: string;
}

/** @public */
export interface PromoteDryRunOptions {
  /** The GitOps working copy. */
  root: string;
  /** The cluster whose policies to enforce; may be left out where the repository holds one. */
  cluster?: string;
  /** The dry-run AuthorizationPolicies to enforce. */
  policies: PolicyRef[];
  /** Other URLs the repository is known by (see `onboardRepository`). */
  repoUrls?: string[];
  /** Compute the change and its diff, write nothing. */
  dryRun?: boolean;
}

/** @public */
export interface PromoteDryRunResult extends WriteOnboardingResult {
  cluster: string;
  /** `NAMESPACE/NAME` of each policy this change enforces. */
  promoted: string[];
  /** `NAMESPACE/NAME` of each asked-for policy the cluster already enforces. */
  alreadyEnforced: string[];
  /**
   * What enforcing them changes, the engine's diff of the repository's clusters before
   * and after: the callers each workload loses are those the policies will deny.
   */
  report: DiffReport;
}

const ref = (p: PolicyRef) => `${p.namespace}/${p.name}`;
const policyKey = (p: PolicyRef) =>
  objectKeyOf('security.istio.io', 'AuthorizationPolicy', p.namespace, p.name);

/** The rendered object as it is once enforced: the annotation gone. */
function enforced(object: Record<string, any>): Record<string, any> {
  const { [dryRunAnnotation]: _, ...annotations } =
    object.metadata?.annotations ?? {};
  return { ...object, metadata: { ...object.metadata, annotations } };
}

/**
 * Enforces dry-run AuthorizationPolicies in a GitOps working copy: removes their
 * `istio.io/dry-run` annotation in place, in the files the cluster renders them from
 * (every other line kept), or, where the annotation sits in a flow map or a JSON file
 * that cannot be cut line by line, sets it to `"false"`, which Istio reads the same way
 * (https://istio.io/latest/docs/tasks/security/authorization/authz-dry-run/: "remove the
 * dry-run annotation completely; or change the value of the dry-run annotation to
 * false"). Everything is computed in memory and written only once it all succeeded.
 *
 * @throws OnboardingRequestError for a cluster the repository does not hold, or a
 *   policy the cluster does not render
 * @throws GitopsConflictError naming the file: a policy whose annotation comes from a
 *   kustomize patch or a `kind: List`, or whose file another cluster renders too (its
 *   policy would be enforced as well)
 * @public
 */
export async function promoteDryRun(
  options: PromoteDryRunOptions,
): Promise<PromoteDryRunResult> {
  const { root, policies, repoUrls, dryRun } = options;
  const { read, scope } = await readChangeScope(
    root,
    options.cluster,
    repoUrls,
  );
  const { texts } = read;
  const others = read.clusters.filter(c => c !== scope);
  const rendered = new Map(
    scope.objects.map(o => [objectKey(o.object), o.object]),
  );
  const index = indexRepo(texts, ['AuthorizationPolicy']);
  const change = new ChangeSet(root, texts);
  const promoted: string[] = [];
  const alreadyEnforced: string[] = [];
  const missing: string[] = [];
  for (const policy of policies) {
    const object = rendered.get(policyKey(policy)) as
      | Record<string, any>
      | undefined;
    if (!object) {
      missing.push(ref(policy));
      continue;
    }
    if (!isDryRunMetadata(object.metadata)) {
      alreadyEnforced.push(ref(policy));
      continue;
    }
    const documents = index.documents.filter(
      d =>
        scope.resourceFiles.has(d.file) &&
        objectKey(d.object) === policyKey(policy) &&
        isDryRunMetadata(d.object.metadata),
    );
    if (!documents.length) {
      throw new GitopsConflictError(
        `AuthorizationPolicy ${ref(policy)}: cluster ${
          scope.name
        } renders it in dry-run, but no manifest of the repository sets its istio.io/dry-run annotation (a kustomize patch or generator does); remove it there`,
        '',
      );
    }
    for (const d of documents) {
      const sharing = others.filter(o => o.resourceFiles.has(d.file));
      if (sharing.length) {
        throw new GitopsConflictError(
          `${d.file}: cluster${sharing.length > 1 ? 's' : ''} ${sharing
            .map(o => o.name)
            .join(', ')} render${
            sharing.length > 1 ? '' : 's'
          } it too, and would enforce AuthorizationPolicy ${ref(
            policy,
          )} as well; enforce it with a patch in cluster ${
            scope.name
          }'s overlay instead`,
          d.file,
        );
      }
      if (d.inList) {
        throw new GitopsConflictError(
          `${d.file}: AuthorizationPolicy ${ref(
            policy,
          )} is an item of a kind: List, which cannot be edited in place; remove its istio.io/dry-run annotation by hand`,
          d.file,
        );
      }
      await change.edit(d.file, text => {
        // The comment the onboarding wrote above a dry-run policy goes with it.
        const uncommented =
          documents.length === 1
            ? text.replace(`${dryRunComment}\n`, '')
            : text;
        try {
          return removeMapEntry(
            uncommented,
            d.index,
            ['metadata', 'annotations'],
            dryRunAnnotation,
          );
        } catch (e) {
          if (!(e instanceof YamlEditError)) throw e;
          return setMapEntries(
            uncommented,
            d.index,
            ['metadata', 'annotations'],
            { [dryRunAnnotation]: 'false' },
            d.json,
          );
        }
      });
    }
    promoted.push(ref(policy));
  }
  if (missing.length) {
    throw new OnboardingRequestError(
      missing.map(m => ({
        path: 'policies',
        message: `cluster ${scope.name} renders no AuthorizationPolicy ${m}`,
      })),
    );
  }
  await change.checkInsideRoot();

  // Who the policies deny once enforced: the engine's diff of the clusters as rendered
  // now and with the annotation gone.
  const promotedKeys = new Set(
    policies.filter(p => promoted.includes(ref(p))).map(policyKey),
  );
  const state = (name: string, objects: SourcedObject[]) =>
    buildClusterState(name, objects, { parseCertificates });
  const before = new MeshModel(
    read.clusters.map(c => state(c.name, c.objects)),
  );
  const after = new MeshModel(
    read.clusters.map(c =>
      state(
        c.name,
        c === scope
          ? c.objects.map(o =>
              promotedKeys.has(objectKey(o.object))
                ? { ...o, object: enforced(o.object as Record<string, any>) }
                : o,
            )
          : c.objects,
      ),
    ),
  );
  const report = diffReports(analyze(before), analyze(after));
  if (!dryRun) await change.commit();
  return {
    cluster: scope.name,
    promoted,
    alreadyEnforced,
    report,
    changes: change.changes(),
    diff: change.diff(),
  };
}
