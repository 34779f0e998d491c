import {
  MeshModel,
  OnboardingPlan,
  OnboardingPreview,
  OnboardingRequest,
  OnboardingRequestError,
  buildClusterState,
  planOnboarding,
  previewOnboarding,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { parseCertificates } from '../certificates/parseCertificates';
import { readRepositoryClusters } from './clusterScopes';
import { validateLayout } from './layout';
import { GitopsLayout, WriteOnboardingResult } from './types';
import { writeOnboardingWith } from './writeOnboarding';

/** @public */
export interface OnboardRepositoryOptions {
  /** The GitOps working copy (a plain folder or a git work tree). */
  root: string;
  /**
   * A parsed request (`parseOnboardingRequest`). `entityRef` callers must already be
   * resolved to principals: only Backstage can.
   */
  request: OnboardingRequest;
  layout?: GitopsLayout;
  /**
   * Other URLs the repository is known by (the CLI's `--repo-url`, the plain git
   * remote's `repoUrls`): Argo CD Applications and Flux Kustomizations whose source is
   * one of them, or the checkout's `origin`, are followed to their paths.
   */
  repoUrls?: string[];
  /** Plan, preview and diff, write nothing. */
  dryRun?: boolean;
}

/** @public */
export interface OnboardRepositoryResult extends WriteOnboardingResult {
  plan: OnboardingPlan;
  /** What the change does to access, against the repository as it was. */
  preview: OnboardingPreview;
  /** The clusters the repository holds, as the engine named them. */
  clusters: string[];
}

/**
 * Onboards a service into a GitOps checkout: loads the checkout's manifests, plans the
 * onboarding against them, previews its effect on access and writes the change (in place,
 * comments kept, nothing written on error). The CLI's `onboard` command and the
 * scaffolder actions both run this, so they cannot drift apart.
 *
 * @throws OnboardingRequestError for an invalid request or layout, an unknown cluster or
 *   a caller that resolves to nothing; GitopsConflictError or ManifestError for a
 *   repository that cannot take the change.
 * @public
 */
export async function onboardRepository(
  options: OnboardRepositoryOptions,
): Promise<OnboardRepositoryResult> {
  const { root, request, layout, dryRun, repoUrls } = options;
  // A layout that leaves the repository is refused before anything is read.
  const checkedLayout = validateLayout(layout);
  // One read of the repository, as its GitOps controllers apply it, serves the plan and
  // the writer (which must know what each cluster renders from which file).
  const read = await readRepositoryClusters(
    root,
    request.cluster,
    repoUrls?.length ? { repoUrls } : {},
  );
  const states = read.clusters.map(c =>
    buildClusterState(c.name, c.objects, { parseCertificates }),
  );
  const clusters = states.map(s => s.name);
  if (request.cluster && !clusters.includes(request.cluster)) {
    throw new OnboardingRequestError([
      {
        path: 'cluster',
        message: `no cluster "${
          request.cluster
        }" in the repository (it holds: ${clusters.join(', ')})`,
      },
    ]);
  }
  const model = new MeshModel(states);
  const plan = planOnboarding(request, model, {
    cluster:
      request.cluster ?? (clusters.length === 1 ? clusters[0] : undefined),
  });
  const preview = previewOnboarding(plan, model);
  const written = await writeOnboardingWith({
    root,
    plan,
    layout: checkedLayout,
    dryRun,
    read,
  });
  return { ...written, plan, preview, clusters };
}
