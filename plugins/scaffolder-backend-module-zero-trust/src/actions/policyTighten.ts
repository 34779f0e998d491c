import { CustomErrorBase, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z as zod } from 'zod/v3';
import {
  TightenRepositoryResult,
  tightenRepository,
} from '@zero-trust/backstage-plugin-zero-trust-node';
import {
  Redactor,
  redactingLogger,
} from '@zero-trust/backstage-plugin-zero-trust-node/git';
import {
  PrometheusClient,
  TelemetryConfig,
  isPrometheusDuration,
  readObservedTraffic,
  telemetryNotConfiguredMessage,
} from '@zero-trust/backstage-plugin-zero-trust-node/telemetry';
import { cloneIntoWorkspace } from '../gitops/cloneIntoWorkspace';
import { GitopsRepositories } from '../gitops/GitopsRepositories';
import { EntityWorkloads } from '../onboarding/EntityWorkloads';
import { writeGeneratedOnboarding } from '../onboarding/generatedOnboarding';
import {
  asInputError,
  rejectUnknownInputs,
} from '../onboarding/toOnboardingRequest';
import { describeTightening } from '../policy/describeTightening';
import {
  pullRequestTextOutput,
  workspaceCheckoutInput,
} from './policyChangeSchema';
import { examples } from './policyTighten.examples';

type Z = typeof zod;

const inputSchema = {
  entityRef: (z: Z) =>
    z.string({
      description:
        'The catalog entity whose workloads to tighten (its Kubernetes annotations select them, as on its Security tab).',
    }),
  window: (z: Z) =>
    z
      .string({
        description:
          'How far back to count the callers, a Prometheus duration such as 7d or 36h. Default: zeroTrust.telemetry.window (7d).',
      })
      .optional(),
  ...workspaceCheckoutInput,
};
const inputFields = Object.keys(inputSchema);

/** The cluster's Prometheus did not answer: the message says what (never a token). */
export class TelemetryReadError extends CustomErrorBase {}

/** @public */
export interface CreatePolicyTightenActionOptions {
  repositories: GitopsRepositories;
  workloads: Pick<EntityWorkloads, 'list'>;
  /** `zeroTrust.telemetry`, read by node's `readTelemetryConfig`. */
  telemetry: TelemetryConfig;
}

/**
 * `zero-trust:policy:tighten`: narrows who may call an entity's workloads to the callers
 * Istio's metrics show they used. Finds the workloads as the user (the catalog decides),
 * reads the cluster's traffic over the window from its Prometheus
 * (`zeroTrust.telemetry`), clones the GitOps repository, and rewrites the workloads'
 * ALLOW policies in place (node's `tightenRepository`); the checkout, with a description
 * of the evidence and the callers before and after, is for `zero-trust:gitops:pull-request`.
 *
 * @public
 */
export function createPolicyTightenAction(
  options: CreatePolicyTightenActionOptions,
) {
  const { repositories, workloads, telemetry } = options;
  return createTemplateAction({
    id: 'zero-trust:policy:tighten',
    description:
      "Narrows an entity's ALLOW AuthorizationPolicies to the callers Istio's metrics show it used in the window, editing the GitOps repository in place for zero-trust:gitops:pull-request to publish.",
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: {
        changedFiles: z =>
          z.array(z.string(), {
            description:
              'The files modified; empty when the policies admit only callers that were used.',
          }),
        removed: z =>
          z.array(z.string(), {
            description:
              'The allowed callers not seen in the window, no longer admitted.',
          }),
        ...pullRequestTextOutput,
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const redactor = new Redactor();
      const logger = redactingLogger(ctx.logger, redactor);
      rejectUnknownInputs(input, inputFields);
      const window = input.window || telemetry.window;
      if (!isPrometheusDuration(window)) {
        throw new InputError(
          `window ${JSON.stringify(
            window,
          )} is not a Prometheus duration (such as 7d or 36h)`,
        );
      }
      const targets = await workloads.list(
        input.entityRef,
        await ctx.getInitiatorCredentials(),
      );
      if (!targets.length) {
        throw new InputError(
          `${input.entityRef} selects no workload in any cluster: nothing to tighten`,
        );
      }
      const clusters = [...new Set(targets.map(t => t.cluster))];
      if (clusters.length > 1) {
        throw new InputError(
          `${input.entityRef} runs in several clusters (${clusters.join(
            ', ',
          )}): one pull request tightens one cluster; narrow the entity's backstage.io/kubernetes-cluster annotation`,
        );
      }
      const [cluster] = clusters;
      const endpoint = telemetry.endpoints.get(cluster);
      if (!endpoint) {
        throw new InputError(telemetryNotConfiguredMessage(cluster));
      }
      if (endpoint.bearerToken) redactor.add(endpoint.bearerToken);
      let observed;
      try {
        observed = await readObservedTraffic(
          new PrometheusClient(endpoint),
          cluster,
          window,
          new Date(),
        );
      } catch (error) {
        throw new TelemetryReadError(
          `Could not read the traffic of cluster ${cluster} from its Prometheus: ${
            redactor.scrub(error).message
          }`,
        );
      }

      const clone = await cloneIntoWorkspace({
        repositories,
        workspacePath: ctx.workspacePath,
        targetPath: input.targetPath,
        repoUrl: input.repoUrl,
        targetBranch: input.targetBranch,
        redactor,
        logger,
      });
      const results: TightenRepositoryResult[] = [];
      for (const t of targets) {
        results.push(
          await tightenRepository({
            root: clone.root,
            cluster,
            workload: `${t.namespace}/${t.name}`,
            traffic: observed.traffic,
            window: observed.window,
            repoUrls: clone.repoUrls,
            dryRun: ctx.isDryRun,
          }).catch(error => {
            throw asInputError(error);
          }),
        );
      }
      const changedFiles = [
        ...new Set(results.flatMap(r => r.changes.map(c => c.path))),
      ].sort();
      const name = input.entityRef.replace(/^.*[:/]/, '');
      const branch = `zero-trust/tighten-${cluster}-${targets[0].namespace}-${name}`;
      const title = `Tighten who may call ${input.entityRef} in ${cluster}`;
      const description = describeTightening({
        entityRef: input.entityRef,
        cluster,
        results,
        requestedBy: ctx.user?.ref,
      });
      const removed = results.flatMap(r => r.plan.removed);
      logger.info(
        changedFiles.length
          ? `Narrowed ${changedFiles.join(', ')}: no longer admitted ${
              removed.join(', ') || 'nobody (ports narrowed)'
            }`
          : 'Every allowed caller was used in the window: nothing to narrow',
      );
      await writeGeneratedOnboarding(clone.root, {
        repoUrl: input.repoUrl,
        base: clone.base,
        cloneUrl: clone.cloneUrl,
        branch,
        title,
        description,
        commitMessage: [
          title,
          '',
          `Narrowed to the callers Istio's metrics show used over ${observed.window.duration}.`,
          'Generated by the zero-trust tightening template.',
          ...(ctx.user?.ref ? [`Requested by ${ctx.user.ref}.`] : []),
        ].join('\n'),
        changedFiles,
        diff: results.map(r => r.diff).join(''),
      });
      ctx.output('changedFiles', changedFiles);
      ctx.output('removed', removed);
      ctx.output('branch', branch);
      ctx.output('title', title);
      ctx.output('description', description);
      ctx.output('diff', results.map(r => r.diff).join(''));
    },
  });
}
