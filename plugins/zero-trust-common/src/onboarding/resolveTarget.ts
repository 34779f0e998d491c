import { ClusterModel, WorkloadModel } from '../engine/MeshModel';
import { protocolOf } from '../engine/ports';
import { selectorMatches } from '../model/labels';
import {
  OnboardingPort,
  OnboardingProtocol,
  OnboardingRequest,
  ResolvedOnboardingPort,
} from './types';

/** The workloads that are the service today, and how they were found. */
export interface Target {
  workloads: WorkloadModel[];
  /** e.g. `Service bookinfo/reviews`, for notes. */
  via?: string;
}

/**
 * The service's existing workloads: those the request's selector picks, else those its
 * Service of the same name selects, else the workload of that name.
 */
export function findTarget(
  cluster: ClusterModel,
  request: OnboardingRequest,
): Target {
  const inNamespace = cluster.workloadsByNamespace.get(request.namespace) ?? [];
  if (request.selector) {
    return {
      workloads: inNamespace.filter(w =>
        selectorMatches(request.selector, w.workload.labels),
      ),
      via: 'the request selector',
    };
  }
  const service = (
    cluster.servicesByNamespace.get(request.namespace) ?? []
  ).find(s => s.name === request.service);
  if (service?.selector && Object.keys(service.selector).length) {
    const selected = inNamespace.filter(w =>
      selectorMatches(service.selector, w.workload.labels),
    );
    if (selected.length) {
      return {
        workloads: selected,
        via: `Service ${service.namespace}/${service.name}`,
      };
    }
  }
  const named = inNamespace.filter(w => w.workload.name === request.service);
  return { workloads: named, via: named.length ? 'its name' : undefined };
}

// Labels a controller or Istio adds to pods, and the injection switches: none of them
// identifies the service, so none belongs in its policies' selector.
const volatileLabels = new Set([
  'pod-template-hash',
  'pod-template-generation',
  'controller-revision-hash',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'security.istio.io/tlsMode',
  'service.istio.io/canonical-name',
  'service.istio.io/canonical-revision',
  'sidecar.istio.io/inject',
  'istio.io/rev',
  'istio.io/dataplane-mode',
]);

/** The pod labels the workloads share (one workload: all its pod labels). */
export function sharedPodLabels(
  workloads: WorkloadModel[],
): Record<string, string> {
  const [first, ...rest] = workloads;
  const shared: Record<string, string> = {};
  for (const [k, v] of Object.entries(first?.workload.labels ?? {})) {
    if (volatileLabels.has(k)) continue;
    if (rest.every(w => w.workload.labels[k] === v)) shared[k] = v;
  }
  return shared;
}

const declaredProtocols: Record<string, OnboardingProtocol> = {
  http: 'HTTP',
  http2: 'HTTP2',
  h2c: 'HTTP2',
  grpc: 'GRPC',
  'grpc-web': 'GRPC',
  tcp: 'TCP',
  tls: 'TLS',
  https: 'TLS',
};

/** A known port of the workloads, with the protocol its Service declares (if any). */
export interface KnownPort {
  port: number;
  name?: string;
  declared?: OnboardingProtocol;
}

/** Every target port the workloads listen on, with the protocol Istio reads for it. */
export function knownPorts(workloads: WorkloadModel[]): Map<number, KnownPort> {
  const known = new Map<number, KnownPort>();
  for (const w of workloads) {
    for (const p of w.ports) {
      if (known.has(p.port)) continue;
      let declared: OnboardingProtocol | undefined;
      for (const { service, servicePort } of p.services) {
        const sp = service.ports.find(s => s.port === servicePort);
        if (!sp || protocolOf(sp) === 'auto') continue;
        const word = (sp.appProtocol ?? sp.name?.split('-')[0] ?? '')
          .toLowerCase()
          .replace(/^kubernetes\.io\//, '');
        declared =
          declaredProtocols[word] ??
          (protocolOf(sp) === 'http' ? 'HTTP' : 'TCP');
        break;
      }
      known.set(p.port, {
        port: p.port,
        ...(p.name ? { name: p.name } : {}),
        ...(declared ? { declared } : {}),
      });
    }
  }
  return known;
}

const isHttp = (p: OnboardingProtocol) =>
  p === 'HTTP' || p === 'HTTP2' || p === 'GRPC';

/**
 * The request's ports with protocols filled in: a port without one takes its
 * Service's declared protocol, else HTTP (Istio sniffs an undeclared port, so HTTP
 * traffic gets HTTP semantics:
 * https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/).
 */
export function resolvePorts(
  requested: OnboardingPort[] | undefined,
  known: Map<number, KnownPort>,
  note: (text: string) => void,
): ResolvedOnboardingPort[] {
  const source: OnboardingPort[] = requested ?? [...known.values()];
  return source.map(p => {
    const k = known.get(p.port);
    const given = requested ? p.protocol : undefined;
    const protocol = given ?? k?.declared ?? 'HTTP';
    if (given && k?.declared && isHttp(given) !== isHttp(k.declared)) {
      note(
        `Port ${p.port} is requested as ${given}, but its Service declares ${k.declared}; Istio follows the Service, so fix whichever is wrong.`,
      );
    }
    const name = p.name ?? k?.name;
    return { ...(name ? { name } : {}), port: p.port, protocol };
  });
}

export { isHttp };
