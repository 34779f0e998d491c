import fc from 'fast-check';
import {
  loosened,
  meshArbitraries,
  meshNamespaces,
  meshObjects,
  propertyRuns,
} from '../__testUtils__/generatedMesh';
import { K8sObject, model as oneClusterModel } from '../__fixtures__/manifests';
import { evaluateAccess } from './access';
import { AllowedCaller, allowedCallers } from './callers';
import { stringMatches } from './match';
import { WorkloadModel } from './MeshModel';

// Property tests over generated meshes: CPU-bound, slow on a busy machine.
jest.setTimeout(60_000);

/*
 * Property tests over random small meshes: the allowed-callers list agrees with
 * `check`, and adding a DENY policy never lets anything new through.
 */

const namespaces = meshNamespaces;
const accounts = ['sa-1', 'sa-2'];
const apps = ['web', 'api', 'db'];
const ports = [8080, 9000];

const mode = fc.constantFrom('STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET');
const principal = fc.oneof(
  fc
    .constantFrom(...namespaces)
    .chain(ns =>
      fc.constantFrom(...accounts).map(sa => `cluster.local/ns/${ns}/sa/${sa}`),
    ),
  fc.constant('*'),
  fc.constantFrom(...namespaces).map(ns => `cluster.local/ns/${ns}/sa/*`),
  fc.constant('other.example/ns/ns-a/sa/sa-1'),
  // A waypoint's identity: the destination's ztunnel sees it for traffic through it.
  fc
    .constantFrom(...namespaces)
    .map(ns => `cluster.local/ns/${ns}/sa/waypoint`),
);
const source = fc.record(
  {
    principals: fc.array(principal, { minLength: 1, maxLength: 2 }),
    namespaces: fc.array(fc.constantFrom(...namespaces, '*'), {
      minLength: 1,
      maxLength: 2,
    }),
    notPrincipals: fc.array(principal, { minLength: 1, maxLength: 1 }),
  },
  { requiredKeys: [] },
);
const operation = fc.record(
  {
    ports: fc.array(fc.constantFrom(...ports.map(String)), {
      minLength: 1,
      maxLength: 2,
    }),
    methods: fc.array(fc.constantFrom('GET', 'POST'), {
      minLength: 1,
      maxLength: 1,
    }),
  },
  { requiredKeys: [] },
);
const rule = fc.record(
  {
    from: fc.array(fc.record({ source }), { minLength: 1, maxLength: 2 }),
    to: fc.array(fc.record({ operation }), { minLength: 1, maxLength: 1 }),
  },
  { requiredKeys: [] },
);
const selectorSpec = fc.record(
  {
    selector: fc.constantFrom(...apps).map(app => ({ matchLabels: { app } })),
    action: fc.constantFrom('ALLOW', 'DENY'),
    rules: fc.array(rule, { maxLength: 2 }),
  },
  { requiredKeys: ['action'] },
);
/** Bound to a waypoint (its Gateway) or to a Service, enforced at the waypoint. */
const targetRefSpec = fc.record({
  targetRefs: fc.oneof(
    fc.constant([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' },
    ]),
    fc
      .tuple(fc.constantFrom(...apps), fc.integer({ min: 0, max: 3 }))
      .map(([app, i]) => [{ kind: 'Service', name: `${app}-${i}` }]),
  ),
  action: fc.constantFrom('ALLOW', 'DENY'),
  rules: fc.array(rule, { maxLength: 2 }),
});
const policySpec = fc.oneof(selectorSpec, selectorSpec, targetRefSpec);

const mesh = fc.record({
  ...meshArbitraries({
    nsLabels: [
      { 'istio-injection': 'enabled' },
      {},
      { 'istio.io/dataplane-mode': 'ambient' },
      { 'istio.io/rev': 'canary' },
      // Ambient with the namespace's waypoint (istio.io/use-waypoint).
      {
        'istio.io/dataplane-mode': 'ambient',
        'istio.io/use-waypoint': 'waypoint',
      },
    ],
    apps,
    accounts,
  }),
  // The namespaces that hold a waypoint named `waypoint`, and the traffic it takes.
  waypoints: fc.array(
    fc.record({
      ns: fc.constantFrom(...namespaces),
      for: fc.constantFrom(undefined, 'service', 'workload', 'all'),
    }),
    { maxLength: 2 },
  ),
  meshMode: mode,
  nsMode: fc.option(fc.record({ ns: fc.constantFrom(...namespaces), mode })),
  policies: fc.array(
    fc.record({
      ns: fc.constantFrom(...namespaces, 'istio-system'),
      spec: policySpec,
    }),
    { maxLength: 4 },
  ),
  tcpPort: fc.boolean(),
});

type MeshSpec = typeof mesh extends fc.Arbitrary<infer T> ? T : never;

