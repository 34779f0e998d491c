import { analyze, workloadView } from '../report/analyze';
import { diffReports } from '../report/diff';
import { MeshModel } from '../engine/MeshModel';
import { SourcedObject, buildClusterState } from '../model/buildClusterState';
import { ClusterState } from '../model/types';
import { networkPolicyPreview } from './networkPolicyPreview';
import { OnboardingRequestError } from './OnboardingRequestError';
import { OnboardingPlan, OnboardingPreview, OnboardingProtocol } from './types';

const appProtocols: Record<OnboardingProtocol, string> = {
  HTTP: 'http',
  HTTP2: 'http2',
  GRPC: 'grpc',
  TCP: 'tcp',
  TLS: 'tls',
};

/**
 * The manifests the plan adds or changes, plus, for a service the cluster does not run
 * yet, the Deployment and Service it is about to get (so the preview can show its
 * identity and ports). Only for the preview: none of these stand-ins is ever written.
 */
function planManifests(
  state: ClusterState,
  plan: OnboardingPlan,
): SourcedObject[] {
  const { namespace, service, selector, serviceAccount, ports } = plan.request;
  const current = state.namespaces.find(n => n.name === namespace);
  const objects: unknown[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: namespace,
        labels: { ...current?.labels, ...plan.namespaceLabels },
      },
    },
    ...plan.resources,
  ];
  if (!plan.workloads.length) {
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: service, namespace },
      spec: {
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: selector },
          spec: {
            serviceAccountName: serviceAccount,
            containers: [
              {
                name: service,
                ports: ports.map(p => ({
                  containerPort: p.port,
                  ...(p.name ? { name: p.name } : {}),
                })),
              },
            ],
          },
        },
      },
    });
    if (
      !state.services.some(s => s.namespace === namespace && s.name === service)
    ) {
      objects.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: service, namespace },
        spec: {
          selector,
          ports: ports.map(p => ({
            ...(p.name ? { name: p.name } : {}),
            port: p.port,
            targetPort: p.port,
            appProtocol: appProtocols[p.protocol],
          })),
        },
      });
    }
  }
  return objects.map(object => ({ object }));
}

type Named = { namespace?: string; name: string };

function upsert<T extends Named>(current: T[], added: T[]): T[] {
  const key = (item: Named) => `${item.namespace ?? ''}/${item.name}`;
  const replaced = new Map(added.map(item => [key(item), item]));
  const kept = current.map(item => replaced.get(key(item)) ?? item);
  const existing = new Set(current.map(key));
  return [...kept, ...added.filter(item => !existing.has(key(item)))];
}

/** The cluster as it is once the plan is applied, normalized by the engine's own rules. */
export function applyPlan(
  state: ClusterState,
  plan: OnboardingPlan,
): ClusterState {
  const delta = buildClusterState(state.name, planManifests(state, plan));
  return {
    ...state,
    namespaces: upsert(state.namespaces, delta.namespaces),
    serviceAccounts: upsert(state.serviceAccounts, delta.serviceAccounts),
    workloads: upsert(state.workloads, delta.workloads),
    services: upsert(state.services, delta.services),
    peerAuthentications: upsert(
      state.peerAuthentications,
      delta.peerAuthentications,
    ),
    destinationRules: upsert(state.destinationRules, delta.destinationRules),
    authorizationPolicies: upsert(
      state.authorizationPolicies,
      delta.authorizationPolicies,
    ),
    networkPolicies: upsert(
      state.networkPolicies ?? [],
      delta.networkPolicies ?? [],
    ),
    kubernetesGateways: upsert(
      state.kubernetesGateways ?? [],
      delta.kubernetesGateways ?? [],
    ),
    ...(delta.serviceEntries
      ? {
          serviceEntries: upsert(
            state.serviceEntries ?? [],
            delta.serviceEntries,
          ),
        }
      : {}),
    // A VirtualService the plan adds is the newest: last in Istio's order, where upsert
    // puts it (model/creationOrder.ts).
    ...(delta.virtualServices
      ? {
          virtualServices: upsert(
            state.virtualServices ?? [],
            delta.virtualServices,
          ),
        }
      : {}),
    problems: [...state.problems, ...delta.problems],
  };
}

/**
 * What the plan does to access: the workload's view before and after, and the diff
 * over the whole mesh (callers gained and lost, mTLS and membership changes, findings
 * introduced or resolved, for every workload the change touches). This is what the
 * backend's preview endpoint returns and what the pull request's description is built
 * from.
 *
 * @public
 */
export function previewOnboarding(
  plan: OnboardingPlan,
  model: MeshModel,
): OnboardingPreview {
  const cluster = model.cluster(plan.cluster);
  if (!cluster) {
    throw new OnboardingRequestError([
      { path: 'cluster', message: `no cluster "${plan.cluster}"` },
    ]);
  }
  const afterModel = new MeshModel(
    model.clusters.map(c =>
      c === cluster ? applyPlan(c.state, plan) : c.state,
    ),
  );
  const id =
    plan.workloads[0] ??
    `${plan.cluster}/${plan.request.namespace}/${plan.request.service}`;
  const before = plan.workloads[0]
    ? workloadView(model.resolveWorkload(id), model)
    : null;
  const after = workloadView(afterModel.resolveWorkload(id), afterModel);
  const networkPolicy = networkPolicyPreview(plan, model, afterModel);
  return {
    plan,
    before,
    after,
    diff: diffReports(analyze(model), analyze(afterModel)),
    ...(networkPolicy ? { networkPolicy } : {}),
  };
}
