import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Generate the onboarding of inventory-api into a checkout, then open its pull request in the configured GitOps repository (zeroTrust.gitops.repoUrl, else the plain git remote).',
    example: yaml.stringify({
      steps: [
        {
          action: 'zero-trust:onboard:generate',
          id: 'generate',
          name: 'Generate the change',
          input: {
            targetPath: 'gitops',
            service: 'inventory-api',
            namespace: 'inventory',
            cluster: 'backend',
            ports: [{ name: 'http', port: 8080 }],
            allowedCallers: [
              { entityRef: 'component:default/productpage', methods: ['GET'] },
              { namespace: 'monitoring', ports: [8080] },
            ],
            component: 'component:default/inventory-api',
            owner: 'group:default/team-supply',
          },
        },
        {
          action: 'zero-trust:gitops:pull-request',
          id: 'pull-request',
          name: 'Open the onboarding pull request',
          input: { sourcePath: 'gitops' },
        },
      ],
    }),
  },
  {
    description:
      'Generate against the release branch of a GitHub repository and open the pull request there, with PERMISSIVE mTLS as a migration step and an ambient dataplane.',
    example: yaml.stringify({
      steps: [
        {
          action: 'zero-trust:onboard:generate',
          id: 'generate',
          name: 'Generate the change',
          input: {
            targetPath: 'gitops',
            repoUrl: 'github.com?owner=example-org&repo=gitops',
            targetBranch: 'release',
            service: 'billing',
            namespace: 'payments',
            dataplane: 'ambient',
            mtlsMode: 'PERMISSIVE',
            allowedCallers: [
              { principal: 'internal.example/ns/checkout/sa/checkout' },
            ],
          },
        },
        {
          action: 'zero-trust:gitops:pull-request',
          id: 'pull-request',
          name: 'Open the onboarding pull request',
          input: { sourcePath: 'gitops' },
        },
      ],
    }),
  },
  {
    description:
      'Generate in the workspace itself and open a GitLab merge request in a project of a subgroup, keeping the namespace without a default-deny policy.',
    example: yaml.stringify({
      steps: [
        {
          action: 'zero-trust:onboard:generate',
          id: 'generate',
          name: 'Generate the change',
          input: {
            repoUrl: 'gitlab.com?owner=platform/mesh&repo=gitops',
            service: 'search',
            namespace: 'catalog',
            namespaceDefaultDeny: false,
            allowedCallers: [{ workload: 'frontend/web', ports: [8080] }],
          },
        },
        {
          action: 'zero-trust:gitops:pull-request',
          id: 'merge-request',
          name: 'Open the onboarding merge request',
          input: {},
        },
      ],
    }),
  },
];
