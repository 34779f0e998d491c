import type { OnboardingPullRequest } from '@zero-trust/backstage-plugin-zero-trust-common';

/**
 * The URL when a browser can open it: http or https only. A plain git branch's `url` is
 * often the remote's `file://` path, and a URL from the database is never trusted to be
 * a safe link target (`javascript:`).
 */
export function browsableUrl(url: string): string | undefined {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** `acme/gitops#42` on GitHub, `group/gitops!42` on GitLab, the branch for plain git. */
export function pullRequestName(pr: OnboardingPullRequest): string {
  if (pr.provider === 'git' || pr.number === undefined) return pr.branch;
  return `${pr.repository}${pr.provider === 'gitlab' ? '!' : '#'}${pr.number}`;
}
