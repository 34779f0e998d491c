import { ClusterModel, MeshModel } from '../engine/MeshModel';
import { certificateExpiry } from '../engine/certificateExpiry';
import { untrustedReason } from '../engine/trust';
import { formatDuration, parseGoDuration } from '../model/goDuration';
import { subjectLine } from '../model/trustBundles';
import {
  AuthorizationPolicyInfo,
  ObjectRef,
  TrustedCertificate,
} from '../model/types';
import { Finding, FindingOptions, finding } from './detect';
import { FindingUnits } from './findingUnits';

const nameOf = subjectLine;

/** Where a bundle certificate was read: its first ConfigMap, or the mesh config. */
function bundleRef(cluster: ClusterModel, cert: TrustedCertificate): ObjectRef {
  const match = /^ConfigMap ([^/]+)\/(.+)$/.exec(cert.sources[0] ?? '');
  return match
    ? {
        cluster: cluster.name,
        kind: 'ConfigMap',
        namespace: match[1],
        name: match[2],
      }
    : {
        cluster: cluster.name,
        kind: 'ConfigMap',
        namespace: cluster.state.mesh.rootNamespace,
        name: 'istio',
      };
}

/** ZT024/ZT025: a CA certificate whose end is within 30 (or 7) days, or past. */
function expiry(
  out: Finding[],
  now: number,
  resource: ObjectRef,
  what: string,
  notAfter: string,
) {
  const left = certificateExpiry(notAfter, now);
  if (!left || left.level === 'ok') return;
  const { days } = left;
  const when =
    left.level === 'expired'
      ? `expired on ${notAfter.slice(0, 10)}`
      : `expires on ${notAfter.slice(0, 10)}, in ${days} day${
          days === 1 ? '' : 's'
        }`;
  out.push(
    finding(
      left.level === 'soon' ? 'ZT024' : 'ZT025',
      resource,
      `${what} ${when}.`,
    ),
  );
}

function expiryFindings(cluster: ClusterModel, now: number, out: Finding[]) {
  const { trust, certificates } = cluster.state;
  for (const cert of [
    ...(trust?.roots ?? []),
    ...(trust?.caCertificates ?? []),
  ]) {
    expiry(
      out,
      now,
      bundleRef(cluster, cert),
      `The ${cert.selfSigned ? 'root' : 'CA'} certificate ${nameOf(
        cert.subject,
      )} that cluster ${cluster.name} trusts (${cert.sources[0]})`,
      cert.notAfter,
    );
  }
  for (const c of certificates?.certificates ?? []) {
    if (!c.isCA || !c.notAfter) continue;
    expiry(
      out,
      now,
      {
        cluster: cluster.name,
        kind: 'Certificate',
        namespace: c.namespace,
        name: c.name,
      },
      `The CA certificate of cert-manager Certificate ${c.namespace}/${c.name}${
        c.secretName ? ` (Secret ${c.secretName})` : ''
      }`,
      c.notAfter,
    );
  }
}

/** ZT026: not Ready, or a renewBefore under a third of the duration. */
function certManagerFindings(cluster: ClusterModel, out: Finding[]) {
  for (const c of cluster.state.certificates?.certificates ?? []) {
    const ref: ObjectRef = {
      cluster: cluster.name,
      kind: 'Certificate',
      namespace: c.namespace,
      name: c.name,
    };
    const problems: string[] = [];
    if (c.ready && c.ready.status !== 'True') {
      problems.push(
        `is not Ready (${
          [c.ready.reason, c.ready.message].filter(Boolean).join(': ') ||
          c.ready.status
        })`,
      );
    }
    // cert-manager's defaults: a duration of 90 days, renewed with a third of it left.
    const duration = parseGoDuration(c.duration) ?? 90 * 86400;
    const renewBefore = parseGoDuration(c.renewBefore);
    if (renewBefore !== undefined && renewBefore < duration / 3) {
      problems.push(
        `renews only ${formatDuration(
          renewBefore,
        )} before the end of its ${formatDuration(
          duration,
        )}, under a third of it`,
      );
    }
    if (problems.length) {
      out.push(
        finding(
          'ZT026',
          ref,
          `cert-manager Certificate ${c.namespace}/${c.name} ${problems.join(
            ' and ',
          )}.`,
        ),
      );
    }
  }
}

