import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  OnboardingRequestError,
  parseOnboardingRequest,
  onboardingRequestStates,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { z } from 'zod';

// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const text = (max = 1024) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine(
      s => !controlCharacters.test(s),
      'must not hold control characters',
    );

const dnsLabel = z
  .string()
  .max(63)
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    'must be a DNS-1123 label (lowercase letters, digits and -)',
  );

/**
 * An entity ref in any of its spellings, turned into the catalog's canonical one
 * (`component:default/inventory-api`, lowercase), so that one entity is one value.
 */
const entityRef = (defaultKind?: string) =>
  text(255).transform((value, ctx) => {
    try {
      return stringifyEntityRef(parseEntityRef(value, { defaultKind }));
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `must be an entity ref such as ${
          defaultKind ?? 'user'
        }:default/name`,
      });
      return z.NEVER;
    }
  });

export const requestsQuerySchema = z.strictObject({
  state: z.enum(onboardingRequestStates).optional(),
  cluster: text(255).optional(),
  entity: entityRef('component').optional(),
  owner: entityRef('group').optional(),
});

const pullRequestSchema = z
  .strictObject({
    provider: z.enum(['github', 'gitlab', 'git']),
    host: text(255).optional(),
    repository: text(),
    // Shown as a link: only web and repository addresses, never `javascript:` and the like.
    url: text().refine(
      u => /^(https?|file|ssh):/i.test(u),
      'must be an http(s), file or ssh URL',
    ),
    number: z.number().int().positive().optional(),
    branch: text(255),
    baseBranch: text(255),
    headSha: z
      .string()
      .regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/, 'must be a full commit id'),
  })
  .refine(
    pr => pr.provider === 'git' || (pr.host && pr.number !== undefined),
    'a GitHub or GitLab pull request needs its host and number',
  );

const resourceSchema = z.strictObject({
  apiVersion: text(255),
  kind: text(63),
  // Labels where Istio reads them (a waypoint's), annotations for istio.io/dry-run.
  metadata: z.strictObject({
    name: text(253),
    namespace: dnsLabel,
    labels: z.record(text(317), z.string().max(63)).optional(),
    annotations: z.record(text(317), z.string().max(1024)).optional(),
  }),
  spec: z.record(z.string(), z.unknown()),
});

/** The contract's request, checked by the parser the CLI and the actions use. */
const onboardingRequest = z.unknown().transform((value, ctx) => {
  try {
    return parseOnboardingRequest(value);
  } catch (error) {
    if (!(error instanceof OnboardingRequestError)) throw error;
    for (const issue of error.issues) {
      ctx.addIssue({
        code: 'custom',
        message: issue.message,
        path: issue.path ? [issue.path] : [],
      });
    }
    return z.NEVER;
  }
});

/** What the scaffolder action records. */
export const recordInputSchema = z
  .strictObject({
    request: onboardingRequest,
    requestedBy: entityRef('user').optional(),
    entityRef: entityRef('component').optional(),
    cluster: text(255),
    namespace: dnsLabel,
    service: dnsLabel,
    pullRequest: pullRequestSchema,
    change: z.strictObject({
      namespace: dnsLabel,
      namespaceLabels: z.record(text(317), z.string().max(63)),
      resources: z.array(resourceSchema).max(100),
    }),
  })
  .refine(
    input =>
      input.request.service === input.service &&
      input.request.namespace === input.namespace &&
      input.change.namespace === input.namespace,
    'service and namespace must be those of the request and of the change',
  );
