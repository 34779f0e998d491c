import fc from 'fast-check';
import { naiveCheck } from '../../bench/naiveEvaluator';
import {
  loosened,
  meshArbitraries,
  meshNamespaces,
  meshObjects,
  propertyRuns,
} from '../__testUtils__/generatedMesh';
import { K8sObject, model as oneClusterModel } from '../__fixtures__/manifests';
import { Caller, evaluateAccess } from './access';
import { allowedCallers } from './callers';
import { check } from './check';

// Property tests over generated meshes: CPU-bound, slow on a busy machine.
jest.setTimeout(60_000);

/*
 * Property tests of the NetworkPolicy layer over random small meshes: it only takes
 * access away, the allowed-callers list agrees with `check` with it, and the bench's
 * naive evaluator, which interprets NetworkPolicies on its own, gives the same answers.
 */

const namespaces = meshNamespaces;
const apps = ['web', 'api'];
const ports = [8080, 9000, 15008];

const selector = fc.oneof(
  fc.constant({}),
  fc.constantFrom(...apps).map(app => ({ matchLabels: { app } })),
  fc.constantFrom(...apps).map(app => ({
    matchExpressions: [{ key: 'app', operator: 'NotIn', values: [app] }],
  })),
);
const namespaceSelector = fc.oneof(
  fc.constant({}),
  fc.constant({ matchLabels: { team: 'blue' } }),
  fc
    .constantFrom(...namespaces)
    .map(ns => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } })),
);
const peer = fc.oneof(
  fc.record({ podSelector: selector }),
  fc.record({ namespaceSelector }),
  fc.record({ podSelector: selector, namespaceSelector }),
  fc.constant({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }),
  fc.constant({ ipBlock: { cidr: '0.0.0.0/0' } }),
);
const portEntry = fc.oneof(
  fc.constantFrom(...ports).map(port => ({ protocol: 'TCP', port })),
  fc.constant({ protocol: 'TCP', port: 'http' }),
  fc.constant({ protocol: 'TCP', port: 8000, endPort: 9000 }),
  fc.constant({ protocol: 'UDP', port: 8080 }),
  fc.constant({ protocol: 'TCP' }),
);
const rule = (peers: 'from' | 'to') =>
  fc.record(
    {
      [peers]: fc.array(peer, { maxLength: 2 }),
      ports: fc.array(portEntry, { maxLength: 2 }),
    },
    { requiredKeys: [] },
  );
const networkPolicySpec = fc.record(
  {
    podSelector: selector,
    policyTypes: fc.subarray(['Ingress', 'Egress'], { minLength: 1 }),
    ingress: fc.array(rule('from'), { maxLength: 2 }),
    egress: fc.array(rule('to'), { maxLength: 2 }),
  },
  { requiredKeys: ['podSelector'] },
);
const networkPolicies = fc.array(
  fc.record({ ns: fc.constantFrom(...namespaces), spec: networkPolicySpec }),
  { maxLength: 3 },
);

const mesh = fc.record({
  ...meshArbitraries({
    nsLabels: [
      { 'istio-injection': 'enabled' },
      {},
      { 'istio.io/dataplane-mode': 'ambient' },
      { 'istio-injection': 'enabled', team: 'blue' },
    ],
    apps,
  }),
  allowOnly: fc.option(fc.constantFrom(...namespaces), { nil: undefined }),
});

type MeshSpec = typeof mesh extends fc.Arbitrary<infer T> ? T : never;
type Policies = typeof networkPolicies extends fc.Arbitrary<infer T>
  ? T
  : never;

function manifests(spec: MeshSpec, policies: Policies): K8sObject[] {
  const objects = meshObjects(spec, {
    containerPorts: [
      { name: 'http', containerPort: 8080 },
      { containerPort: 9000 },
    ],
    servicePorts: [
      { name: 'http', port: 8080 },
      { name: 'tcp', port: 9000 },
    ],
  });
  if (spec.allowOnly) {
    // Istio admits only one namespace's callers, so both layers have a say.
    objects.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'only', namespace: 'istio-system' },
      spec: {
        rules: [{ from: [{ source: { namespaces: [spec.allowOnly] } }] }],
      },
    });
  }
  policies.forEach((p, i) =>
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `np${i}`, namespace: p.ns },
      spec: p.spec,
    }),
  );
  return objects;
}

