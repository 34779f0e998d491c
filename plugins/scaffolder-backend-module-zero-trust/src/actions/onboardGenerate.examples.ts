import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Clone the configured GitOps repository into the workspace and write the onboarding of inventory-api, callable by productpage (GET only) and by Prometheus in the monitoring namespace.',
    example: yaml.stringify({
      steps: [
        {
          action: 'zero-trust:onboard:generate',
          id: 'generate',
          name: 'Generate the onboarding change',
          input: {
            targetPath: 'gitops',
            service: 'inventory-api',
            namespace: 'inventory',
            cluster: 'backend',
            ports: [{ name: 'http', port: 8080, protocol: 'HTTP' }],
            allowedCallers: [
              { workload: 'bookinfo/productpage', methods: ['GET'] },
              { namespace: 'monitoring', ports: [8080] },
            ],
          },
        },
      ],
    }),
  },
  {
    description:
      'Write into a checkout an earlier step put in the workspace, with callers named by catalog entity and a custom layout; hand the description to another publish action.',
    example: yaml.stringify({
      steps: [
        {
          action: 'zero-trust:onboard:generate',
          id: 'generate',
          name: 'Generate the onboarding change',
          input: {
            targetPath: 'gitops',
            service: 'ratings',
            namespace: 'bookinfo',
            mtlsMode: 'STRICT',
            allowedCallers: [
              {
                entityRef: 'component:default/reviews',
                methods: ['GET'],
                paths: ['/ratings/*'],
              },
            ],
            layout: {
              namespaceFile: 'namespaces/{namespace}.yaml',
              serviceDir: 'apps/{namespace}/{service}/',
            },
          },
        },
        {
          action: 'publish:github:pull-request',
          id: 'publish',
          name: 'Open the pull request',
          input: {
            repoUrl: 'github.com?owner=example-org&repo=gitops',
            sourcePath: 'gitops',
            branchName: '${{ steps.generate.output.branch }}',
            title: '${{ steps.generate.output.title }}',
            description: '${{ steps.generate.output.description }}',
          },
        },
      ],
    }),
  },
];
