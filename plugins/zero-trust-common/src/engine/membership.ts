import { Labels, NamespaceInfo, WorkloadInfo } from '../model/types';
import { gatewayNameLabel, waypointClass } from './waypoints';

/** @public */
export type MeshMode = 'sidecar' | 'ambient' | 'none';

/** @public */
export interface Membership {
  mode: MeshMode;
  /** How it got there, e.g. `namespace label istio-injection=enabled`. */
  reason: string;
  /** The control plane revision that injects it, where a revision label chose it. */
  revision?: string;
}

// Namespaces the injector always skips (pkg/kube/inject: IgnoredNamespaces).
const ignoredNamespaces = ['kube-system', 'kube-public', 'kube-node-lease'];

const injectionLabel = 'istio-injection';
const revisionLabel = 'istio.io/rev';
const sidecarInjectLabel = 'sidecar.istio.io/inject';
const dataplaneModeLabel = 'istio.io/dataplane-mode';

/**
 * Whether the sidecar injector injects this workload's pods.
 *
 * The webhook is called according to its namespace and object selectors
 * (https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy):
 * a namespace label `istio-injection=disabled` or a pod label
 * `sidecar.istio.io/inject=false` wins; otherwise `istio-injection=enabled`, a
 * namespace or pod `istio.io/rev`, or the pod label `sidecar.istio.io/inject=true`
 * call it, and `istio-injection` takes precedence over `istio.io/rev`. Once called,
 * injectRequired (pkg/kube/inject/inject.go) reads the pod label, else the older
 * pod annotation, and injects unless it is set to something other than y/yes/true/on.
 */
function sidecarMembership(
  namespace: Labels,
  workload: WorkloadInfo,
): Membership | undefined {
  const podLabel = workload.labels[sidecarInjectLabel];
  const nsInjection = namespace[injectionLabel];
  if (nsInjection === 'disabled' || podLabel === 'false') return undefined;

  let reason: string | undefined;
  let revision: string | undefined;
  if (nsInjection === 'enabled') {
    reason = `namespace label ${injectionLabel}=enabled`;
  } else if (nsInjection === undefined && namespace[revisionLabel]) {
    revision = namespace[revisionLabel];
    reason = `namespace label ${revisionLabel}=${revision}`;
  } else if (
    nsInjection === undefined &&
    namespace[revisionLabel] === undefined
  ) {
    if (workload.labels[revisionLabel]) {
      revision = workload.labels[revisionLabel];
      reason = `pod label ${revisionLabel}=${revision}`;
    } else if (podLabel === 'true') {
      reason = `pod label ${sidecarInjectLabel}=true`;
    }
  }
  if (!reason) return undefined;

  const selector = podLabel ?? workload.annotations[sidecarInjectLabel];
  if (selector !== undefined && selector !== '') {
    if (!['y', 'yes', 'true', 'on'].includes(selector.toLowerCase())) {
      return undefined;
    }
  }
  return { mode: 'sidecar', reason, ...(revision ? { revision } : {}) };
}

/**
 * The workload's data plane: a sidecar, ambient (ztunnel), or none.
 *
 * Ambient enrollment follows https://istio.io/latest/docs/ambient/usage/add-workloads/:
 * the namespace label `istio.io/dataplane-mode=ambient`, which a pod opts out of with
 * `istio.io/dataplane-mode=none`, or the pod label alone. A pod with a sidecar is never
 * captured by ztunnel, so the sidecar decision comes first.
 *
 * @public
 */