const modelOf = (objects: K8sObject[]) => oneClusterModel(...objects);

const runs = propertyRuns(200, 20261202);

describe('the NetworkPolicy layer', () => {
  it('only takes access away: adding NetworkPolicies to a mesh never loosens a decision', () => {
    fc.assert(
      fc.property(
        mesh,
        networkPolicies,
        fc.option(fc.constantFrom(...ports), { nil: undefined }),
        (spec, policies, port) => {
          const before = modelOf(manifests(spec, []));
          const after = modelOf(manifests(spec, policies));
          for (const server of before.workloads) {
            const serverAfter = after.resolveWorkload(server.id);
            const callers: [Caller, Caller][] = [
              [{ kind: 'plaintext' }, { kind: 'plaintext' }],
              ...before.workloads.map((w): [Caller, Caller] => [
                { kind: 'workload', workload: w },
                { kind: 'workload', workload: after.resolveWorkload(w.id) },
              ]),
            ];
            for (const [was, now] of callers) {
              const a = evaluateAccess(was, server, { port });
              const b = evaluateAccess(now, serverAfter, { port });
              expect(loosened(a.decision, b.decision)).toBe(false);
            }
          }
        },
      ),
      runs,
    );
  });

  it('allowed callers agree with check: listed ⇔ some port open; blocked ⇔ Istio open and the network closed', () => {
    fc.assert(
      fc.property(mesh, networkPolicies, (spec, policies) => {
        const model = modelOf(manifests(spec, policies));
        for (const server of model.workloads) {
          const { allowedCallers: listed, blockedByNetwork } = allowedCallers(
            server,
            model,
          );
          const listedIds = listed.flatMap(e =>
            e.source.kind === 'workload' ? [e.source.workload] : [],
          );
          const blockedIds = blockedByNetwork.flatMap(e =>
            e.source.kind === 'workload' ? [e.source.workload] : [],
          );
          const wrong: string[] = [];
          for (const caller of model.workloads) {
            const answer = evaluateAccess(
              { kind: 'workload', workload: caller },
              server,
              {},
            );
            const open = answer.ports.some(p => p.decision !== 'DENY');
            if (listedIds.includes(caller.id) && !open) {
              wrong.push(`${caller.id} listed, check DENY`);
            }
            const covered = listed.some(
              e =>
                e.source.kind === 'anyone' ||
                (e.source.kind === 'authenticated' && caller.inMesh) ||
                (e.source.kind === 'namespace' &&
                  caller.inMesh &&
                  e.source.namespace === caller.namespace),
            );
            if (open && !listedIds.includes(caller.id) && !covered) {
              wrong.push(`${caller.id} open, not listed`);
            }
            if (
              blockedIds.includes(caller.id) &&
              (open || answer.network?.decision !== 'DENY')
            ) {
              wrong.push(`${caller.id} blocked, check ${answer.decision}`);
            }
          }
          expect(wrong).toEqual([]);
        }
      }),
      runs,
    );
  });

  it("agrees with the naive evaluator's own reading of NetworkPolicies", () => {
    fc.assert(
      fc.property(
        mesh,
        networkPolicies,
        fc.option(fc.constantFrom(...ports), { nil: undefined }),
        (spec, policies, port) => {
          const objects = manifests(spec, policies);
          const model = modelOf(objects);
          const state = model.clusters[0].state;
          const refs = model.workloads.map(
            w => `${w.namespace}/${w.workload.name}`,
          );
          for (const to of refs) {
            for (const from of ['plaintext', ...refs]) {
              const query = { from, to, ...(port ? { port } : {}) };
              expect([from, to, check(model, query).decision]).toEqual([
                from,
                to,
                naiveCheck(state, query).decision,
              ]);
            }
          }
        },
      ),
      runs,
    );
  });
});
