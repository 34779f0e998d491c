/*
 * The findings catalogue: stable codes and the text a developer reads.
 * Detection lives elsewhere; this file only holds definitions.
 *
 * Cross-references are set only where the other tool's check means the same
 * thing. Their wording is quoted from Kiali's check descriptors
 * (kiali/kiali models/istio_validation.go, kiali.io docs/features/validations)
 * and from istioctl analyze (istio/istio
 * pkg/config/analysis/msg/messages.yaml).
 */

import type { Severity } from './severity';

export type { Severity };
export { severityRank } from './severity';

/** NIST SP 800-53 controls a finding serves. @public */
export type NistControl =
  | 'SC-8'
  | 'AC-4'
  | 'SC-7'
  | 'IA-9'
  | 'AU-2'
  | 'SC-12'
  | 'SC-17'
  | 'IA-5'
  | 'SC-5'
  | 'SC-24'
  | 'AC-6'
  | 'SI-4';

/** @public */
export interface FindingDefinition {
  /** Stable code, e.g. `ZT001`. */
  code: FindingCode;
  /** Short title, e.g. `Workload outside the mesh`. */
  title: string;
  severity: Severity;
  controls: NistControl[];
  /** Matching Kiali validation code, only where one truly matches. */
  kiali?: string;
  /** Matching `istioctl analyze` code, only where one truly matches. */
  istioctl?: string;
  /** What to do, in plain language. */
  remediation: string;
  /**
   * The Istio (or, for NetworkPolicies, Kubernetes; for cert-manager's objects,
   * cert-manager) documentation page that explains the rule.
   */
  docs: string;
}

/** @public */
export const findingCodes = [
  'ZT000',
  'ZT001',
  'ZT002',
  'ZT003',
  'ZT004',
  'ZT005',
  'ZT006',
  'ZT007',
  'ZT008',
  'ZT009',
  'ZT010',
  'ZT011',
  'ZT012',
  'ZT013',
  'ZT014',
  'ZT015',
  'ZT016',
  'ZT017',
  'ZT018',
  'ZT019',
  'ZT020',
  'ZT021',
  'ZT022',
  'ZT023',
  'ZT024',
  'ZT025',
  'ZT026',
  'ZT027',
  'ZT028',
  'ZT029',
  'ZT030',
  'ZT031',
  'ZT032',
  'ZT033',
  'ZT034',
  'ZT035',
  'ZT036',
  'ZT037',
  'ZT038',
  'ZT039',
  'ZT040',
  'ZT041',
  'ZT042',
  'ZT043',
  'ZT044',
  'ZT050',
  'ZT051',
  'ZT052',
  'ZT053',
] as const;

/** @public */
export type FindingCode = (typeof findingCodes)[number];

