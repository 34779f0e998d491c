import { selectorMatches } from '../model/labels';
import {
  ClientTlsMode,
  DestinationRuleInfo,
  MeshConfig,
  ServiceInfo,
  WorkloadInfo,
} from '../model/types';

/** Kubernetes' cluster DNS suffix, which Istio service hostnames use. */
export const dnsDomain = 'cluster.local';

/** `NAME.NAMESPACE.svc.cluster.local`. @public */
export function serviceHost(namespace: string, name: string): string {
  return `${name}.${namespace}.svc.${dnsDomain}`;
}

/** A DestinationRule host as Istio reads it: a short name is relative to the rule's namespace. */
export function resolveRuleHost(rule: DestinationRuleInfo): string {
  if (rule.host === '*' || rule.host.includes('.')) return rule.host;
  return serviceHost(rule.namespace, rule.host);
}

/** How well a rule host matches: higher is more specific; undefined for no match. */
function hostMatch(ruleHost: string, host: string): number | undefined {
  if (ruleHost === host) return Number.MAX_SAFE_INTEGER;
  if (ruleHost === '*') return 0;
  if (ruleHost.startsWith('*') && host.endsWith(ruleHost.slice(1))) {
    return ruleHost.length;
  }
  return undefined;
}

function isExportedTo(rule: DestinationRuleInfo, namespace: string): boolean {
  return rule.exportTo.some(
    e =>
      e === '*' ||
      e === namespace ||
      (e === '.' && rule.namespace === namespace),
  );
}

function mostSpecific(
  rules: DestinationRuleInfo[],
  host: string,
): DestinationRuleInfo | undefined {
  let best: DestinationRuleInfo | undefined;
  let bestScore = -1;
  for (const rule of rules) {
    const score = hostMatch(resolveRuleHost(rule), host);
    if (score === undefined) continue;
    const older =
      best && (rule.creationTimestamp ?? '') < (best.creationTimestamp ?? '');
    if (score > bestScore || (score === bestScore && older)) {
      best = rule;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The DestinationRule a client's proxy uses for a host, in Istio's lookup order
 * (pilot/pkg/model/push_context.go, destinationRule): the client's own namespace,
 * then the service's namespace, then the root namespace, the last two only for rules
 * exported to the client's namespace; within one namespace the most specific host
 * wins. In the client's namespace the most specific host is chosen among all its
 * rules, workloadSelector ones included; of that host's rules, one whose selector
 * matches the client wins, else the one without a selector, else none, and the
 * lookup stops there (pilot/pkg/model/sidecar.go, SidecarScope.DestinationRule).
 *
 * @public
 */
export function destinationRuleFor(
  mesh: MeshConfig,
  client: WorkloadInfo,
  host: string,
  serviceNamespace: string,
  rulesByNamespace: ReadonlyMap<string, DestinationRuleInfo[]>,
): DestinationRuleInfo | undefined {
  const local = rulesByNamespace.get(client.namespace) ?? [];
  const found = mostSpecific(local, host);
  if (found) {
    const sameHost = local.filter(
      r => resolveRuleHost(r) === resolveRuleHost(found),
    );
    const bySelector = sameHost.filter(
      r =>
        r.workloadSelector &&
        selectorMatches(r.workloadSelector, client.labels),
    );
    return (
      mostSpecific(bySelector, host) ??
      mostSpecific(
        sameHost.filter(r => !r.workloadSelector),
        host,
      )
    );
  }
  for (const ns of [serviceNamespace, mesh.rootNamespace]) {
    if (ns === client.namespace) continue;
    const exported = (rulesByNamespace.get(ns) ?? []).filter(
      r => !r.workloadSelector && isExportedTo(r, client.namespace),
    );
    const rule = mostSpecific(exported, host);
    if (rule) return rule;
  }
  return undefined;
}

/**
 * `destinationRuleFor` over one cluster's rules, remembered per client namespace and
 * service: `allowedCallers` asks it for every candidate of every server. Only a rule
 * with a workloadSelector in the client's own namespace makes the answer depend on
 * the client itself, so in such a namespace nothing is remembered.
 */
export class DestinationRuleLookup {
  private readonly byNamespace = new Map<
    string,
    Map<ServiceInfo, DestinationRuleInfo | undefined> | 'per client'
  >();

  constructor(
    private readonly mesh: MeshConfig,
    private readonly rulesByNamespace: ReadonlyMap<
      string,
      DestinationRuleInfo[]
    >,
  ) {}

  /** The rule a client's proxy uses for a service's host. */
  forService(
    client: WorkloadInfo,
    service: ServiceInfo,
  ): DestinationRuleInfo | undefined {
    let remembered = this.byNamespace.get(client.namespace);
    if (!remembered) {
      const local = this.rulesByNamespace.get(client.namespace) ?? [];
      remembered = local.some(r => r.workloadSelector)
        ? 'per client'
        : new Map();
      this.byNamespace.set(client.namespace, remembered);
    }
    if (remembered !== 'per client' && remembered.has(service)) {
      return remembered.get(service);
    }
    const rule = destinationRuleFor(
      this.mesh,
      client,
      serviceHost(service.namespace, service.name),
      service.namespace,
      this.rulesByNamespace,
    );
    if (remembered !== 'per client') remembered.set(service, rule);
    return rule;
  }
}

/**
 * The rule's TLS mode for a service port: a port-level setting, else the rule's own.
 * A port-level setting replaces the rule's traffic policy rather than merging with it,
 * so one without `tls` leaves the port on auto mTLS ("port level policies do not
 * inherit", GetPortLevelTrafficPolicy in pilot/pkg/networking/util/util.go;
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/#TrafficPolicy-PortTrafficPolicy).
 *
 * @public
 */
export function tlsModeFor(
  rule: DestinationRuleInfo,
  servicePort: number | undefined,
): ClientTlsMode | undefined {
  if (servicePort !== undefined && servicePort in rule.portLevelTls) {
    return rule.portLevelTls[servicePort];
  }
  return rule.tlsMode;
}
