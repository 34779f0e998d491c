import type { OnboardingPlan } from '@zero-trust/backstage-plugin-zero-trust-common';

/**
 * Where new files go. Placeholders: `{cluster}`, `{namespace}`, `{service}`; paths are
 * relative to the repository root and may not leave it.
 *
 * @public
 */
export interface GitopsLayout {
  /** Default `clusters/{cluster}/namespaces/{namespace}/namespace.yaml`. */
  namespaceFile?: string;
  /** Default `clusters/{cluster}/namespaces/{namespace}/{service}/`. */
  serviceDir?: string;
}

/** @public */
export interface WriteOnboardingOptions {
  /** The working copy (a plain folder or a git work tree). */
  root: string;
  plan: OnboardingPlan;
  layout?: GitopsLayout;
  /** Compute the change and its diff, write nothing. */
  dryRun?: boolean;
}

/** One file the change creates or modifies, relative to the root. @public */
export interface GitopsChange {
  path: string;
  action: 'create' | 'modify';
}

/** @public */
export interface WriteOnboardingResult {
  /** Sorted by path; empty when the repository already holds the onboarding. */
  changes: GitopsChange[];
  /** A unified diff of the change (`a/` and `b/` prefixes). */
  diff: string;
}
