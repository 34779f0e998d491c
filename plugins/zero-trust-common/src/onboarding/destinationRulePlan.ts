import { resolveRuleHost, serviceHost } from '../engine/destinationRules';
import { ClusterModel } from '../engine/MeshModel';
import { destinationRule } from './manifests';
import { Planner } from './Planner';
import { OnboardingOutlierDetection, OnboardingResource } from './types';

/**
 * The service's DestinationRule, unless another rule in its namespace already sets the
 * traffic policy for that exact host: Istio merges rules for one host and keeps the
 * oldest one's traffic policy (https://istio.io/latest/docs/ops/best-practices/traffic-management/#multiple-destination-rules-for-the-same-host).
 */
export function planDestinationRule(
  p: Planner,
  cluster: ClusterModel,
  namespace: string,
  service: string,
  options: { tls: boolean; outlierDetection?: OnboardingOutlierDetection } = {
    tls: true,
  },
): OnboardingResource | undefined {
  const host = serviceHost(namespace, service);
  const rules = cluster.destinationRulesByNamespace.get(namespace) ?? [];
  const sameHost = rules.find(
    r =>
      r.name !== service && !r.workloadSelector && resolveRuleHost(r) === host,
  );
  if (sameHost) {
    const ref = `${sameHost.namespace}/${sameHost.name}`;
    if (options.outlierDetection) {
      p.issue({
        path: 'traffic.outlierDetection',
        message: `DestinationRule ${ref} already sets the traffic policy for ${host}, and Istio keeps the oldest rule's traffic policy for a host; add the outlier detection to it by hand`,
      });
      return undefined;
    }
    if (sameHost.tlsMode === undefined || sameHost.tlsMode === 'ISTIO_MUTUAL') {
      p.note(
        `DestinationRule ${ref} already sets the traffic policy for ${host} (${
          sameHost.tlsMode ?? 'auto mTLS'
        }); no second rule is added.`,
      );
      return undefined;
    }
    p.issue({
      path: 'service',
      message: `DestinationRule ${ref} sets tls ${sameHost.tlsMode} for ${host}, and Istio keeps the oldest rule's traffic policy for a host; change that rule by hand`,
    });
    return undefined;
  }
  const wider = rules.filter(
    r =>
      !r.workloadSelector &&
      resolveRuleHost(r).startsWith('*') &&
      host.endsWith(resolveRuleHost(r).slice(1)),
  );
  for (const r of wider) {
    p.note(
      `DestinationRule ${r.namespace}/${r.name} (host ${r.host}) also matches ${host}; the more specific ${namespace}/${service} rule replaces it for this host.`,
    );
  }
  if (
    !(cluster.servicesByNamespace.get(namespace) ?? []).some(
      s => s.name === service,
    )
  ) {
    p.note(
      `There is no Service ${namespace}/${service} in cluster ${cluster.name} yet; the DestinationRule for ${host} takes effect once it exists.`,
    );
  }
  return destinationRule(service, namespace, options);
}