/** @public */
export const findingCatalogue: Record<FindingCode, FindingDefinition> = {
  ZT000: {
    code: 'ZT000',
    title: 'Invalid resource',
    severity: 'medium',
    // An ignored policy is a silent gap in both enforcement and audit.
    controls: ['AC-4', 'AU-2'],
    // IST0106 SchemaValidationError: "The resource has a schema validation
    // error."
    istioctl: 'IST0106',
    remediation:
      'Fix the value Istio rejects (such as an unknown action or mTLS mode, an unknown field, or selector and targetRef set together) and apply it again. Until then Istio ignores the resource, and so does this analysis.',
    docs: 'https://istio.io/latest/docs/reference/config/analysis/ist0106/',
  },
  ZT001: {
    code: 'ZT001',
    title: 'Workload outside the mesh',
    severity: 'high',
    controls: ['SC-8', 'IA-9', 'AC-4', 'AU-2'],
    // IST0103 PodMissingProxy: "A pod is missing the Istio proxy." (IST0102
    // NamespaceNotInjected is the namespace-level counterpart.)
    istioctl: 'IST0103',
    remediation:
      'Add the workload to the mesh: label its namespace for sidecar injection (istio-injection=enabled) or for ambient mode (istio.io/dataplane-mode=ambient), then restart it.',
    docs: 'https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/',
  },
  ZT002: {
    code: 'ZT002',
    title: 'Plaintext accepted (mTLS PERMISSIVE)',
    severity: 'medium',
    controls: ['SC-8', 'IA-9'],
    remediation:
      'Once all clients of this workload run in the mesh, set mTLS mode STRICT with a PeerAuthentication for the workload, its namespace or the whole mesh.',
    docs: 'https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/',
  },
  ZT003: {
    code: 'ZT003',
    title: 'mTLS disabled',
    severity: 'high',
    controls: ['SC-8', 'IA-9'],
    remediation:
      'Replace mode DISABLE with STRICT in the PeerAuthentication. If one port really must accept plaintext, limit the exception to that port in portLevelMtls.',
    docs: 'https://istio.io/latest/docs/reference/config/security/peer_authentication/',
  },
  ZT004: {
    code: 'ZT004',
    title: 'Open to every caller (no ALLOW policy)',
    severity: 'high',
    controls: ['AC-4', 'SC-7'],
    // KIA1301: "This workload is not covered by any authorization policy"
    // (Kiali also counts DENY-only coverage, so it fires on a subset of ours).
    kiali: 'KIA1301',
    remediation:
      'Add an ALLOW AuthorizationPolicy that selects this workload and names the callers it should accept. Without any ALLOW policy, Istio allows every request.',
    docs: 'https://istio.io/latest/docs/reference/config/security/authorization-policy/',
  },
  ZT005: {
    code: 'ZT005',
    title: 'ALLOW rule with no source',
    severity: 'medium',
    controls: ['AC-4', 'IA-9'],
    remediation:
      'Add a from.source to the rule that names the allowed principals or namespaces. A rule without from matches any caller, including plaintext callers where plaintext is accepted.',
    docs: 'https://istio.io/latest/docs/reference/config/security/authorization-policy/',
  },
  ZT006: {
    code: 'ZT006',
    title: 'Wildcard caller wider than one namespace',
    severity: 'medium',
    controls: ['AC-4', 'IA-9'],
    remediation:
      'Replace the wildcard with the exact principals (for example cluster.local/ns/shop/sa/frontend) or the single namespace that needs access.',
    docs: 'https://istio.io/latest/docs/reference/config/security/authorization-policy/',
  },
  ZT007: {
    code: 'ZT007',
    title: 'DENY on identity while plaintext is accepted',
    severity: 'high',
    controls: ['AC-4', 'IA-9', 'SC-8'],
    // No kiali: KIA0105 "This field requires mTLS to be enabled" counts
    // PERMISSIVE as enabled, so it stays silent in exactly this case.
    remediation:
      'Set mTLS mode STRICT for this workload, or rewrite the rule as a DENY with a negative match (for example notPrincipals) so callers without an identity are denied too.',
    docs: 'https://istio.io/latest/news/security/istio-security-2021-004/',
  },
  ZT008: {
    code: 'ZT008',
    title: 'Policy names a namespace or service account that does not exist',
    severity: 'medium',
    controls: ['IA-9', 'AC-4'],
    // KIA0106: "Service Account not found for this principal" (KIA0101
    // "Namespace not found for this rule" is the namespaces-field twin).
    kiali: 'KIA0106',
    // IST0101 ReferencedResourceNotFound: "A resource being referenced does
    // not exist." (reported for unknown entries in source.namespaces).
    istioctl: 'IST0101',
    remediation:
      'Fix the name or remove the entry. Today it matches no caller, and whoever later creates that namespace or service account inherits the rule.',
    docs: 'https://istio.io/latest/docs/reference/config/security/authorization-policy/',
  },
  ZT009: {
    code: 'ZT009',
    title: 'Principal in an unknown trust domain',
    severity: 'medium',
    controls: ['IA-9'],
    // KIA0108: "Unable to verify principal, trust domain is not known to
    // Kiali" (kiali/kiali#9704, kiali/kiali.io#973).
    kiali: 'KIA0108',
    remediation:
      'Correct the trust domain in the principal. If the mesh really trusts that domain, add it to meshConfig.trustDomainAliases or register the cluster that owns it.',
    docs: 'https://istio.io/latest/docs/tasks/security/authorization/authz-td-migration/',
  },
  ZT010: {
    code: 'ZT010',
    title: 'Selector matches no workload',
    severity: 'low',
    controls: ['AC-4'],
    // KIA0004: "No matching workload found for the selector in this namespace"
    kiali: 'KIA0004',
    // IST0127 NoMatchingWorkloadsFound: "There aren't workloads matching the
    // resource labels"
    istioctl: 'IST0127',
    remediation:
      'Change the selector labels to match the pods you meant, or delete the policy if it is no longer needed.',
    docs: 'https://istio.io/latest/docs/reference/config/analysis/ist0127/',
  },
  ZT011: {
    code: 'ZT011',
    title: 'DestinationRule turns off mTLS toward a mesh workload',
    severity: 'high',
    controls: ['SC-8'],
    // KIA0207: "PeerAuthentication with TLS strict mode found, it should be
    // permissive" (namespace-wide DR; KIA0208 is the mesh-wide twin).
    kiali: 'KIA0207',
    remediation:
      'Remove tls mode DISABLE from the DestinationRule (or set ISTIO_MUTUAL) so auto mTLS applies. Keep DISABLE only for destinations outside the mesh.',
    docs: 'https://istio.io/latest/docs/ops/configuration/traffic-management/tls-configuration/',
  },
  ZT012: {
    code: 'ZT012',
    title: 'HTTP-only fields on a TCP port',
    severity: 'medium',
    controls: ['AC-4'],
    remediation:
      'If the port carries HTTP, name it with its protocol (http-, grpc-) or set appProtocol. Otherwise remove the HTTP-only fields and match on ports and identities only.',
    docs: 'https://istio.io/latest/docs/ops/common-problems/security-issues/',
  },
  ZT013: {
    code: 'ZT013',
    title: 'Namespace without a default-deny baseline',
    severity: 'medium',
    controls: ['SC-7', 'AC-4'],
    remediation:
      'Add an allow-nothing AuthorizationPolicy (spec: {}) to the namespace, then grant access with explicit ALLOW policies.',
    docs: 'https://istio.io/latest/docs/ops/best-practices/security/',
  },
  ZT014: {
    code: 'ZT014',
    title: 'More than one mesh-wide or namespace-wide PeerAuthentication',
    severity: 'medium',
    controls: ['SC-8'],
    // KIA0002: "More than one selector-less object in the same namespace"
    kiali: 'KIA0002',
    remediation:
      'Keep one PeerAuthentication without a selector per namespace (and one in the root namespace) and merge or delete the others. Istio applies the oldest and ignores the rest.',
    docs: 'https://istio.io/latest/docs/concepts/security/',
  },
  ZT015: {
    code: 'ZT015',
    title: 'L7 policy on an ambient workload without a waypoint',
    severity: 'medium',
    controls: ['AC-4'],
    // KIA1317: "This workload has L7 Authorization Policies but no Waypoint"
    // (kiali/kiali#10076).
    kiali: 'KIA1317',
    remediation:
      'Deploy a waypoint for the workload and attach the policy to it with targetRefs, or drop the L7 fields. ztunnel drops an ALLOW rule with L7 fields (it admits nobody), and in a DENY rule it leaves those fields out, so a rule whose to, from or when entries held only L7 fields never denies anything (handleRule in istiod, ztunnel src/rbac.rs).',
    docs: 'https://istio.io/latest/docs/ambient/usage/l4-policy/',
  },
  ZT016: {
    code: 'ZT016',
    title: 'DestinationRule sends mesh mTLS to a workload outside the mesh',
    severity: 'medium',
    controls: ['SC-8'],
    remediation:
      'Onboard the workload to the mesh so that a proxy terminates the mTLS, or set tls mode DISABLE for its host in the DestinationRule until it has one. Until then, calls from in-mesh clients fail.',
    // "503 errors after setting destination rule": a TLS conflict between client and server.
    docs: 'https://istio.io/latest/docs/ops/common-problems/network-issues/',
  },
  ZT017: {
    code: 'ZT017',
    title: 'Namespace without a default-deny NetworkPolicy',
    severity: 'low',
    // Boundary protection in depth: Istio's policies are the only layer.
    controls: ['SC-7'],
    remediation:
      'Add a NetworkPolicy selecting every pod (podSelector: {}) with policyTypes [Ingress] and no ingress rule, then admit the callers each workload needs with NetworkPolicies beside its AuthorizationPolicies.',
    docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies',
  },
  ZT018: {
    code: 'ZT018',
    title: 'Path Istio allows that a NetworkPolicy blocks',
    severity: 'medium',
    controls: ['AC-4'],
    remediation:
      'Decide which layer is right: admit the caller in the NetworkPolicy (its namespace and pod labels, on the target port, or 15008 in ambient mode), or remove it from the AuthorizationPolicy. Until then, its calls time out.',
    docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
  },
  ZT019: {
    code: 'ZT019',
    title:
      'NetworkPolicy admits callers outside the mesh to a PERMISSIVE workload',
    severity: 'medium',
    controls: ['SC-8', 'SC-7'],
    remediation:
      'Set the workload to STRICT mTLS, or narrow the NetworkPolicy to in-mesh namespaces and pods, so that no plaintext client reaches it.',
    docs: 'https://istio.io/latest/docs/concepts/security/#permissive-mode',
  },
  ZT020: {
    code: 'ZT020',
    title: "Ambient workload's NetworkPolicies block HBONE (port 15008)",
    severity: 'high',
    controls: ['AC-4'],
    remediation:
      "Add TCP port 15008 to the ingress rules that admit the workload's callers: ambient traffic arrives on it, whatever the target port.",
    docs: 'https://istio.io/latest/docs/ambient/usage/networkpolicy/',
  },
  ZT021: {
    code: 'ZT021',
    title: 'Egress NetworkPolicy blocks istiod or DNS',
    severity: 'high',
    controls: ['SC-7', 'AC-4'],
    remediation:
      'Admit egress to istiod (namespace istio-system, TCP 15012) and to the cluster DNS (kube-system, UDP and TCP 53) in the egress policies of meshed workloads: without them their proxies get no configuration or certificates and names do not resolve.',
    docs: 'https://istio.io/latest/docs/ops/deployment/application-requirements/',
  },
  ZT022: {
    code: 'ZT022',
    title: 'Network policies of another engine are not read',
    severity: 'low',
    controls: ['AU-2'],
    remediation:
      "Check this policy by hand: Cilium's and Calico's own policy kinds are not analysed, so a connection shown as allowed may still be dropped by it (or a Kubernetes NetworkPolicy overridden).",
    docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
  },
  ZT023: {
    code: 'ZT023',
    title: 'Dry-run policy left in place',
    severity: 'low',
    // Logged, not enforced: what it was meant to block still gets through.
    // No Kiali or istioctl check reads istio.io/dry-run's age: Kiali's validations and
    // istioctl analyze (messages.yaml up to IST0177) have none on dry-run policies at all.
    controls: ['AC-4', 'AU-2'],
    remediation:
      'Read the dry-run results (the shadow-rule metrics and RBAC logs of the proxies), then enforce the policy by removing the istio.io/dry-run annotation, or delete it. A rollout left half done protects nothing.',
    docs: 'https://istio.io/latest/docs/tasks/security/authorization/authz-dry-run/',
  },
  ZT024: {
    code: 'ZT024',
    title: 'CA certificate expires within 30 days',
    severity: 'medium',
    // Certificate lifecycle: a root or intermediate must be rotated before it lapses.
    controls: ['SC-12', 'SC-17'],
    remediation:
      'Rotate the CA before it expires: issue a new root or intermediate, publish the new root beside the old one in every cluster that trusts it (both in the bundle), move istiod to the new CA, and drop the old root once every workload certificate has rotated.',
    docs: 'https://istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/',
  },
  ZT025: {
    code: 'ZT025',
    title: 'CA certificate expires within 7 days, or has expired',
    severity: 'high',
    controls: ['SC-12', 'SC-17'],
    remediation:
      'Rotate the CA now: once the root or intermediate lapses, no workload certificate chaining to it verifies and every mTLS handshake across it fails. Publish the new root beside the old one first, then move istiod to it.',
    docs: 'https://istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/',
  },
  ZT026: {
    code: 'ZT026',
    title: 'cert-manager Certificate not Ready or renewing too late',
    severity: 'medium',
    controls: ['SC-12', 'SC-17'],
    remediation:
      "Fix what its Ready condition names (the issuer, the request), and let renewBefore be at least a third of its duration (cert-manager's default) so that a failed renewal leaves time to act before the certificate lapses.",
    docs: 'https://cert-manager.io/docs/usage/certificate/#renewal',
  },
  ZT027: {
    code: 'ZT027',
    title: 'Workload certificates live longer than 24 hours',
    severity: 'low',
    // Short-lived authenticators limit what a stolen key is worth.
    controls: ['IA-5', 'SC-12'],
    remediation:
      "Keep workload certificates short-lived: leave the proxies' SECRET_TTL at its default of 24h (meshConfig.defaultConfig.proxyMetadata) or lower, and cap istiod's MAX_WORKLOAD_CERT_TTL.",
    docs: 'https://istio.io/latest/docs/reference/commands/pilot-discovery/#envvars',
  },
  ZT028: {
    code: 'ZT028',
    title: 'Policy admits principals of a cluster whose root is not trusted',
    severity: 'medium',
    controls: ['IA-9', 'SC-17'],
    remediation:
      "Make the two clusters' certificates chain to a common root (plug in intermediates of one root in both), or add the other cluster's root to the server mesh's caCertificates; until then the handshake fails before the policy is read, and the rule admits no one.",
    docs: 'https://istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/',
  },
  ZT029: {
    code: 'ZT029',
    title: 'Clusters share a trust domain but not a root',
    severity: 'medium',
    controls: ['IA-9', 'SC-17'],
    remediation:
      'Give clusters that are one mesh a common root (plugged-in intermediates of one root); give clusters that are separate meshes their own trust domains, so that an identity names one workload.',
    docs: 'https://istio.io/latest/docs/setup/install/multicluster/before-you-begin/#configure-trust',
  },
  ZT030: {
    code: 'ZT030',
    title: 'Self-signed istiod CA in a multi-cluster mesh',
    severity: 'medium',
    controls: ['SC-17', 'IA-9'],
    remediation:
      "Plug in a CA (a cacerts Secret, for instance written by a cert-manager Certificate) whose root the other clusters share: istiod's self-signed root is its own, so no other cluster verifies its workloads' certificates.",
    docs: 'https://istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/',
  },
  ZT031: {
    code: 'ZT031',
    title: 'Waypoint named and not used',
    severity: 'high',
    // Its L7 policies silently apply to nothing.
    controls: ['AC-4'],
    // KIA1313: "This workload has annotated waypoint but it does not exist or is
    // misconfigured" (workload.ambient.waypointnotfound, kiali/kiali
    // business/checkers/ambient/ambient_workload_checker.go: the workload's or its
    // namespace's istio.io/use-waypoint with no waypoint resolved). Kiali checks
    // workloads only; ours also names the Service.
    kiali: 'KIA1313',
    // IST0171 NegativeConditionStatus: "A condition with a negative status is present",
    // which istioctl analyze reports for condition istio.io/WaypointBound False on a
    // Service or ServiceEntry (pkg/config/analysis/analyzers/conditions/conditions.go),
    // the status istiod writes when it cannot bind the waypoint the label names
    // (missing or not ready, attachment denied, traffic type: fetchWaypointForService
    // in pilot/pkg/serviceregistry/ambient/waypoints.go). On a live cluster only: a
    // repository holds no status.
    istioctl: 'IST0171',
    remediation:
      'Deploy the waypoint the istio.io/use-waypoint label names (istioctl waypoint apply), wait until its Gateway is Programmed, admit the namespace on its HBONE listener (allowedRoutes) where it lives in another namespace, and give it the right istio.io/waypoint-for; or remove the label. Until then istiod binds no waypoint, traffic goes straight to ztunnel and the policies bound to the waypoint are not enforced.',
    docs: 'https://istio.io/latest/docs/ambient/usage/troubleshoot-waypoint/',
  },
  ZT032: {
    code: 'ZT032',
    title: 'L7 fields in a selector policy of a workload a waypoint serves',
    severity: 'medium',
    controls: ['AC-4'],
    // KIA0110: "L7 AuthorizationPolicy in Ambient requires targetRefs to a Service or
    // Gateway; selector policies are ignored by waypoints"
    // (authorizationpolicy.ambient.l7notargetrefs, kiali/kiali
    // business/checkers/ambient_policy_checker.go). Kiali fires whether or not a
    // waypoint serves the workload; without one, ours is ZT015 (KIA1317). No istioctl
    // check: istiod's ZtunnelAccepted condition stays True for a rule it partly drops.
    kiali: 'KIA0110',
    remediation:
      'Bind the policy to the waypoint (targetRefs: kind Gateway) or to the Service (kind Service) instead of selecting the pods: a selector policy is enforced by ztunnel, which cannot read methods, paths, hosts or request principals, while the waypoint that serves the workload can.',
    docs: 'https://istio.io/latest/docs/ambient/usage/l7-features/',
  },
  ZT033: {
    code: 'ZT033',
    title: "Workload's policies refuse its waypoint",
    severity: 'high',
    controls: ['AC-4'],
    // No Kiali or istioctl check asks whether a workload's ztunnel policies admit its
    // waypoint's identity (Kiali's ambient checkers read labels and L7 fields only).
    remediation:
      "Admit the waypoint's identity (principal TRUST_DOMAIN/ns/WAYPOINT_NAMESPACE/sa/WAYPOINT_SERVICE_ACCOUNT) in the workload's ALLOW policies, or exempt it from the DENY: for traffic through a waypoint the destination's ztunnel sees the waypoint, not the client, and check the client at the waypoint with a policy bound to it.",
    docs: 'https://istio.io/latest/docs/ambient/usage/l4-policy/',
  },
  ZT034: {
    code: 'ZT034',
    title:
      'cluster.local principal in an ambient policy of another trust domain',
    severity: 'medium',
    controls: ['AC-4', 'IA-9'],
    // No match: KIA0108 ("Unable to verify principal, trust domain is not known to
    // Kiali") reads cluster.local as the local trust domain, as sidecars do, so it stays
    // silent in exactly this case; istioctl analyze has no principal check.
    remediation:
      'Write the principal with the mesh trust domain (or use namespaces or serviceAccounts, which carry none): ztunnel compares principals as written, so cluster.local/... matches no identity where the trust domain is another, while sidecars and waypoints read cluster.local as the local trust domain.',
    docs: 'https://istio.io/latest/docs/ambient/usage/l4-policy/',
  },
  // The edges and routes (ZT035-ZT041) have no Kiali or istioctl counterpart. The
  // nearest codes mean something else: KIA1007 is a Sidecar's outboundTrafficPolicy
  // without a mode (ambiguous, not ALLOW_ANY); IST0134 (ServiceEntryAddressesRequired)
  // is a TCP ServiceEntry without addresses; IST0177 is two ServiceEntries giving one
  // host and port conflicting protocols.
  ZT035: {
    code: 'ZT035',
    title: 'Outbound traffic to any host (ALLOW_ANY)',
    severity: 'medium',
    // Data exfiltration: a pod reaches any address on the internet through its proxy.
    controls: ['SC-7', 'AC-4'],
    remediation:
      'Set outboundTrafficPolicy mode REGISTRY_ONLY (meshConfig, or the Sidecar of the namespace or workload) and register each external host the workloads need with a ServiceEntry, so that the proxy drops calls to any other host.',
    docs: 'https://istio.io/latest/docs/tasks/traffic-management/egress/egress-control/',
  },
  ZT036: {
    code: 'ZT036',
    title: 'Gateway server accepts plaintext',
    severity: 'high',
    controls: ['SC-8'],
    remediation:
      'Serve the port with TLS (protocol HTTPS with tls mode SIMPLE or MUTUAL and a credentialName), or make the plain-HTTP server only redirect (tls.httpsRedirect: true); on a Gateway API Gateway, a listener of protocol HTTPS with tls.certificateRefs, or HTTPRoutes on the HTTP listener that only redirect (a RequestRedirect filter to scheme https). Then no request or credential crosses the network in the clear.',
    docs: 'https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings',
  },
  ZT037: {
    code: 'ZT037',
    title: 'Exposed through a gateway with no AuthorizationPolicy in the path',
    severity: 'high',
    controls: ['AC-4', 'SC-7'],
    remediation:
      'Decide who may call it from outside: add an AuthorizationPolicy on the gateway workload (for example requiring a request principal, or allowing only some source addresses or paths) or on the workload itself. Today every request the gateway accepts reaches it.',
    docs: 'https://istio.io/latest/docs/tasks/security/authorization/authz-ingress/',
  },
  ZT038: {
    code: 'ZT038',
    title: 'Wildcard ServiceEntry exported to every namespace',
    severity: 'medium',
    // Under REGISTRY_ONLY, the registry is the allow-list: a wildcard opens a domain.
    controls: ['SC-7', 'AC-4'],
    remediation:
      'Name the exact hosts the workloads need, and export the ServiceEntry only to the namespaces that call them (exportTo: ["."] or a list), so that REGISTRY_ONLY keeps its meaning for everyone else.',
    docs: 'https://istio.io/latest/docs/reference/config/networking/service-entry/',
  },
  ZT039: {
    code: 'ZT039',
    title: 'Egress gateway bypassed: direct egress to a gateway-routed host',
    severity: 'medium',
    controls: ['SC-7', 'AC-4'],
    remediation:
      'Route the host through the egress gateway for every namespace that may reach it (export the VirtualService that sends it to the gateway to them, or remove the other ServiceEntry), and block direct egress from the application nodes with a NetworkPolicy: Istio alone does not force traffic through an egress gateway.',
    docs: 'https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/#additional-security-considerations',
  },
  ZT040: {
    code: 'ZT040',
    title: 'Non-idempotent requests retried after reaching the server',
    severity: 'medium',
    // A retried POST that the server had already processed runs twice: the system does
    // not fail in a known state.
    controls: ['SC-24'],
    remediation:
      'Limit retryOn to failures where the request never reached the application (connect-failure, refused-stream, unavailable, cancelled), or give POST and PATCH a route of their own without retries on 5xx, gateway-error, reset or retriable-4xx. A service whose ALLOW policies admit neither POST nor PATCH is not reported: its sidecar refuses them before the application sees them.',
    docs: 'https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRetry',
  },
  ZT041: {
    code: 'ZT041',
    title: "Callee's route timeout outlasts its caller's",
    severity: 'low',
    // Work the caller's own callers no longer wait for holds connections and threads.
    controls: ['SC-5'],
    remediation:
      "Give the callee's route a timeout shorter than the caller's (each hop's budget within its caller's), so that a slow callee fails the call while the caller can still answer or retry.",
    docs: 'https://istio.io/latest/docs/tasks/traffic-management/request-timeouts/',
  },
  ZT042: {
    code: 'ZT042',
    title: 'Policy bound to a Service or ServiceEntry without a waypoint',
    severity: 'high',
    // What it was written to restrict is restricted by nothing: only a waypoint reads it.
    controls: ['AC-4'],
    // IST0171 NegativeConditionStatus, which istioctl analyze reports for an
    // AuthorizationPolicy's WaypointAccepted condition False: istiod sets it with reason
    // AncestorNotBound ("Service/ServiceEntry NS/NAME is not bound to a waypoint") or
    // TargetNotFound (WaypointPolicyStatusCollection in
    // pilot/pkg/serviceregistry/ambient/policies.go). On a live cluster only. No Kiali
    // match: KIA0109 reads only L7 policies and namespace enrollment.
    istioctl: 'IST0171',
    remediation:
      'Give the Service or ServiceEntry a waypoint (label it, or its namespace, istio.io/use-waypoint with a waypoint that takes service traffic, deployed and Programmed), or select the workloads instead (a selector policy, which sidecars and ztunnel enforce, without L7 fields under ztunnel). Sidecars and ztunnel ignore targetRefs, so until then the policy is enforced nowhere.',
    docs: 'https://istio.io/latest/docs/ambient/usage/l7-features/',
  },
  ZT043: {
    code: 'ZT043',
    title: 'Mesh-to-mesh path not mTLS end to end',
    severity: 'high',
    // Between clusters the traffic crosses networks the mesh does not own.
    controls: ['SC-8', 'IA-9'],
    // No match: Kiali and istioctl analyze read one cluster's configuration at a time,
    // and neither pairs a DestinationRule's origination with another mesh's Gateway.
    remediation:
      "Originate mutual TLS toward the other cluster's ingress gateway (a DestinationRule for the host with tls mode MUTUAL and a credentialName, or ISTIO_MUTUAL where that cluster trusts this one's root, at the egress gateway or the sidecar that sends it out), and serve the host there with tls mode MUTUAL or ISTIO_MUTUAL, so that each end authenticates the other across the networks in between.",
    docs: 'https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway-tls-origination/#perform-mutual-tls-origination-with-an-egress-gateway',
  },
  ZT044: {
    code: 'ZT044',
    title: 'Port not captured by the sidecar',
    severity: 'high',
    controls: ['SC-8', 'AC-4'],
    // No match: istioctl analyze and Kiali do not read the traffic annotations.
    remediation:
      'Let the sidecar capture the port: remove it from traffic.sidecar.istio.io/excludeInboundPorts (or add it to includeInboundPorts, or drop interceptionMode NONE) and restart the workload, so that its mTLS and AuthorizationPolicies apply there. Where the port must stay outside the sidecar (a metrics or health port), admit only the clients that need it with a NetworkPolicy.',
    docs: 'https://istio.io/latest/docs/reference/config/annotations/#SidecarTrafficExcludeInboundPorts',
  },
  // ZT050-ZT053 compare the policies with observed traffic (usageFindings.ts): neither
  // Kiali nor istioctl analyze reads traffic against the policies' callers.
  ZT050: {
    code: 'ZT050',
    title: 'Allowed caller not seen over the window',
    severity: 'low',
    // Least privilege: a permission nobody uses is one to take away.
    controls: ['AC-6', 'AC-4'],
    remediation:
      'If the caller no longer needs this workload, remove it from the ALLOW rule. A caller that calls rarely (a monthly job) may need a longer telemetry window before you decide.',
    docs: 'https://istio.io/latest/docs/ops/best-practices/security/#safer-authorization-policy-patterns',
  },
  ZT051: {
    code: 'ZT051',
    title: 'Caller refused repeatedly',
    severity: 'medium',
    // Refusals are evidence to review: a client missing a permission, or a probe.
    controls: ['SI-4', 'AC-4'],
    remediation:
      "Find out why it calls: if it needs access, add it to the ALLOW rule (onboard it as a caller); if not, fix or stop the client, or look into it as a probe. The refusals are 403s from the workload's proxy.",
    docs: 'https://istio.io/latest/docs/ops/common-problems/security-issues/#authorization-is-too-restrictive',
  },
  ZT052: {
    code: 'ZT052',
    title: 'Plaintext traffic seen to a workload',
    severity: 'high',
    controls: ['SC-8', 'IA-9'],
    remediation:
      "Move the plaintext callers into the mesh (or give them a sidecar or ztunnel), then set mTLS STRICT for the workload so plaintext is refused. Where the workload is STRICT already, the traffic predates it or the state read is not the cluster's.",
    docs: 'https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/',
  },
  ZT053: {
    code: 'ZT053',
    title: 'Traffic the policies refuse got through',
    severity: 'medium',
    // What is enforced is not what was read: the analysis cannot vouch for this workload.
    controls: ['AC-4', 'SI-4'],
    remediation:
      "Compare the workload's AuthorizationPolicies and mTLS in the cluster with what was read (a stale snapshot, a policy not applied, a dry-run policy, a proxy not in the mesh), and check with istioctl x authz check on the pod which rules its proxy enforces.",
    docs: 'https://istio.io/latest/docs/ops/common-problems/security-issues/#ensure-proxies-enforce-policies-correctly',
  },
};
