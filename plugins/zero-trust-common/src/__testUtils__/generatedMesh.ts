/**
 * Random small meshes for the engine's property tests: two namespaces with generated
 * labels, two to four workloads (a Deployment and a Service each), to which each test
 * adds the policies it is about.
 */
import fc from 'fast-check';
import { K8sObject } from '../__fixtures__/manifests';

type Labels = Record<string, string>;

/** The namespaces every generated mesh has. */
export const meshNamespaces = ['ns-a', 'ns-b'];

/** One generated workload: its namespace, `app` label and service account. */
export interface GeneratedWorkload {
  ns: string;
  app: string;
  sa?: string;
}

/** The part of a generated mesh that is not policy. */
export interface GeneratedMesh {
  nsLabels: [Labels, Labels];
  workloads: GeneratedWorkload[];
}

/**
 * The arbitraries of a mesh's namespaces and workloads, as record fields, so a test
 * spreads them into its own `fc.record` next to the policies it generates.
 */
export function meshArbitraries(options: {
  nsLabels: Labels[];
  apps: string[];
  /** Service accounts to pick from; none leaves `serviceAccountName` out. */
  accounts?: string[];
}) {
  const labels = fc.constantFrom(...options.nsLabels);
  const workload = {
    ns: fc.constantFrom(...meshNamespaces),
    app: fc.constantFrom(...options.apps),
  };
  return {
    nsLabels: fc.tuple(labels, labels),
    workloads: fc.array(
      options.accounts
        ? fc.record<GeneratedWorkload>({
            ...workload,
            sa: fc.constantFrom(...options.accounts),
          })
        : fc.record<GeneratedWorkload>(workload),
      { minLength: 2, maxLength: 4 },
    ),
  };
}

/** How each generated workload's pods and Service expose ports. */
export interface MeshPorts {
  containerPorts: { name?: string; containerPort: number }[];
  servicePorts: { name: string; port: number }[];
}

/**
 * The Namespaces, then a Deployment and a Service per workload, named `<app>-<i>`.
 * Each Service selects its own Deployment only (by an `id` label), while `app`
 * labels repeat, so selectors by `app` can match several workloads.
 */
export function meshObjects(
  mesh: GeneratedMesh,
  ports: MeshPorts,
): K8sObject[] {
  const objects: K8sObject[] = meshNamespaces.map((name, i) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: mesh.nsLabels[i] },
  }));
  mesh.workloads.forEach((w, i) => {
    const name = `${w.app}-${i}`;
    objects.push(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: w.ns },
        spec: {
          template: {
            metadata: { labels: { app: w.app, id: name } },
            spec: {
              ...(w.sa ? { serviceAccountName: w.sa } : {}),
              containers: [{ name: 'c', ports: ports.containerPorts }],
            },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: w.ns },
        spec: { selector: { id: name }, ports: ports.servicePorts },
      },
    );
  });
  return objects;
}

const decisionRank: Record<string, number> = {
  DENY: 0,
  CONDITIONAL: 1,
  ALLOW: 2,
};

/** Whether a decision became more permissive (DENY < CONDITIONAL < ALLOW). */
export function loosened(before: string, after: string): boolean {
  return decisionRank[after] > decisionRank[before];
}

/**
 * fast-check's run options: CI runs one fixed sample so a landing never hinges on
 * chance; elsewhere each run explores new meshes (fast-check prints the seed of any
 * counterexample).
 */
export function propertyRuns(numRuns: number, ciSeed: number) {
  return { numRuns, ...(process.env.CI ? { seed: ciSeed } : {}) };
}
