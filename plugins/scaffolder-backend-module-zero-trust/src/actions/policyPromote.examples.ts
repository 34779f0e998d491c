import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Enforce the AuthorizationPolicies of a dry-run onboarding request, then open the pull request that removes their istio.io/dry-run annotation.',
    example: yaml.stringify({
      steps: [
        {
          action: 'zero-trust:policy:promote',
          id: 'promote',
          name: 'Enforce the dry-run policies',
          input: { targetPath: 'gitops', requestId: 'a1b2c3' },
        },
        {
          action: 'zero-trust:gitops:pull-request',
          id: 'pull-request',
          name: 'Open the pull request',
          input: { sourcePath: 'gitops' },
        },
      ],
    }),
  },
  {
    description:
      "Enforce a component's dry-run onboarding (its one service recorded with rollout dry-run).",
    example: yaml.stringify({
      steps: [
        {
          action: 'zero-trust:policy:promote',
          id: 'promote',
          name: 'Enforce the dry-run policies',
          input: {
            targetPath: 'gitops',
            entityRef: 'component:default/inventory-api',
          },
        },
      ],
    }),
  },
];
