import { serviceHost } from '../engine/destinationRules';
import { defaultEgressProtocol } from './parseEdges';
import {
  OnboardingEgress,
  OnboardingOutlierDetection,
  OnboardingResource,
  OnboardingTraffic,
} from './types';

/** The namespace default deny's name, as Istio's docs call it. */
export const allowNothingName = 'allow-nothing';

/** One ALLOW rule: who (a principal or a namespace) may call, and on what. */
export interface CallerRule {
  principals?: string[];
  namespaces?: string[];
  ports: number[];
  methods?: string[];
  paths?: string[];
}

/**
 * The client side of mTLS for the service's host: sidecars originate Istio mTLS to it
 * whatever auto mTLS decides. The host is the Service's FQDN
 * (https://istio.io/latest/docs/reference/config/networking/destination-rule/).
 */
export function destinationRule(
  service: string,
  namespace: string,
  options: { tls: boolean; outlierDetection?: OnboardingOutlierDetection } = {
    tls: true,
  },
): OnboardingResource {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: service, namespace },
    spec: {
      host: serviceHost(namespace, service),
      trafficPolicy: {
        ...(options.tls ? { tls: { mode: 'ISTIO_MUTUAL' } } : {}),
        ...(options.outlierDetection
          ? { outlierDetection: { ...options.outlierDetection } }
          : {}),
      },
    },
  };
}

/** The ServiceEntry of one egress host: `<service>-egress-<host with dashes>`. */
export function serviceEntryName(service: string, host: string): string {
  return `${service}-egress-${host.replace(/\./g, '-')}`;
}

/**
 * One external host the service may reach: a ServiceEntry exported to its own namespace
 * only (`exportTo: ["."]`), outside the mesh, resolved by DNS, so that a mesh with
 * `outboundTrafficPolicy: REGISTRY_ONLY` lets the namespace's sidecars call it
 * (https://istio.io/latest/docs/reference/config/networking/service-entry/).
 */
export function serviceEntry(
  service: string,
  namespace: string,
  egress: OnboardingEgress,
): OnboardingResource {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: serviceEntryName(service, egress.host), namespace },
    spec: {
      hosts: [egress.host],
      exportTo: ['.'],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      ports: egress.ports.map(number => {
        const protocol = egress.protocol ?? defaultEgressProtocol(number)!;
        return {
          number,
          name: `${protocol.toLowerCase()}-${number}`,
          protocol,
        };
      }),
    },
  };
}

/**
 * The route every caller of the service takes, with the request's timeout and retries
 * (https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute).
 * Exported everywhere (no `exportTo`), as the service's callers live anywhere.
 */
export function virtualService(
  service: string,
  namespace: string,
  traffic: OnboardingTraffic,
): OnboardingResource {
  const host = serviceHost(namespace, service);
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: service, namespace },
    spec: {
      hosts: [host],
      http: [
        {
          route: [{ destination: { host } }],
          ...(traffic.timeout ? { timeout: traffic.timeout } : {}),
          ...(traffic.retries ? { retries: { ...traffic.retries } } : {}),
        },
      ],
    },
  };
}

export function peerAuthentication(
  service: string,
  namespace: string,
  selector: Record<string, string>,
  mode: string,
): OnboardingResource {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: service, namespace },
    spec: { selector: { matchLabels: { ...selector } }, mtls: { mode } },
  };
}

/** What an ALLOW policy is bound to: the workload's pods, or a Service (at its waypoint). */
export type PolicyBinding =
  | { selector: Record<string, string> }
  | { service: string };

/**
 * The workload's ALLOW policy, one rule per caller. `ports` are target (container)
 * ports, as AuthorizationPolicy operations match them
 * (https://istio.io/latest/docs/reference/config/security/authorization-policy/#Operation).
 * With no rule at all the policy still selects the workload, and an ALLOW policy that
 * matches nothing denies every request: "an empty list means nobody". Bound to a Service
 * with targetRefs, the Service's waypoint enforces it, for that Service's traffic only
 * (https://istio.io/latest/docs/ambient/usage/l7-features/#targeting-policies).
 */
export function callersPolicy(
  name: string,
  namespace: string,
  binding: PolicyBinding,
  rules: CallerRule[],
): OnboardingResource {
  const spec: Record<string, unknown> =
    'selector' in binding
      ? { selector: { matchLabels: { ...binding.selector } }, action: 'ALLOW' }
      : {
          targetRefs: [{ kind: 'Service', group: '', name: binding.service }],
          action: 'ALLOW',
        };
  if (rules.length) {
    spec.rules = rules.map(rule => {
      const source: Record<string, string[]> = {};
      if (rule.principals) source.principals = [...rule.principals];
      if (rule.namespaces) source.namespaces = [...rule.namespaces];
      const operation: Record<string, string[]> = {};
      if (rule.ports.length) operation.ports = rule.ports.map(String);
      if (rule.methods) operation.methods = [...rule.methods];
      if (rule.paths) operation.paths = [...rule.paths];
      return {
        from: [{ source }],
        ...(Object.keys(operation).length ? { to: [{ operation }] } : {}),
      };
    });
  }
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name, namespace },
    spec,
  };
}

/**
 * The namespace's default deny: an ALLOW policy with an empty spec selects every
 * workload and matches no request
 * (https://istio.io/latest/docs/ops/best-practices/security/#use-default-deny-patterns).
 */
export function allowNothingPolicy(namespace: string): OnboardingResource {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: allowNothingName, namespace },
    spec: {},
  };
}
