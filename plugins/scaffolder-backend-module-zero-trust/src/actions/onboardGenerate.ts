import { promises as fs } from 'node:fs';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { CustomErrorBase, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z as zod } from 'zod/v3';
import { onboardRepository } from '@zero-trust/backstage-plugin-zero-trust-node';
import { PlainGitForge } from '@zero-trust/backstage-plugin-zero-trust-node/forges';
import {
  branchName,
  commitMessage,
  describePullRequest,
  pullRequestTitle,
} from '../onboarding/describePullRequest';
import { writeGeneratedOnboarding } from '../onboarding/generatedOnboarding';
import { GitopsRepositories } from '../gitops/GitopsRepositories';
import { MeshIdentities } from '../onboarding/MeshIdentities';
import { onboardingRequestInput } from '../onboarding/requestInput';
import {
  asInputError,
  checkLayout,
  rejectUnknownInputs,
  toOnboardingRequest,
} from '../onboarding/toOnboardingRequest';
import {
  Redactor,
  redactingLogger,
} from '@zero-trust/backstage-plugin-zero-trust-node/git';
import { examples } from './onboardGenerate.examples';

type Z = typeof zod;

const inputSchema = {
  ...onboardingRequestInput,
  targetPath: (z: Z) =>
    z
      .string({
        description:
          'The workspace folder holding the GitOps checkout. Default: the workspace itself. Where it is empty, the GitOps repository is cloned into it first (nothing is pushed), and zero-trust:gitops:pull-request can publish it (its sourcePath).',
      })
      .optional(),
  repoUrl: (z: Z) =>
    z
      .string({
        description:
          'The GitOps repository to clone into an empty targetPath: host?owner=OWNER&repo=REPO, or the configured file:// plain git repository. Default: zeroTrust.gitops.repoUrl, else zeroTrust.gitops.plainGit.',
      })
      .optional(),
  targetBranch: (z: Z) =>
    z
      .string({
        description:
          "The branch to clone. Default: zeroTrust.gitops.baseBranch, else the repository's default branch.",
      })
      .optional(),
};
const inputFields = Object.keys(inputSchema);

/**
 * The forge or git refused the clone (unreachable, no access): the message says what.
 *
 * @public
 */
export class GitopsCheckoutError extends CustomErrorBase {}

/** @public */
export interface CreateOnboardGenerateActionOptions {
  /** Clones the GitOps repository into an empty `targetPath`; without it one must be there. */
  repositories?: GitopsRepositories;
  /** Resolves `entityRef` callers; without it they are an InputError. */
  identities?: Pick<MeshIdentities, 'resolveCallers'>;
}

async function isEmpty(dir: string): Promise<boolean> {
  try {
    return (await fs.readdir(dir)).length === 0;
  } catch {
    return true;
  }
}

/**
 * `zero-trust:onboard:generate`: writes a service's onboarding into a GitOps checkout in
 * the workspace, as `npx zero-trust onboard` does (the same `onboardRepository`), and
 * outputs what a pull request would say about it. Where it cloned the checkout, it keeps
 * what it generated beside it, and `zero-trust:gitops:pull-request` publishes that
 * checkout: the request is given, its callers resolved, the repository cloned and
 * parsed once per run.
 *
 * @public
 */
