import { isObject } from '../kinds';
import {
  LabelSelector,
  NetworkPolicyInfo,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyRule,
} from './types';

type Json = Record<string, any>;

const operators = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

export function labelSelector(value: unknown): LabelSelector {
  if (!isObject(value)) return {};
  const out: LabelSelector = {};
  if (isObject(value.matchLabels)) {
    out.matchLabels = Object.fromEntries(
      Object.entries(value.matchLabels).map(([k, v]) => [k, String(v)]),
    );
  }
  if (Array.isArray(value.matchExpressions)) {
    out.matchExpressions = value.matchExpressions
      .filter(isObject)
      .filter(e => operators.includes(e.operator))
      .map(e => ({
        key: String(e.key),
        operator: e.operator,
        ...(Array.isArray(e.values) ? { values: e.values.map(String) } : {}),
      }));
  }
  return out;
}

function peer(value: Json): NetworkPolicyPeer {
  const out: NetworkPolicyPeer = {};
  if (isObject(value.podSelector))
    out.podSelector = labelSelector(value.podSelector);
  if (isObject(value.namespaceSelector))
    out.namespaceSelector = labelSelector(value.namespaceSelector);
  if (isObject(value.ipBlock) && typeof value.ipBlock.cidr === 'string') {
    out.ipBlock = {
      cidr: value.ipBlock.cidr,
      except: Array.isArray(value.ipBlock.except)
        ? value.ipBlock.except.map(String)
        : [],
    };
  }
  return out;
}

function port(value: Json): NetworkPolicyPort {
  const out: NetworkPolicyPort = {
    protocol: typeof value.protocol === 'string' ? value.protocol : 'TCP',
  };
  if (typeof value.port === 'number') out.port = value.port;
  else if (typeof value.port === 'string')
    out.port = /^\d+$/.test(value.port) ? Number(value.port) : value.port;
  if (typeof value.endPort === 'number') out.endPort = value.endPort;
  return out;
}

function rules(value: unknown, peersField: 'from' | 'to'): NetworkPolicyRule[] {
  if (!Array.isArray(value)) return [];
  return value.map(rule => {
    const r = isObject(rule) ? rule : {};
    return {
      peers: Array.isArray(r[peersField])
        ? r[peersField].filter(isObject).map(peer)
        : [],
      ports: Array.isArray(r.ports) ? r.ports.filter(isObject).map(port) : [],
    };
  });
}

/**
 * A NetworkPolicy manifest as the engine reads it. `policyTypes`, when absent, is
 * `Ingress`, plus `Egress` when the policy has an `egress` section
 * (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/,
 * NetworkPolicySpec.policyTypes).
 *
 * @public
 */
export function readNetworkPolicy(obj: Json): NetworkPolicyInfo {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const types = Array.isArray(spec.policyTypes)
    ? spec.policyTypes.filter(
        (t: unknown): t is 'Ingress' | 'Egress' =>
          t === 'Ingress' || t === 'Egress',
      )
    : [
        'Ingress' as const,
        ...(spec.egress !== undefined && spec.egress !== null
          ? ['Egress' as const]
          : []),
      ];
  return {
    namespace: obj.metadata?.namespace ?? 'default',
    name: String(obj.metadata?.name),
    podSelector: labelSelector(spec.podSelector),
    policyTypes: types,
    ingress: rules(spec.ingress, 'from'),
    egress: rules(spec.egress, 'to'),
  };
}