function manifests(spec: MeshSpec, extra: K8sObject[] = []): K8sObject[] {
  const objects = meshObjects(spec, {
    containerPorts: ports.map(p => ({ containerPort: p })),
    servicePorts: [
      { name: 'http', port: 8080 },
      { name: spec.tcpPort ? 'tcp' : 'grpc', port: 9000 },
    ],
  });
  objects.push({
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace: 'istio-system' },
    spec: { mtls: { mode: spec.meshMode } },
  });
  if (spec.nsMode) {
    objects.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: spec.nsMode.ns },
      spec: { mtls: { mode: spec.nsMode.mode } },
    });
  }
  for (const w of spec.waypoints) {
    objects.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: {
        name: 'waypoint',
        namespace: w.ns,
        ...(w.for ? { labels: { 'istio.io/waypoint-for': w.for } } : {}),
      },
      spec: {
        gatewayClassName: 'istio-waypoint',
        listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
      },
    });
  }
  spec.policies.forEach((p, i) =>
    objects.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: `p${i}`, namespace: p.ns },
      spec: p.spec,
    }),
  );
  return [...objects, ...extra];
}

const modelOf = (objects: K8sObject[]) => oneClusterModel(...objects);

/** Whether a listed wider source stands for this caller. */
function covers(entry: AllowedCaller, caller: WorkloadModel): boolean {
  const s = entry.source;
  switch (s.kind) {
    case 'anyone':
      return true;
    case 'authenticated':
      return caller.inMesh;
    case 'namespace':
      return caller.inMesh && caller.namespace === s.namespace;
    case 'principalPattern':
      return caller.inMesh && stringMatches(s.pattern, caller.principal);
    case 'namespacePattern':
      return caller.inMesh && stringMatches(s.pattern, caller.namespace);
    case 'workload':
      return s.workload === caller.id;
    default:
      return false;
  }
}

const runs = propertyRuns(300, 20261123);

describe('allowed callers agree with check', () => {
  it('covers paths through waypoints (the generated meshes reach them)', () => {
    const through = fc
      .sample(mesh, { numRuns: 200, seed: 20261202 })
      .filter(spec => {
        const model = modelOf(manifests(spec));
        return model.workloads.some(server =>
          model.workloads.some(caller =>
            evaluateAccess(
              { kind: 'workload', workload: caller },
              server,
              {},
            ).reason.includes('through waypoint'),
          ),
        );
      });
    expect(through.length).toBeGreaterThan(10);
  });

  it('lists exactly the known workloads that check lets through on some port', () => {
    fc.assert(
      fc.property(mesh, spec => {
        const model = modelOf(manifests(spec));
        for (const server of model.workloads) {
          const { allowedCallers: listed } = allowedCallers(server, model);
          for (const caller of model.workloads) {
            const access = evaluateAccess(
              { kind: 'workload', workload: caller },
              server,
              {},
            );
            const reachable = access.ports.some(p => p.decision !== 'DENY');
            const explicit = listed.find(
              e =>
                e.source.kind === 'workload' && e.source.workload === caller.id,
            );
            const covered =
              explicit !== undefined || listed.some(e => covers(e, caller));
            // listed ⇒ reachable, and reachable ⇒ listed or covered
            expect({ listed: !!explicit, reachable }).not.toEqual({
              listed: true,
              reachable: false,
            });
            expect({ reachable, covered }).not.toEqual({
              reachable: true,
              covered: false,
            });
          }
        }
      }),
      runs,
    );
  });
});

describe('DENY policies only take access away', () => {
  const denyPolicy = fc.record({
    ns: fc.constantFrom(...namespaces, 'istio-system'),
    spec: policySpec.map(p => ({ ...p, action: 'DENY' })),
  });
  const request = fc.record({
    port: fc.constantFrom(...ports),
    method: fc.option(fc.constantFrom('GET', 'POST'), { nil: undefined }),
  });

  it('never turns a DENY into an ALLOW or CONDITIONAL', () => {
    fc.assert(
      fc.property(mesh, denyPolicy, request, (spec, deny, attributes) => {
        const before = modelOf(manifests(spec));
        const after = modelOf(
          manifests(spec, [
            {
              apiVersion: 'security.istio.io/v1',
              kind: 'AuthorizationPolicy',
              metadata: { name: 'added-deny', namespace: deny.ns },
              spec: deny.spec,
            },
          ]),
        );
        for (const server of before.workloads) {
          const serverAfter = after.resolveWorkload(server.id);
          for (const caller of before.workloads) {
            const callerAfter = after.resolveWorkload(caller.id);
            const was = evaluateAccess(
              { kind: 'workload', workload: caller },
              server,
              attributes,
            );
            const now = evaluateAccess(
              { kind: 'workload', workload: callerAfter },
              serverAfter,
              attributes,
            );
            expect(loosened(was.decision, now.decision)).toBe(false);
          }
          const plainWas = evaluateAccess(
            { kind: 'plaintext' },
            server,
            attributes,
          );
          const plainNow = evaluateAccess(
            { kind: 'plaintext' },
            serverAfter,
            attributes,
          );
          expect(loosened(plainWas.decision, plainNow.decision)).toBe(false);
        }
      }),
      runs,
    );
  });
});