export function createOnboardGenerateAction(
  options: CreateOnboardGenerateActionOptions = {},
) {
  return createTemplateAction({
    id: 'zero-trust:onboard:generate',
    description:
      "Writes a service's zero-trust onboarding (namespace injection label, DestinationRule, PeerAuthentication, AuthorizationPolicies) into a GitOps checkout in the workspace, editing existing files in place.",
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: {
        changedFiles: z =>
          z.array(z.string(), {
            description:
              'The files created or modified, relative to the checkout; empty when it already holds the onboarding.',
          }),
        diff: z => z.string({ description: 'A unified diff of the change.' }),
        spiffeId: z => z.string({ description: "The service's SPIFFE ID." }),
        trustDomain: z =>
          z.string({ description: "The service's trust domain." }),
        cluster: z => z.string({ description: 'The cluster onboarded into.' }),
        selector: z =>
          z.record(z.string(), z.string(), {
            description:
              "The pod labels the policies select: the request's, else the workload's, else app=<service>. The annotate step's selector.",
          }),
        branch: z =>
          z.string({
            description:
              'The branch name the pull request action uses for this service.',
          }),
        title: z =>
          z.string({ description: 'A pull request title for the change.' }),
        description: z =>
          z.string({
            description:
              'A pull request description (Markdown): identity, files, callers before and after, findings, what to check.',
          }),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const redactor = new Redactor();
      const logger = redactingLogger(ctx.logger, redactor);
      rejectUnknownInputs(input, inputFields);
      const layout = checkLayout(input.layout);
      // Recorded as asked: entity callers as entities, not the principals they resolve to.
      const asked = toOnboardingRequest(input);
      let request = asked;
      if (request.allowedCallers.some(c => 'entityRef' in c)) {
        if (!options.identities) {
          throw new InputError(
            'entityRef callers need the zero-trust backend to resolve them; use workload, principal or namespace',
          );
        }
        // On behalf of the user: the catalog decides whose identities they may name.
        request = await options.identities.resolveCallers(
          request,
          await ctx.getInitiatorCredentials(),
        );
      }
      let root: string;
      try {
        root = resolveSafeChildPath(ctx.workspacePath, input.targetPath ?? '.');
      } catch {
        throw new InputError(
          `targetPath ${input.targetPath} is outside the workspace`,
        );
      }
      let cloned:
        | { base: string; cloneUrl: string; repoUrls: string[] }
        | undefined;
      if (await isEmpty(root)) {
        if (!options.repositories) {
          throw new InputError(
            `targetPath ${input.targetPath ?? '.'} holds no GitOps checkout`,
          );
        }
        const forge = options.repositories.forge(input.repoUrl, redactor);
        await fs.mkdir(root, { recursive: true });
        try {
          const checkout = await options.repositories.checkout({
            forge,
            dir: root,
            redactor,
            logger,
            base: input.targetBranch,
          });
          cloned = {
            base: checkout.base,
            cloneUrl: checkout.cloneUrl,
            // The plain git remote may stand for a forge's repository, which its
            // Applications name.
            repoUrls:
              forge instanceof PlainGitForge
                ? options.repositories.config.plainGit?.repoUrls ?? []
                : [],
          };
        } catch (error) {
          const clean = redactor.scrub(error);
          if (clean instanceof InputError) throw clean;
          throw new GitopsCheckoutError(
            `Could not clone ${forge.name}: ${clean.message}`,
          );
        }
      }

      // Writing into the task's own workspace is not checkpointed: it is idempotent, and
      // a retried task may run in a fresh workspace, where a checkpoint would skip it.
      const result = await onboardRepository({
        root,
        request,
        layout,
        dryRun: ctx.isDryRun,
        ...(cloned?.repoUrls.length ? { repoUrls: cloned.repoUrls } : {}),
      }).catch(error => {
        throw asInputError(error);
      });

      const changedFiles = result.changes.map(c => c.path);
      const { plan } = result;
      const title = pullRequestTitle(plan);
      const description = describePullRequest({
        ...result,
        component: input.component,
        owner: input.owner,
        requestedBy: ctx.user?.ref,
      });
      logger.info(
        changedFiles.length
          ? `${ctx.isDryRun ? 'Would change' : 'Changed'} ${changedFiles.join(
              ', ',
            )}`
          : 'The repository already holds this onboarding; nothing to change',
      );
      ctx.output('changedFiles', changedFiles);
      ctx.output('diff', result.diff);
      ctx.output('spiffeId', plan.spiffeId);
      ctx.output('trustDomain', plan.trustDomain);
      ctx.output('cluster', plan.cluster);
      ctx.output('selector', plan.request.selector);
      ctx.output('branch', branchName(plan));
      ctx.output('title', title);
      ctx.output('description', description);

      if (cloned) {
        await writeGeneratedOnboarding(root, {
          repoUrl: input.repoUrl,
          base: cloned.base,
          cloneUrl: cloned.cloneUrl,
          branch: branchName(plan),
          title,
          description,
          commitMessage: commitMessage(plan, ctx.user?.ref),
          changedFiles,
          diff: result.diff,
          spiffeId: plan.spiffeId,
          record: {
            request: asked,
            entityRef: input.component,
            cluster: plan.cluster,
            namespace: plan.request.namespace,
            service: plan.request.service,
            change: {
              namespace: plan.request.namespace,
              namespaceLabels: plan.namespaceLabels,
              resources: plan.resources,
            },
          },
        });
      }
    },
  });
}
