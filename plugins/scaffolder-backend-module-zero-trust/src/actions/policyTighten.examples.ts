import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Narrow reviews' ALLOW policies to the callers seen over the last 14 days, then open the pull request.",
    example: yaml.stringify({
      steps: [
        {
          action: 'zero-trust:policy:tighten',
          id: 'tighten',
          name: 'Narrow the callers',
          input: {
            targetPath: 'gitops',
            entityRef: 'component:default/reviews',
            window: '14d',
          },
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
];
