import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z as zod } from 'zod/v3';
import {
  OnboardingRequestRecord,
  OnboardingResource,
  dryRunAnnotation,
  isDryRunMetadata,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { promoteDryRun } from '@zero-trust/backstage-plugin-zero-trust-node';
import {
  Redactor,
  redactingLogger,
} from '@zero-trust/backstage-plugin-zero-trust-node/git';
import { cloneIntoWorkspace } from '../gitops/cloneIntoWorkspace';
import { GitopsRepositories } from '../gitops/GitopsRepositories';
import { writeGeneratedOnboarding } from '../onboarding/generatedOnboarding';
import { RecordedRequests } from '../onboarding/RecordedRequests';
import {
  asInputError,
  rejectUnknownInputs,
} from '../onboarding/toOnboardingRequest';
import {
  describePromotion,
  promotionBranch,
  promotionCommitMessage,
  promotionTitle,
} from '../policy/describePromotion';
import {
  pullRequestTextOutput,
  workspaceCheckoutInput,
} from './policyChangeSchema';
import { examples } from './policyPromote.examples';

type Z = typeof zod;

const inputSchema = {
  requestId: (z: Z) =>
    z
      .string({
        description:
          "The recorded onboarding request (rollout dry-run) whose AuthorizationPolicies to enforce, as the platform page's request tracker names it. Exactly one of requestId and entityRef.",
      })
      .optional(),
  entityRef: (z: Z) =>
    z
      .string({
        description:
          'The catalog entity whose dry-run onboarding to enforce: its one service recorded with rollout dry-run. Exactly one of requestId and entityRef.',
      })
      .optional(),
  ...workspaceCheckoutInput,
};
const inputFields = Object.keys(inputSchema);

/** @public */
export interface CreatePolicyPromoteActionOptions {
  repositories: GitopsRepositories;
  requests: Pick<RecordedRequests, 'get' | 'forEntity'>;
}

const dryRunPolicies = (record: OnboardingRequestRecord) =>
  record.change.resources.filter(
    r => r.kind === 'AuthorizationPolicy' && isDryRunMetadata(r.metadata),
  );

/** The resource as the promotion leaves it: without the annotation. */
function enforcedResource(r: OnboardingResource): OnboardingResource {
  if (!isDryRunMetadata(r.metadata)) return r;
  const { [dryRunAnnotation]: _, ...annotations } = r.metadata.annotations!;
  const { annotations: __, ...metadata } = r.metadata;
  return {
    ...r,
    metadata: Object.keys(annotations).length
      ? { ...metadata, annotations }
      : metadata,
  };
}

/**
 * `zero-trust:policy:promote`: enforces a dry-run onboarding's AuthorizationPolicies.
 * Reads the recorded request as the user (the catalog decides whose they may see),
 * clones the GitOps repository into the workspace, removes the policies'
 * `istio.io/dry-run` annotation in place (node's `promoteDryRun`), and leaves the
 * checkout, with a description of what becomes enforced and whom it will deny, for
 * `zero-trust:gitops:pull-request`, which records the promotion as the request enforced.
 *
 * @public
 */
export function createPolicyPromoteAction(
  options: CreatePolicyPromoteActionOptions,
) {
  const { repositories, requests } = options;
  return createTemplateAction({
    id: 'zero-trust:policy:promote',
    description:
      "Enforces a dry-run onboarding's AuthorizationPolicies: removes their istio.io/dry-run annotation in the GitOps repository, in place, for zero-trust:gitops:pull-request to publish.",
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: {
        changedFiles: z =>
          z.array(z.string(), {
            description:
              'The files modified, relative to the checkout; empty when the repository already enforces the policies.',
          }),
        promoted: z =>
          z.array(z.string(), {
            description: 'NAMESPACE/NAME of each policy the change enforces.',
          }),
        alreadyEnforced: z =>
          z.array(z.string(), {
            description:
              'NAMESPACE/NAME of each dry-run policy of the request the repository enforces already.',
          }),
        wouldDeny: z =>
          z.array(z.string(), {
            description:
              'Each caller that loses access once the change is applied, as CALLER → WORKLOAD (the engine reads the repository with and without the annotation).',
          }),
        ...pullRequestTextOutput,
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const redactor = new Redactor();
      const logger = redactingLogger(ctx.logger, redactor);
      rejectUnknownInputs(input, inputFields);
      if (!input.requestId === !input.entityRef) {
        throw new InputError('name exactly one of requestId and entityRef');
      }
      const credentials = await ctx.getInitiatorCredentials();
      let record: OnboardingRequestRecord;
      if (input.requestId) {
        record = await requests.get(input.requestId, credentials);
        if (record.request.rollout !== 'dry-run') {
          throw new InputError(
            `onboarding request ${record.id} (${record.namespace}/${record.service}) was not rolled out in dry-run: its policies are enforced already`,
          );
        }
      } else {
        const all = await requests.forEntity(input.entityRef!, credentials);
        // Newest first: the latest record of each service.
        const latest = new Map<string, OnboardingRequestRecord>();
        for (const r of all) {
          const key = `${r.cluster}/${r.namespace}/${r.service}`;
          if (!latest.has(key)) latest.set(key, r);
        }
        const dryRuns = [...latest.values()].filter(
          r => r.request.rollout === 'dry-run',
        );
        if (!dryRuns.length) {
          throw new InputError(
            `${input.entityRef} has no onboarding request rolled out in dry-run (or you may not see it)`,
          );
        }
        if (dryRuns.length > 1) {
          throw new InputError(
            `${
              input.entityRef
            } has dry-run onboarding requests for several services (${dryRuns
              .map(r => `${r.cluster}/${r.namespace}/${r.service}: ${r.id}`)
              .join(', ')}); promote each by its requestId`,
          );
        }
        record = dryRuns[0];
      }
      const policies = dryRunPolicies(record).map(r => ({
        namespace: r.metadata.namespace,
        name: r.metadata.name,
      }));

      const clone = await cloneIntoWorkspace({
        repositories,
        workspacePath: ctx.workspacePath,
        targetPath: input.targetPath,
        repoUrl: input.repoUrl,
        targetBranch: input.targetBranch,
        redactor,
        logger,
      });
      const result = await promoteDryRun({
        root: clone.root,
        cluster: record.cluster,
        policies,
        repoUrls: clone.repoUrls,
        dryRun: ctx.isDryRun,
      }).catch(error => {
        throw asInputError(error);
      });

      const changedFiles = result.changes.map(c => c.path);
      const branch = promotionBranch(record);
      const title = promotionTitle(record);
      const description = describePromotion({
        record,
        result,
        requestedBy: ctx.user?.ref,
      });
      const wouldDeny = result.report.workloads.flatMap(w =>
        w.callersLost.map(c => `${c.label} → ${w.workload}`),
      );
      logger.info(
        changedFiles.length
          ? `${
              ctx.isDryRun ? 'Would enforce' : 'Enforced'
            } ${result.promoted.join(', ')} in ${changedFiles.join(', ')}`
          : `The repository already enforces ${policies
              .map(p => `${p.namespace}/${p.name}`)
              .join(', ')}; nothing to change`,
      );
      await writeGeneratedOnboarding(clone.root, {
        repoUrl: input.repoUrl,
        base: clone.base,
        cloneUrl: clone.cloneUrl,
        branch,
        title,
        description,
        commitMessage: promotionCommitMessage(record, ctx.user?.ref),
        changedFiles,
        diff: result.diff,
        // Tracked as the request enforced: the tracker follows this pull request.
        record: {
          request: { ...record.request, rollout: 'enforce' },
          ...(record.entityRef ? { entityRef: record.entityRef } : {}),
          cluster: record.cluster,
          namespace: record.namespace,
          service: record.service,
          change: {
            ...record.change,
            resources: record.change.resources.map(enforcedResource),
          },
        },
      });
      ctx.output('changedFiles', changedFiles);
      ctx.output('promoted', result.promoted);
      ctx.output('alreadyEnforced', result.alreadyEnforced);
      ctx.output('wouldDeny', wouldDeny);
      ctx.output('branch', branch);
      ctx.output('title', title);
      ctx.output('description', description);
      ctx.output('diff', result.diff);
    },
  });
}
