import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Open a pull request onboarding inventory-api in the configured GitOps repository (zeroTrust.gitops.repoUrl, else the plain git remote).',
    example: yaml.stringify({
      steps: [
        {
          action: 'zero-trust:gitops:pull-request',
          id: 'pull-request',
          name: 'Open the onboarding pull request',
          input: {
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
      ],
    }),
  },
  {
    description:
      'Open a GitHub pull request against the release branch, with PERMISSIVE mTLS as a migration step and an ambient dataplane.',
    example: yaml.stringify({
      steps: [
        {
          action: 'zero-trust:gitops:pull-request',
          id: 'pull-request',
          name: 'Open the onboarding pull request',
          input: {
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
      ],
    }),
  },
  {
    description:
      'Open a GitLab merge request in a project of a subgroup, keeping the namespace without a default-deny policy.',
    example: yaml.stringify({
      steps: [
        {
          action: 'zero-trust:gitops:pull-request',
          id: 'merge-request',
          name: 'Open the onboarding merge request',
          input: {
            repoUrl: 'gitlab.com?owner=platform/mesh&repo=gitops',
            service: 'search',
            namespace: 'catalog',
            namespaceDefaultDeny: false,
            allowedCallers: [{ workload: 'frontend/web', ports: [8080] }],
          },
        },
      ],
    }),
  },
];