export function meshMembership(
  namespace: NamespaceInfo | undefined,
  workload: WorkloadInfo,
): Membership {
  const nsLabels = namespace?.labels ?? {};
  if (ignoredNamespaces.includes(workload.namespace)) {
    return {
      mode: 'none',
      reason: `namespace ${workload.namespace} is never injected`,
    };
  }
  if (workload.hostNetwork) {
    return {
      mode: 'none',
      reason: 'pods on the host network are never injected',
    };
  }
  const gateway = deployedGateway(workload);
  if (gateway) {
    return {
      mode: 'sidecar',
      reason: `istiod deploys it for Gateway ${workload.namespace}/${gateway.name} (class ${gateway.className}) with its own proxy`,
    };
  }
  const sidecar = sidecarMembership(nsLabels, workload);
  if (sidecar) return sidecar;

  const podMode = workload.labels[dataplaneModeLabel];
  if (podMode === 'ambient') {
    return {
      mode: 'ambient',
      reason: `pod label ${dataplaneModeLabel}=ambient`,
    };
  }
  if (nsLabels[dataplaneModeLabel] === 'ambient' && podMode !== 'none') {
    return {
      mode: 'ambient',
      reason: `namespace label ${dataplaneModeLabel}=ambient`,
    };
  }
  return { mode: 'none', reason: notInMeshReason(nsLabels, workload) };
}

function notInMeshReason(ns: Labels, workload: WorkloadInfo): string {
  if (ns[injectionLabel] === 'disabled') {
    return `namespace label ${injectionLabel}=disabled`;
  }
  if (workload.labels[sidecarInjectLabel] === 'false') {
    return `pod label ${sidecarInjectLabel}=false`;
  }
  if (workload.annotations[sidecarInjectLabel]) {
    return `pod annotation ${sidecarInjectLabel}=${workload.annotations[sidecarInjectLabel]}`;
  }
  if (workload.labels[dataplaneModeLabel] === 'none') {
    return `pod label ${dataplaneModeLabel}=none`;
  }
  return 'no injection or ambient label on the namespace or the pod';
}

const injectTemplatesAnnotation = 'inject.istio.io/templates';
const managedLabel = 'gateway.istio.io/managed';
const gatewayClassLabel = 'gateway.networking.k8s.io/gateway-class-name';

/**
 * The Gateway API Gateway whose proxy these pods are, where istiod deployed them for one
 * that is no waypoint (class `istio`, or `istio-east-west`). Its template
 * (kube-gateway.yaml in istio/istio manifests/charts/istio-control/istio-discovery/files)
 * runs the proxy as the pod's own container (`proxy router`, the mesh identity of its
 * service account) and labels the pods `sidecar.istio.io/inject=false`, so that the
 * injector leaves them alone: they are in the mesh all the same. A waypoint's pods
 * (class `istio-waypoint`) are left to the waypoint model.
 */
export function deployedGateway(
  workload: WorkloadInfo,
): { name: string; className: string } | undefined {
  const name = workload.labels[gatewayNameLabel];
  const className = workload.labels[gatewayClassLabel];
  if (
    name === undefined ||
    className === undefined ||
    className === waypointClass ||
    workload.labels[managedLabel] !== 'istio.io-gateway-controller'
  ) {
    return undefined;
  }
  return { name, className };
}

/**
 * Whether the workload's pods are an Istio gateway: injected with the `gateway`
 * template (https://istio.io/latest/docs/setup/additional-setup/gateway/), or deployed
 * by istiod for a Gateway API Gateway (`deployedGateway`), so its proxy is a router
 * whose listeners come from Gateway resources, not a sidecar.
 *
 * @public
 */
export function isGatewayWorkload(workload: WorkloadInfo): boolean {
  return (
    deployedGateway(workload) !== undefined ||
    (workload.annotations[injectTemplatesAnnotation] ?? '')
      .split(',')
      .some(template => template.trim() === 'gateway')
  );
}

/**
 * Whether the workload's traffic passes through a sidecar proxy its pod's iptables
 * redirect to: injected as a sidecar, and no gateway (a gateway's proxy listens on its
 * ports itself and reads no Sidecar scope).
 */
export function hasSidecarProxy(
  membership: Membership,
  workload: WorkloadInfo,
): boolean {
  return membership.mode === 'sidecar' && !isGatewayWorkload(workload);
}