/** ZT027: workload certificates granted for longer than a day. */
function lifetimeFindings(cluster: ClusterModel, out: Finding[]) {
  const lifetime = cluster.state.certificates?.workloadCertificate;
  if (!lifetime || lifetime.seconds <= 86400) return;
  out.push(
    finding(
      'ZT027',
      {
        cluster: cluster.name,
        kind: 'ConfigMap',
        namespace: cluster.state.mesh.rootNamespace,
        name: 'istio',
      },
      `Workload certificates of cluster ${cluster.name} live ${formatDuration(
        lifetime.seconds,
      )} (${lifetime.decidedBy}), longer than 24h.`,
    ),
  );
}

/** ZT028: an ALLOW rule naming a principal only an untrusted cluster's workloads carry. */
function untrustedPrincipalFindings(
  cluster: ClusterModel,
  model: MeshModel,
  out: Finding[],
  units: FindingUnits,
) {
  units.section('untrustedPrincipal', cluster.name, out, () => {
    for (const policy of cluster.state.authorizationPolicies) {
      if (policy.action !== 'ALLOW') continue;
      units.policy('untrustedPrincipal', cluster.name, policy, out, () =>
        untrustedPrincipalsOf(cluster, model, policy, out),
      );
    }
  });
}

/** ZT028 of one policy: it reads no other policy. */
function untrustedPrincipalsOf(
  cluster: ClusterModel,
  model: MeshModel,
  policy: AuthorizationPolicyInfo,
  out: Finding[],
) {
  const named = new Set(
    policy.rules.flatMap(r => (r.from ?? []).flatMap(f => f.principals ?? [])),
  );
  for (const principal of named) {
    const holders = model
      .workloadsWithPrincipal(principal)
      .filter(w => w.cluster !== cluster);
    const untrusted = holders.filter(w => !cluster.trusts(w.cluster).trusted);
    if (!holders.length || untrusted.length < holders.length) continue;
    const edge = cluster.trusts(untrusted[0].cluster);
    out.push(
      finding(
        'ZT028',
        {
          cluster: cluster.name,
          kind: 'AuthorizationPolicy',
          namespace: policy.namespace,
          name: policy.name,
        },
        `${policy.namespace}/${
          policy.name
        } admits ${principal}, which only workloads of cluster ${
          edge.from
        } carry (${untrusted.map(w => w.id).join(', ')}), but ${untrustedReason(
          edge,
        )}: their handshake fails first.`,
      ),
    );
  }
}

/** ZT029 and ZT030: trust between the clusters of one mesh. */
function meshTrustFindings(model: MeshModel, out: Finding[]) {
  const known = model.clusters.filter(c => c.state.trust?.roots.length);
  known.forEach((a, i) => {
    for (const b of known.slice(i + 1)) {
      if (a.state.mesh.trustDomain !== b.state.mesh.trustDomain) continue;
      if (a.trusts(b).trusted || b.trusts(a).trusted) continue;
      out.push(
        finding(
          'ZT029',
          bundleRef(a, a.state.trust!.roots[0]),
          `Clusters ${a.name} and ${b.name} both use trust domain ${a.state.mesh.trustDomain}, but neither trusts the other's root: the same identity names workloads that cannot authenticate to each other.`,
        ),
      );
    }
  });
  if (model.clusters.length < 2) return;
  for (const cluster of known) {
    if (cluster.state.certificates?.ca.kind !== 'istiod') continue;
    out.push(
      finding(
        'ZT030',
        bundleRef(cluster, cluster.state.trust!.roots[0]),
        `Cluster ${cluster.name} signs with istiod's self-signed CA (${cluster.state.certificates.ca.evidence}) in a mesh of ${model.clusters.length} clusters: no other cluster verifies its workloads' certificates.`,
      ),
    );
  }
}

/** The trust and certificate findings (ZT024-ZT030) of every cluster. */
export function certificateFindings(
  model: MeshModel,
  options: FindingOptions,
  out: Finding[],
  units: FindingUnits = new FindingUnits(),
) {
  const now = options.now ?? Date.now();
  for (const cluster of model.clusters) {
    expiryFindings(cluster, now, out);
    certManagerFindings(cluster, out);
    lifetimeFindings(cluster, out);
    untrustedPrincipalFindings(cluster, model, out, units);
  }
  meshTrustFindings(model, out);
}
