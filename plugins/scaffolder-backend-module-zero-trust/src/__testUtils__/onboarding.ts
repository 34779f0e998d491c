import { createGitopsPullRequestAction } from '../actions/gitopsPullRequest';
import { createOnboardGenerateAction } from '../actions/onboardGenerate';
import { GitopsRepositories } from '../gitops/GitopsRepositories';
import { MeshIdentities } from '../onboarding/MeshIdentities';
import { OnboardingRequestRecorder } from '../onboarding/OnboardingRequestRecorder';
import { ActionContextOptions, runAction } from './actionContext';
import { temporaryFolder } from './repositories';

/** The template's two onboarding steps, built as the module builds them. */
export function onboardingActions(options: {
  repositories: GitopsRepositories;
  identities?: Pick<MeshIdentities, 'resolveCallers'>;
  recorder?: Pick<OnboardingRequestRecorder, 'record'>;
}) {
  return {
    generate: createOnboardGenerateAction(options),
    pullRequest: createGitopsPullRequestAction(options),
  };
}

/**
 * Runs them as the template does: `zero-trust:onboard:generate` with the request into
 * `gitops` in one task workspace, then `zero-trust:gitops:pull-request` publishing that
 * checkout. Resolves to the pull request step's outputs, both steps' log lines, and the
 * generate step's outputs.
 */
export async function runOnboarding(
  actions: ReturnType<typeof onboardingActions>,
  input: Record<string, unknown>,
  options: ActionContextOptions = {},
) {
  const workspacePath =
    options.workspacePath ?? (await temporaryFolder('zt-ws-'));
  const generated = await runAction(
    actions.generate,
    { ...input, targetPath: 'gitops' },
    { ...options, workspacePath },
  );
  const published = await runAction(
    actions.pullRequest,
    { sourcePath: 'gitops' },
    { ...options, workspacePath },
  );
  return {
    ...published,
    lines: [...generated.lines, ...published.lines],
    generated: generated.outputs,
  };
}
