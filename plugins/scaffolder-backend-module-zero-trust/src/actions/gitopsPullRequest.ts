import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { CustomErrorBase, InputError, isError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z as zod } from 'zod/v3';
import {
  PullRequestRef,
  publishBranch,
} from '@zero-trust/backstage-plugin-zero-trust-node/forges';
import {
  Redactor,
  redactingLogger,
} from '@zero-trust/backstage-plugin-zero-trust-node/git';
import { GitopsRepositories } from '../gitops/GitopsRepositories';
import { readGeneratedOnboarding } from '../onboarding/generatedOnboarding';
import { OnboardingRequestRecorder } from '../onboarding/OnboardingRequestRecorder';
import { rejectUnknownInputs } from '../onboarding/toOnboardingRequest';
import { examples } from './gitopsPullRequest.examples';

type Z = typeof zod;

const inputSchema = {
  sourcePath: (z: Z) =>
    z
      .string({
        description:
          "The workspace folder holding the checkout zero-trust:onboard:generate cloned and wrote (its targetPath). Default: the workspace itself. The repository, the base branch and the pull request's text are the generate step's.",
      })
      .optional(),
};
const inputFields = Object.keys(inputSchema);

/** The forge or git refused something the action asked: the message says what. */
export class GitopsPullRequestError extends CustomErrorBase {}

/** @public */
export interface CreateGitopsPullRequestActionOptions {
  repositories: GitopsRepositories;
  /** Records each pull request with the zero-trust backend, which follows it. */
  recorder?: Pick<OnboardingRequestRecorder, 'record'>;
}

/**
 * `zero-trust:gitops:pull-request`: publishes the checkout `zero-trust:onboard:generate`
 * wrote into the task workspace, as Backstage's own publish actions publish
 * `ctx.workspacePath`: commits it on the service's own branch and opens a pull request
 * that explains itself, or updates the one it opened before. A re-run with the same
 * request pushes nothing and returns the same pull request.
 *
 * @public
 */
export function createGitopsPullRequestAction(
  options: CreateGitopsPullRequestActionOptions,
) {
  const { repositories, recorder } = options;
  return createTemplateAction({
    id: 'zero-trust:gitops:pull-request',
    description:
      "Opens (or updates) a pull request in the GitOps repository that onboards a service into the mesh: the namespace's injection label, the DestinationRule, PeerAuthentication and AuthorizationPolicies, with a description of who may call it before and after.",
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: {
        pullRequestUrl: z =>
          z
            .string({
              description:
                "The pull (merge) request's URL; for plain git, the pushed branch's link. Absent when the base branch already holds the onboarding and no pull request is open.",
            })
            .optional(),
        pullRequestNumber: z =>
          z
            .number({
              description:
                'The pull request number (the merge request IID on GitLab); absent for plain git.',
            })
            .optional(),
        branch: z =>
          z.string({ description: 'The branch holding the change.' }),
        targetBranch: z =>
          z.string({ description: 'The branch the change targets.' }),
        changedFiles: z =>
          z.array(z.string(), {
            description:
              'The files created or modified, relative to the repository root.',
          }),
        pushed: z =>
          z.boolean({
            description:
              'Whether a new commit was pushed (false when the branch already held this change).',
          }),
        spiffeId: z =>
          z
            .string({
              description:
                "The service's SPIFFE ID (an onboarding's; absent for a promotion or a tightening).",
            })
            .optional(),
        recorded: z =>
          z.boolean({
            description:
              'Whether the zero-trust backend recorded the pull request, to follow it to merge and to the live cluster. False when it could not (the pull request exists either way; the log says why) or nothing was opened.',
          }),
        requestId: z =>
          z
            .string({
              description:
                "The onboarding request's id in the zero-trust backend (GET /api/zero-trust/onboarding/requests/:id), where it was recorded.",
            })
            .optional(),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const redactor = new Redactor();
      const logger = redactingLogger(ctx.logger, redactor);

      rejectUnknownInputs(input, inputFields);
      const named = input.sourcePath ?? '.';
      let dir: string;
      try {
        dir = resolveSafeChildPath(ctx.workspacePath, named);
      } catch {
        throw new InputError(`sourcePath ${named} is outside the workspace`);
      }
      const generated = await readGeneratedOnboarding(dir, named);
      const { branch, base, changedFiles, record } = generated;
      const forge = repositories.forge(generated.repoUrl, redactor);

      try {
        const content = {
          title: generated.title,
          body: generated.description,
        };
        const outputs = (pr: PullRequestRef | undefined, pushed: boolean) => {
          if (pr) ctx.output('pullRequestUrl', redactor.redact(pr.url));
          if (pr?.number !== undefined) {
            ctx.output('pullRequestNumber', pr.number);
          }
          ctx.output('branch', branch);
          ctx.output('targetBranch', base);
          ctx.output('changedFiles', changedFiles);
          ctx.output('pushed', pushed);
          if (generated.spiffeId) ctx.output('spiffeId', generated.spiffeId);
          ctx.output('recorded', false);
        };

        if (!changedFiles.length) {
          logger.info(`${base} already holds this onboarding; nothing to push`);
          outputs(await forge.findOpenPullRequest(branch), false);
          return;
        }
        if (ctx.isDryRun) {
          logger.info(
            `Dry run: would commit ${changedFiles.join(
              ', ',
            )} on ${branch} and open a pull request into ${base}`,
          );
          logger.info(generated.diff);
          outputs({ url: forge.name }, false);
          return;
        }

        const { git, remoteUrl } = await repositories.attach({
          forge,
          dir,
          cloneUrl: generated.cloneUrl,
          redactor,
        });
        const {
          head,
          pushed,
          pullRequest: pr,
          created,
        } = await publishBranch({
          git,
          forge,
          remote: remoteUrl,
          branch,
          base,
          message: generated.commitMessage,
          content,
          checkpoint: ctx.checkpoint,
          logger,
          checkpointPrefix: 'zero-trust',
        });
        if (created) {
          await forge.decoratePullRequest(pr, {
            logger,
            checkpoint: ctx.checkpoint,
          });
        }
        outputs(pr, pushed);

        if (recorder && record) {
          const url = redactor.redact(pr.url);
          // The pull request exists whatever happens here: a failure is logged, not thrown.
          try {
            const id = await ctx.checkpoint({
              key: `zero-trust.record.${forge.name}.${branch}.${head}`,
              fn: async () => {
                const recorded = await recorder.record({
                  ...record,
                  requestedBy: ctx.user?.ref,
                  pullRequest: {
                    ...forge.target,
                    url,
                    ...(pr.number !== undefined ? { number: pr.number } : {}),
                    branch,
                    baseBranch: base,
                    headSha: head,
                  },
                });
                return recorded.id;
              },
            });
            logger.info(
              `Recorded onboarding request ${id}: the zero-trust backend follows ${url} to merge and to the live cluster`,
            );
            ctx.output('recorded', true);
            ctx.output('requestId', id);
          } catch (error) {
            logger.warn(
              `${url} is open, but the zero-trust backend could not record it, so it is not tracked: ${redactor.redact(
                isError(error) ? error.message : String(error),
              )}`,
            );
          }
        }
      } catch (error) {
        const clean = redactor.scrub(error);
        if (clean instanceof InputError) throw clean;
        throw new GitopsPullRequestError(
          `Could not open the pull request "${generated.title}" in ${
            forge.name
          }: ${isError(clean) ? clean.message : String(clean)}`,
        );
      }
    },
  });
}
