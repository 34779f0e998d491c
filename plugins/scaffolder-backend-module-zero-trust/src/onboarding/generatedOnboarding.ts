import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import type { OnboardingRequestRecordInput } from '@zero-trust/backstage-plugin-zero-trust-common';

/**
 * What `zero-trust:onboard:generate` (or `zero-trust:policy:promote`, or
 * `zero-trust:policy:tighten`) wrote into a checkout, kept beside it for
 * `zero-trust:gitops:pull-request`, which publishes that checkout as it is: it clones,
 * parses and asks nothing again, and the template passes the request once.
 */
export interface GeneratedOnboarding {
  /** The repository the checkout was cloned from, as the generate step named it. */
  repoUrl?: string;
  /** The branch it was cloned at, which the pull request targets. */
  base: string;
  /** The URL it was cloned from. */
  cloneUrl: string;
  branch: string;
  title: string;
  /** The pull request's description. */
  description: string;
  commitMessage: string;
  changedFiles: string[];
  diff: string;
  /** The service's SPIFFE ID, where the change is one service's onboarding. */
  spiffeId?: string;
  /**
   * What the zero-trust backend records, less the pull request and who asked; absent
   * where the change is no onboarding request (a tightening), which is then not tracked.
   */
  record?: Omit<OnboardingRequestRecordInput, 'pullRequest' | 'requestedBy'>;
}

/**
 * Inside the checkout's own `.git` folder: it travels with the checkout, is never
 * committed, and no other step's files can be mistaken for it.
 */
const fileOf = (checkout: string) =>
  path.join(checkout, '.git', 'zero-trust-onboarding.json');

export async function writeGeneratedOnboarding(
  checkout: string,
  generated: GeneratedOnboarding,
): Promise<void> {
  await fs.writeFile(fileOf(checkout), JSON.stringify(generated));
}

/** The generate step's record of `checkout`: an InputError where there is none. */
export async function readGeneratedOnboarding(
  checkout: string,
  named: string,
): Promise<GeneratedOnboarding> {
  let text: string;
  try {
    text = await fs.readFile(fileOf(checkout), 'utf8');
  } catch {
    throw new InputError(
      `sourcePath ${named} holds no checkout that zero-trust:onboard:generate cloned; run that step first, with targetPath ${named}`,
    );
  }
  const generated = JSON.parse(text) as GeneratedOnboarding;
  if (
    typeof generated?.branch !== 'string' ||
    typeof generated.base !== 'string' ||
    typeof generated.cloneUrl !== 'string' ||
    !Array.isArray(generated.changedFiles)
  ) {
    throw new InputError(
      `sourcePath ${named}: the generate step's record is unreadable; run zero-trust:onboard:generate again`,
    );
  }
  return generated;
}
