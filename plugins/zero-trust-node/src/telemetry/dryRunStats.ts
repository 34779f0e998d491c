import { PrometheusClient } from './PrometheusClient';

/**
 * What a workload's `istio.io/dry-run` policies would have done over the window, from
 * Envoy's shadow RBAC stats (https://istio.io/latest/docs/tasks/security/authorization/authz-dry-run/).
 * Istio gives the RBAC filter of each inbound chain the shadow rules prefix
 * `istio_dry_run_allow_` (the dry-run ALLOW policies) or `istio_dry_run_deny_` (the DENY
 * ones) (istio/istio `pilot/pkg/security/authz/builder`: RBACShadowRulesAllowStatPrefix),
 * and Envoy joins it to the filter's stat prefix: `http.<HCM prefix>.rbac.istio_dry_run_allow_.shadow_denied`
 * for HTTP, `tcp.rbac.istio_dry_run_allow_.shadow_denied` for the network filter, whose
 * stat prefix Istio sets to `tcp.` (so a TCP result names no listener, hence no port).
 * Istio's bootstrap turns the parts into tags, `authz_dry_run_action` (`allow`/`deny`)
 * and `authz_dry_run_result` (`allowed`/`denied`) (istio/istio
 * `tools/packaging/common/envoy_bootstrap.json`, stats_tags), so Prometheus holds them as
 * `envoy_http_inbound_0_0_0_0_<port>_rbac{authz_dry_run_action="deny",authz_dry_run_result="denied"}`,
 * and the proxy keeps them without a `proxyStatsMatcher`: `shadow_allowed` and
 * `shadow_denied` are in its default inclusion suffixes (istio/istio
 * `pkg/bootstrap/config.go`, rbacEnvoyStatsMatcherInclusionSuffix). Only these stats
 * carry `authz_dry_run_result`, so the reader selects by that tag, not by name: the name
 * of a TCP one is what the other tags leave (`tcp_prefix` takes its middle part).
 * Who reports: the sidecar of the workload (its pod), or for a policy bound to an ambient
 * waypoint the waypoint's pods; ztunnel reports none (it is not sent dry-run policies).
 * The pod's namespace and name are the labels the scrape job gives them (`namespace` and
 * `pod`, or the older `kubernetes_namespace` and `kubernetes_pod_name`).
 *
 * @public
 */
export interface DryRunResult {
  cluster: string;
  namespace: string;
  /** The workload the pods belong to (the pod name without its ReplicaSet and pod suffixes). */
  workload: string;
  pods: string[];
  /** The inbound listener's port, read from an HTTP stat's name (a TCP stat names none). */
  port?: number;
  /** Counted by the HTTP RBAC filter (requests) or the network one (connections). */
  protocol: 'http' | 'tcp';
  /** Which dry-run policies: the ALLOW ones or the DENY ones (counted apart by the proxy). */
  action: 'allow' | 'deny';
  /** Requests or connections the dry-run policies would have refused. */
  wouldDeny: number;
  /** Requests or connections they would have let through. */
  wouldAllow: number;
}

/** A Deployment's pod `NAME-<template hash>-<5>`, a StatefulSet's `NAME-<ordinal>`. */
export function workloadOfPod(pod: string): string {
  const deployment = /^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/.exec(pod);
  if (deployment) return deployment[1];
  const statefulSet = /^(.+)-\d+$/.exec(pod);
  return statefulSet ? statefulSet[1] : pod;
}

/** The shadow RBAC results of each workload over the window ending `at`. @public */
export async function readDryRunResults(
  client: PrometheusClient,
  cluster: string,
  window: string,
  at: Date,
): Promise<DryRunResult[]> {
  // The stat's name holds the listener; each name is queried on its own so that
  // `increase()` (which drops the name) keeps it apart.
  const names = await client.query(
    `group by (__name__) ({__name__=~"envoy_.+", authz_dry_run_result!=""})`,
    at,
  );
  const results = new Map<string, DryRunResult>();
  for (const name of names
    .map(n => n.labels.__name__)
    .filter((n): n is string => /^envoy_\w+$/.test(n ?? ''))) {
    const protocol = name.startsWith('envoy_http_') ? 'http' : 'tcp';
    const port =
      protocol === 'http' ? Number(/_(\d+)_rbac$/.exec(name)?.[1]) : NaN;
    const samples = await client.query(
      `sum by (namespace, pod, kubernetes_namespace, kubernetes_pod_name, authz_dry_run_action, authz_dry_run_result) (increase(${name}{authz_dry_run_result!=""}[${window}]))`,
      at,
    );
    for (const { labels, value } of samples) {
      const namespace = labels.namespace || labels.kubernetes_namespace;
      const pod = labels.pod || labels.kubernetes_pod_name;
      const action = labels.authz_dry_run_action;
      if (!namespace || !pod || (action !== 'allow' && action !== 'deny'))
        continue;
      if (!Number.isFinite(value)) continue;
      const workload = workloadOfPod(pod);
      const key = [namespace, workload, protocol, port, action].join('|');
      let result = results.get(key);
      if (!result) {
        result = {
          cluster,
          namespace,
          workload,
          pods: [],
          ...(Number.isInteger(port) ? { port } : {}),
          protocol,
          action,
          wouldDeny: 0,
          wouldAllow: 0,
        };
        results.set(key, result);
      }
      if (!result.pods.includes(pod)) result.pods.push(pod);
      if (labels.authz_dry_run_result === 'denied') result.wouldDeny += value;
      else if (labels.authz_dry_run_result === 'allowed')
        result.wouldAllow += value;
    }
  }
  return [...results.values()]
    .map(r => ({
      ...r,
      pods: r.pods.sort(),
      wouldDeny: Math.round(r.wouldDeny),
      wouldAllow: Math.round(r.wouldAllow),
    }))
    .sort((a, b) =>
      [a.namespace, a.workload, a.protocol, a.port ?? 0, a.action]
        .join('|')
        .localeCompare(
          [b.namespace, b.workload, b.protocol, b.port ?? 0, b.action].join(
            '|',
          ),
        ),
    );
}
