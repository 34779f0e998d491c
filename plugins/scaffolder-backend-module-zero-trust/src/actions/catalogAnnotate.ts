import { promises as fs } from 'node:fs';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  makeValidator,
  parseEntityRef,
} from '@backstage/catalog-model';
import { CustomErrorBase, InputError, isError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { defaultSelector } from '@zero-trust/backstage-plugin-zero-trust-common';
import { z as zod } from 'zod/v3';
import {
  annotateBranch,
  annotateCommitMessage,
  annotateTitle,
  describeAnnotation,
  entityRefOf,
} from '../catalog/describeAnnotation';
import {
  EntityFileError,
  EntityName,
  addAnnotations,
  findEntityDocument,
} from '../catalog/entityDocument';
import { locateEntityFile } from '../catalog/entityLocation';
import {
  clusterAnnotation,
  existingSelection,
  missingAnnotations,
  namespaceAnnotation,
  wantedAnnotations,
} from '../catalog/kubernetesAnnotations';
import { GitopsRepositories } from '../gitops/GitopsRepositories';
import { publishBranch } from '@zero-trust/backstage-plugin-zero-trust-node/forges';
import { onboardingRequestInput } from '../onboarding/requestInput';
import {
  rejectUnknownInputs,
  toOnboardingRequest,
} from '../onboarding/toOnboardingRequest';
import {
  Redactor,
  redactingLogger,
} from '@zero-trust/backstage-plugin-zero-trust-node/git';
import { examples } from './catalogAnnotate.examples';

type Z = typeof zod;

const inputSchema = {
  component: (z: Z) =>
    z.string({
      description:
        'The catalog entity to annotate, as an entity reference (kind defaults to component, namespace to default).',
    }),
  service: onboardingRequestInput.service,
  namespace: onboardingRequestInput.namespace,
  cluster: onboardingRequestInput.cluster,
  selector: (z: Z) =>
    z
      .record(z.string(), {
        description:
          "The onboarded pods' labels, written as backstage.io/kubernetes-label-selector. Default app=<service>.",
      })
      .optional(),
};
const inputFields = Object.keys(inputSchema);

/**
 * The forge or git refused something the annotate action asked: the message says what.
 *
 * @public
 */
export class CatalogAnnotateError extends CustomErrorBase {}

/** @public */
export interface CreateCatalogAnnotateActionOptions {
  /** Reads the entity on behalf of the user who runs the template. */
  catalog: Pick<CatalogService, 'getEntityByRef'>;
  /** Which hosts are GitHub or GitLab, to read the entity's location. */
  integrations: ScmIntegrationRegistry;
  /** Clones the entity's repository with the same credentials and git as the GitOps pull request. */
  repositories: GitopsRepositories;
}

const validator = makeValidator();

/** The component input as an entity reference: an InputError where it is not one. */
function componentRef(value: unknown): CompoundEntityRef {
  let ref: CompoundEntityRef;
  try {
    ref = parseEntityRef(String(value ?? ''), {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(
      `component: ${isError(error) ? error.message : String(error)}`,
    );
  }
  // References compare without case; namespaces are written in lower case.
  if (
    !validator.isValidKind(ref.kind) ||
    !validator.isValidNamespace(ref.namespace.toLocaleLowerCase('en-US')) ||
    !validator.isValidEntityName(ref.name)
  ) {
    throw new InputError(
      `component: ${JSON.stringify(
        String(value),
      )} is not a valid entity reference (kind:namespace/name)`,
    );
  }
  return ref;
}

const listed = (annotations: Record<string, string>) =>
  Object.entries(annotations)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');

/**
 * `zero-trust:catalog:annotate`: makes sure the component's catalog entity carries
 * Backstage's Kubernetes annotations for the onboarded workloads (label selector,
 * namespace, cluster), which the Security tab and the zero-trust backend find them by.
 * An entity that already selects its workloads is left alone; one defined in a GitHub or
 * GitLab repository gets a pull request that adds what is missing, in place; one defined
 * anywhere else (a `file:` location, as in the demo) is reported with what to add by
 * hand, which is not an error.
 *
 * @public
 */
export function createCatalogAnnotateAction(
  options: CreateCatalogAnnotateActionOptions,
) {
  const { catalog, integrations, repositories } = options;
  return createTemplateAction({
    id: 'zero-trust:catalog:annotate',
    description:
      "Makes sure the component's catalog entity carries backstage.io/kubernetes-label-selector, -namespace and -cluster for the onboarded workloads: opens a pull request in the repository that defines it where they are missing, or says what to add by hand.",
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: {
        annotated: z =>
          z.boolean({
            description:
              'Whether a pull request adds the annotations (false when nothing was needed, on a dry run, or where the entity cannot be changed by the scaffolder: see reason).',
          }),
        reason: z =>
          z
            .string({
              description:
                'Why no pull request was opened, and what to do instead where something is missing.',
            })
            .optional(),
        annotations: z =>
          z
            .record(z.string(), {
              description:
                'The annotations the pull request adds, or that should be added by hand.',
            })
            .optional(),
        pullRequestUrl: z =>
          z
            .string({
              description: "The pull (merge) request's URL.",
            })
            .optional(),
        pullRequestNumber: z =>
          z
            .number({
              description:
                'The pull request number (the merge request IID on GitLab).',
            })
            .optional(),
        branch: z =>
          z
            .string({ description: 'The branch holding the change.' })
            .optional(),
        file: z =>
          z
            .string({
              description:
                'The file that defines the entity: its path in the repository where a pull request edits it, else its location as the catalog names it.',
            })
            .optional(),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const redactor = new Redactor();
      const logger = redactingLogger(ctx.logger, redactor);

      // Everything that can be checked without the catalog or a repository is, first.
      rejectUnknownInputs(input, inputFields);
      const ref = componentRef(input.component);
      const request = toOnboardingRequest({
        service: input.service,
        namespace: input.namespace,
        cluster: input.cluster,
        selector: input.selector,
      });
      const wanted = wantedAnnotations({
        namespace: request.namespace,
        cluster: request.cluster,
        selector: request.selector ?? defaultSelector(request.service),
      });

      const entity = await catalog.getEntityByRef(ref, {
        credentials: await ctx.getInitiatorCredentials(),
      });
      const asked = entityRefOf(ref);
      if (!entity) {
        throw new InputError(
          `${asked} is not in the catalog, or you may not see it`,
        );
      }
      const name: EntityName = {
        kind: entity.kind,
        namespace: entity.metadata.namespace ?? 'default',
        name: entity.metadata.name,
      };
      const entityRef = entityRefOf(name);
      const done = (reason: string, annotations?: Record<string, string>) => {
        const clean = redactor.redact(reason);
        logger.info(clean);
        ctx.output('annotated', false);
        ctx.output('reason', clean);
        if (annotations) ctx.output('annotations', annotations);
      };

      const selection = existingSelection(entity.metadata.annotations);
      if (selection) {
        const lacking = [namespaceAnnotation, clusterAnnotation].filter(
          a => a in wanted && !entity.metadata.annotations?.[a],
        );
        done(
          `${entityRef} already has ${selection}, which finds its workloads: left as it is${
            lacking.length
              ? ` (it has no ${lacking.join(
                  ' or ',
                )} either; the selection is its owner's, so that is left to them too)`
              : ''
          }`,
        );
        return;
      }

      const located = locateEntityFile(entity, integrations);
      if (located.type === 'elsewhere') {
        const { add, kept } = missingAnnotations(
          entity.metadata.annotations,
          wanted,
        );
        if (located.location) {
          ctx.output('file', redactor.redact(located.location));
        }
        const toDo = Object.keys(add).length
          ? `add these annotations by hand: ${listed(add)}`
          : `its annotations differ from the onboarding's (it has ${listed(
              kept,
            )}): change them by hand if they should find the onboarded workloads`;
        done(
          `${entityRef} is defined in ${
            located.location ? `${located.location}, ` : ''
          }${located.why}: ${toDo}`,
          add,
        );
        return;
      }

      const forge = repositories.forge(
        `${located.host}?owner=${encodeURIComponent(
          located.owner,
        )}&repo=${encodeURIComponent(located.repo)}`,
        redactor,
      );
      const branch = annotateBranch(name);
      if (ctx.isDryRun) {
        const { add } = missingAnnotations(entity.metadata.annotations, wanted);
        ctx.output('file', located.path);
        ctx.output('branch', branch);
        done(
          `Dry run: would add ${listed(add)} to ${entityRef} in ${
            located.path
          } of ${forge.name} (branch ${
            located.branch
          }) on ${branch}, and open a pull request`,
          add,
        );
        return;
      }

      try {
        const dir = await ctx.createTemporaryDirectory();
        const { git, base } = await repositories.checkout({
          forge,
          dir,
          redactor,
          logger,
          base: located.branch,
        });
        const where = `${located.path} in ${forge.name} (${base})`;
        let text: string;
        try {
          text = await fs.readFile(
            resolveSafeChildPath(dir, located.path),
            'utf8',
          );
        } catch {
          throw new EntityFileError(
            `${where} cannot be read, though the catalog names it as ${entityRef}'s file`,
          );
        }
        // The file, not the catalog's copy, is what the pull request changes.
        const document = findEntityDocument(text, where, name);
        const inFile = existingSelection(document.annotations);
        if (inFile) {
          ctx.output('file', located.path);
          done(
            `${where} already gives ${entityRef} ${inFile}; the catalog shows it once it reads the file again`,
          );
          return;
        }
        const { add, kept } = missingAnnotations(document.annotations, wanted);
        if (!Object.keys(add).length) {
          // Set, though empty or to other values: theirs to change, not an empty commit.
          ctx.output('file', located.path);
          done(
            `${where} already sets ${entityRef}'s ${listed(
              kept,
            )}, other values than the onboarding's: left as they are`,
          );
          return;
        }
        for (const [k, v] of Object.entries(kept)) {
          logger.warn(
            `${entityRef} already has ${k}: ${v}; left as it is (the onboarding used ${wanted[k]})`,
          );
        }
        await fs.writeFile(
          resolveSafeChildPath(dir, located.path),
          addAnnotations(text, where, document.index, add),
        );

        const content = {
          title: annotateTitle(name),
          body: describeAnnotation({
            entity: name,
            file: located.path,
            added: add,
            kept,
            wanted,
            requestedBy: ctx.user?.ref,
          }),
        };
        const { pullRequest: pr } = await publishBranch({
          git,
          forge,
          branch,
          base,
          message: annotateCommitMessage(name, add, ctx.user?.ref),
          content,
          checkpoint: ctx.checkpoint,
          logger,
          checkpointPrefix: 'zero-trust.annotate',
        });
        ctx.output('annotated', true);
        ctx.output('pullRequestUrl', redactor.redact(pr.url));
        if (pr.number !== undefined) ctx.output('pullRequestNumber', pr.number);
        ctx.output('branch', branch);
        ctx.output('file', located.path);
        ctx.output('annotations', add);
      } catch (error) {
        const clean = redactor.scrub(error);
        if (clean instanceof InputError) throw clean;
        if (clean instanceof EntityFileError) {
          throw new InputError(clean.message);
        }
        throw new CatalogAnnotateError(
          `Could not open the pull request annotating ${entityRef} in ${forge.name}: ${clean.message}`,
        );
      }
    },
  });
}
