import {
  MeshModel,
  ObservedTraffic,
  TighteningPlan,
  UsageWindow,
  WorkloadUsage,
  YamlEditError,
  buildClusterState,
  objectKey,
  objectKeyOf,
  planTightening,
  replaceMapValue,
  workloadUsage,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { parseCertificates } from '../certificates/parseCertificates';
import { ChangeSet } from './ChangeSet';
import { GitopsConflictError } from './GitopsConflictError';
import { readChangeScope } from './clusterScopes';
import { indexRepo } from './repoIndex';
import { WriteOnboardingResult } from './types';

/** @public */
export interface TightenRepositoryOptions {
  /** The GitOps working copy. */
  root: string;
  /** May be left out where the repository holds one cluster. */
  cluster?: string;
  /** `NAMESPACE/NAME` of the workload whose callers to narrow. */
  workload: string;
  /** What the cluster's Prometheus reported over the window (node's telemetry reader). */
  traffic: readonly ObservedTraffic[];
  window: UsageWindow;
  /** Other URLs the repository is known by (see `onboardRepository`). */
  repoUrls?: string[];
  /** Compute the change and its diff, write nothing. */
  dryRun?: boolean;
}

/** @public */
export interface TightenRepositoryResult extends WriteOnboardingResult {
  cluster: string;
  /** The workload's allowed callers against the traffic: the evidence. */
  usage: WorkloadUsage;
  plan: TighteningPlan;
}

/**
 * Narrows a workload's ALLOW policies in a GitOps working copy to the callers the
 * traffic shows it used (common's `planTightening`), editing each policy's `spec.rules`
 * in place in the file the cluster renders it from (every other line kept); nothing is
 * written unless every edit succeeds.
 *
 * @throws OnboardingRequestError for a cluster the repository does not hold;
 *   UnknownReferenceError for a workload it does not run
 * @throws GitopsConflictError naming the file: a policy a patch or generator renders, one
 *   in a `kind: List` or in a flow map, or one whose file another cluster renders too
 * @public
 */
export async function tightenRepository(
  options: TightenRepositoryOptions,
): Promise<TightenRepositoryResult> {
  const { root, repoUrls } = options;
  const { read, scope } = await readChangeScope(
    root,
    options.cluster,
    repoUrls,
  );
  const { texts } = read;
  const model = new MeshModel(
    read.clusters.map(c =>
      buildClusterState(c.name, c.objects, { parseCertificates }),
    ),
  );
  const workload = model.resolveWorkload(`${scope.name}/${options.workload}`);
  const usage = workloadUsage(model, workload, options.traffic, options.window);
  const plan = planTightening(model, workload, usage);

  const others = read.clusters.filter(c => c !== scope);
  const index = indexRepo(texts, ['AuthorizationPolicy']);
  const change = new ChangeSet(root, texts);
  for (const policy of plan.policies) {
    const key = objectKeyOf(
      'security.istio.io',
      'AuthorizationPolicy',
      policy.namespace,
      policy.name,
    );
    const documents = index.documents.filter(
      d => scope.resourceFiles.has(d.file) && objectKey(d.object) === key,
    );
    if (!documents.length) {
      throw new GitopsConflictError(
        `AuthorizationPolicy ${policy.policy}: cluster ${scope.name} renders it, but no manifest of the repository holds it as such (a kustomize patch or generator makes it); narrow it there by hand`,
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
          } it too, where the traffic of cluster ${
            scope.name
          } says nothing; narrow AuthorizationPolicy ${
            policy.policy
          } with a patch in cluster ${scope.name}'s overlay instead`,
          d.file,
        );
      }
      if (d.inList) {
        throw new GitopsConflictError(
          `${d.file}: AuthorizationPolicy ${policy.policy} is an item of a kind: List, which cannot be edited in place`,
          d.file,
        );
      }
      await change.edit(d.file, text => {
        try {
          return replaceMapValue(
            text,
            d.index,
            ['spec'],
            'rules',
            policy.rules,
          );
        } catch (e) {
          if (!(e instanceof YamlEditError)) throw e;
          throw new GitopsConflictError(
            `${d.file}: AuthorizationPolicy ${policy.policy} cannot be edited in place (${e.message}); narrow its rules by hand`,
            d.file,
          );
        }
      });
    }
  }
  await change.checkInsideRoot();
  if (!options.dryRun) await change.commit();
  return {
    cluster: scope.name,
    usage,
    plan,
    changes: change.changes(),
    diff: change.diff(),
  };
}
