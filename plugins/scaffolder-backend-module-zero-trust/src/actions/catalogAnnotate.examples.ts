import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "After the onboarding pull request, make sure the component's catalog entity points at the onboarded workloads (app=inventory-api in inventory on backend); opens a pull request in the repository that defines the entity where it lacks them.",
    example: yaml.stringify({
      steps: [
        {
          action: 'zero-trust:catalog:annotate',
          id: 'annotate',
          name: 'Annotate the component',
          input: {
            component: 'component:default/inventory-api',
            service: 'inventory-api',
            namespace: 'inventory',
            cluster: 'backend',
          },
        },
      ],
    }),
  },
  {
    description:
      'The same for a workload whose pods carry other labels than app=<service>: the selector becomes backstage.io/kubernetes-label-selector.',
    example: yaml.stringify({
      steps: [
        {
          action: 'zero-trust:catalog:annotate',
          id: 'annotate',
          name: 'Annotate the component',
          input: {
            component: 'billing',
            service: 'billing',
            namespace: 'payments',
            cluster: 'backend',
            selector: {
              'app.kubernetes.io/name': 'billing',
              'app.kubernetes.io/component': 'api',
            },
          },
        },
      ],
    }),
  },
];
