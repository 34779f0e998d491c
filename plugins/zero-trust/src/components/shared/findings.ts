import {
  findingNamespace,
  severityRank,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import type {
  Finding,
  SecurityWorkload,
} from '@zero-trust/backstage-plugin-zero-trust-common';

/** Worst first; the input order is kept among equals (the backend's own order). */
export function bySeverity(findings: Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        severityRank[a.f.severity] - severityRank[b.f.severity] || a.i - b.i,
    )
    .map(({ f }) => f);
}

/** The worst finding, or undefined when there is none. */
export function worstFinding(findings: Finding[]): Finding | undefined {
  return bySeverity(findings)[0];
}

/** `Deployment bookinfo/reviews`, with the cluster where asked. */
export function describeResource(f: Finding, withCluster = false): string {
  const { kind, namespace, name, cluster } = f.resource;
  const where = `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
  return withCluster ? `${where} (${cluster})` : where;
}

/**
 * The finding codes for a DestinationRule whose TLS the workload cannot take: mTLS
 * turned off toward a mesh workload (ZT011), or Istio mTLS sent to one outside the
 * mesh (ZT016).
 */
const destinationRuleConflicts = new Set(['ZT011', 'ZT016']);

/** Whether a finding is such a client-side conflict. */
export const isDestinationRuleConflict = (f: Finding) =>
  destinationRuleConflicts.has(f.code);

/**
 * The findings that concern one workload: its own (the backend includes there those
 * about a resource that affects it, such as a DestinationRule), its namespace's (about
 * an object in it, or the Namespace itself) and its cluster's (about a cluster-scoped
 * object, which concerns every namespace).
 */
export function workloadFindings(
  workload: SecurityWorkload,
  namespaceFindings: Finding[],
): Finding[] {
  return [
    ...workload.findings,
    ...namespaceFindings.filter(f => {
      const namespace = findingNamespace(f);
      return namespace === undefined || namespace === workload.namespace;
    }),
  ];
}
