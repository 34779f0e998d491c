import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  ClusterState,
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
import { loadManifests } from '../loadManifests';
import { validateLayout } from './layout';
import { GitopsLayout, WriteOnboardingResult } from './types';
import { writeOnboarding } from './writeOnboarding';

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

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await fs.stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The repository as the engine sees it. Each folder under `clusters/` is a cluster (the
 * layout's `clusters/{cluster}/`); without a `clusters/` folder the whole repository is
 * one cluster, named by the request (else `default`, as the CLI names a bare path).
 */
async function loadRepositoryClusters(
  root: string,
  request: OnboardingRequest,
): Promise<ClusterState[]> {
  const clustersDir = path.join(root, 'clusters');
  if (!(await isDirectory(clustersDir))) {
    const name = request.cluster ?? 'default';
    return [
      buildClusterState(name, await loadManifests(root), { parseCertificates }),
    ];
  }
  const entries = await fs.readdir(clustersDir, { withFileTypes: true });
  const names = entries
    .filter(e => e.isDirectory() && !e.name.startsWith('.'))
    .map(e => e.name)
    .sort();
  if (!names.length) {
    throw new OnboardingRequestError([
      {
        path: 'cluster',
        message:
          'the repository has a clusters/ folder with no cluster folder in it',
      },
    ]);
  }
  const states: ClusterState[] = [];
  for (const name of names) {
    states.push(
      buildClusterState(
        name,
        await loadManifests(path.join(clustersDir, name)),
        { parseCertificates },
      ),
    );
  }
  return states;
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
  const { root, request, layout, dryRun } = options;
  // A layout that leaves the repository is refused before anything is read.
  validateLayout(layout);
  const states = await loadRepositoryClusters(root, request);
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
  const written = await writeOnboarding({ root, plan, layout, dryRun });
  return { ...written, plan, preview, clusters };
}
