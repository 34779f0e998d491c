/**
 * The normalized cluster state: only the fields the engine reads, whatever the
 * source (a snapshot folder, a GitOps checkout or live informers).
 */

/** @public */
export type Labels = Readonly<Record<string, string>>;

/** A reference to a Kubernetes object, as findings and reasons name it. @public */
export interface ObjectRef {
  cluster: string;
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * meshConfig `pathNormalization.normalization`: how a sidecar or waypoint rewrites a
 * request's path before its AuthorizationPolicies read it. @public
 */
export type PathNormalization =
  | 'NONE'
  | 'BASE'
  | 'MERGE_SLASHES'
  | 'DECODE_AND_MERGE_SLASHES';

export const pathNormalizations: PathNormalization[] = [
  'NONE',
  'BASE',
  'MERGE_SLASHES',
  'DECODE_AND_MERGE_SLASHES',
];

/** Mesh-wide settings (model/meshSettings.ts reads them). @public */
export interface MeshConfig {
  trustDomain: string;
  trustDomainAliases: string[];
  rootNamespace: string;
  /** Clients send mTLS to in-mesh servers without a DestinationRule (default true). */
  enableAutoMtls: boolean;
  /**
   * istiod's `PILOT_SKIP_VALIDATE_TRUST_DOMAIN` (default false): sidecars then accept an
   * mTLS peer of any trust domain their root of trust signed.
   */
  skipValidateTrustDomain: boolean;
  /**
   * The trust domains of `caCertificates` entries: extra roots of trust whose
   * workloads a sidecar accepts at the handshake, without being aliases.
   */
  caCertificateTrustDomains: string[];
  /** `pathNormalization.normalization` (default BASE): how proxies rewrite request paths. */
  pathNormalization: PathNormalization;
  /** `outboundTrafficPolicy.mode` (default ALLOW_ANY). */
  outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  /**
   * The control plane revisions taken as installed: `default`, the revision and revision
   * tags the mesh settings name, and every revision an `istio.io/rev` label names.
   */
  revisions: string[];
}

/** @public */
export interface NamespaceInfo {
  name: string;
  labels: Labels;
}

/** @public */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Pod';

/** @public */
export interface ContainerPort {
  name?: string;
  port: number;
}

/** A workload: a controller's pod template, or a Pod no controller owns. @public */
export interface WorkloadInfo {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  /** The pod template's labels. */
  labels: Labels;
  /** The pod template's annotations. */
  annotations: Labels;
  serviceAccount: string;
  hostNetwork: boolean;
  containerPorts: ContainerPort[];
}

/** @public */
export interface ServicePortInfo {
  name?: string;
  port: number;
  /** A number, a container port name, or absent (then equal to `port`). */
  targetPort?: number | string;
  appProtocol?: string;
  /** TCP, UDP or SCTP. */
  protocol: string;
}

/** @public */
export interface ServiceInfo {
  namespace: string;
  name: string;
  /** Its Istio labels (`istio.io/use-waypoint`, `istio.io/use-waypoint-namespace`). */
  labels?: Labels;
  /** Absent for a Service without a selector (its endpoints are managed by hand). */
  selector?: Labels;
  ports: ServicePortInfo[];
  /** `spec.type`: ClusterIP (absent: Kubernetes' default), NodePort, LoadBalancer or ExternalName. */
  type?: string;
  /** `spec.externalIPs`: addresses outside the cluster that route to it. */
  externalIPs?: string[];
}

/** @public */
export type MtlsMode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT';

/** @public */
export interface PeerAuthenticationInfo {
  namespace: string;
  name: string;
  /** ISO timestamp; the oldest policy wins where several share a scope. */
  creationTimestamp?: string;
  selector?: Labels;
  mode: MtlsMode;
  /** Target (container) port → mode. */
  portLevelMtls: Record<number, MtlsMode>;
}

/** @public */
export type ClientTlsMode = 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';

/** @public */
export interface DestinationRuleInfo {
  namespace: string;
  name: string;
  creationTimestamp?: string;
  host: string;
  /** Namespaces it is exported to; `*` (default) for all, `.` for its own. */
  exportTo: string[];
  /** Client workloads it applies to; absent for every client. */
  workloadSelector?: Labels;
  tlsMode?: ClientTlsMode;
  /** Service port → TLS mode. */
  portLevelTls: Record<number, ClientTlsMode | undefined>;
  /**
   * Where MUTUAL takes its client certificate (`Secret NAME` or `file PATH`), by port
   * (`*`: the top-level `tls`).
   */
  clientCertificates?: Record<string, string>;
  /** `trafficPolicy.outlierDetection`, as written. */
  outlierDetection?: OutlierDetectionInfo;
  /** `trafficPolicy.connectionPool`, the fields the views show. */
  connectionPool?: ConnectionPoolInfo;
  /**
   * Service port → its `portLevelSettings` entry's connection pool and outlier
   * detection (absent where the entry sets none: it replaces the top level's wholesale).
   */
  portLevelPolicies?: Record<number, TrafficPolicyInfo>;
  /** `subsets`, with their own traffic policy where they set one. */
  subsets?: {
    name: string;
    trafficPolicy?: TrafficPolicyInfo & {
      portLevelPolicies?: Record<number, TrafficPolicyInfo>;
    };
  }[];
}

/**
 * A DestinationRule's `connectionPool`, the fields the views show
 * (https://istio.io/latest/docs/reference/config/networking/destination-rule/#ConnectionPoolSettings).
 *
 * @public
 */
export interface ConnectionPoolInfo {
  tcp?: { maxConnections?: number; connectTimeout?: string };
  http?: {
    http1MaxPendingRequests?: number;
    http2MaxRequests?: number;
    maxRequestsPerConnection?: number;
    maxRetries?: number;
  };
}

/** The parts of a traffic policy the Routes view shows. @public */
export interface TrafficPolicyInfo {
  connectionPool?: ConnectionPoolInfo;
  outlierDetection?: OutlierDetectionInfo;
}

/**
 * A DestinationRule's `outlierDetection`
 * (https://istio.io/latest/docs/reference/config/networking/destination-rule/#OutlierDetection).
 *
 * @public
 */
export interface OutlierDetectionInfo {
  consecutive5xxErrors?: number;
  consecutiveGatewayErrors?: number;
  interval?: string;
  baseEjectionTime?: string;
  maxEjectionPercent?: number;
}

/** A `networking.istio.io` ServiceEntry: hosts added to the mesh's registry. @public */
export interface ServiceEntryInfo {
  namespace: string;
  name: string;
  hosts: string[];
  ports: { number: number; protocol?: string; name?: string }[];
  /** MESH_EXTERNAL (default in Istio is MESH_EXTERNAL) or MESH_INTERNAL. */
  location: 'MESH_EXTERNAL' | 'MESH_INTERNAL';
  /** NONE (default), STATIC, DNS or DNS_ROUND_ROBIN. */
  resolution: string;
  /** Namespaces it is exported to; `*` (default) for all, `.` for its own. */
  exportTo: string[];
  workloadSelector?: Labels;
  /** Its `istio.io/` labels (`istio.io/use-waypoint`: an egress waypoint). */
  labels?: Labels;
}

/** Istio's HTTPRetry, as a VirtualService route sets it. @public */
export interface HttpRetryInfo {
  attempts: number;
  perTryTimeout?: string;
  retryOn?: string;
}

/** One `http` route of a VirtualService: what it matches, where it goes, how. @public */
export interface HttpRouteInfo {
  name?: string;
  /** Each `match` entry, reduced to what the engine reads; absent: every request. */
  match?: {
    uri?: Record<string, string>;
    method?: Record<string, string>;
    port?: number;
    gateways?: string[];
  }[];
  destinations: { host: string; port?: number; subset?: string }[];
  timeout?: string;
  retries?: HttpRetryInfo;
}

/** A `networking.istio.io` VirtualService. @public */
export interface VirtualServiceInfo {
  namespace: string;
  name: string;
  /** Istio reads VirtualServices oldest first (the model holds them so: `creationOrder.ts`). */
  creationTimestamp?: string;
  hosts: string[];
  /** `mesh` (the default, with no `gateways`) and `NAMESPACE/NAME` or `NAME` of Gateways. */
  gateways: string[];
  exportTo: string[];
  http: HttpRouteInfo[];
  /**
   * `tls` and `tcp` routes' destinations (SNI passthrough and TCP), and the gateways
   * their matches name (absent: the VirtualService's own `gateways`).
   */
  tls: {
    sniHosts: string[];
    destinations: { host: string; port?: number }[];
    gateways?: string[];
  }[];
  tcp: {
    destinations: { host: string; port?: number }[];
    gateways?: string[];
  }[];
}

/** One `servers` entry of an Istio Gateway. @public */
export interface GatewayServerInfo {
  port: { number: number; protocol: string; name?: string };
  hosts: string[];
  /** Absent: no `tls` block (plain text unless the protocol says otherwise). */
  tls?: { mode: string; httpsRedirect?: boolean };
}

/** A `networking.istio.io` Gateway, bound to gateway pods by `selector`. @public */
export interface GatewayInfo {
  namespace: string;
  name: string;
  selector: Labels;
  servers: GatewayServerInfo[];
}

/** A `networking.istio.io` Sidecar: what its workloads may see and reach. @public */
export interface SidecarInfo {
  namespace: string;
  name: string;
  creationTimestamp?: string;
  /** Absent: every workload of the namespace (or of the mesh, in the root namespace). */
  workloadSelector?: Labels;
  /** `egress[].hosts` (`NAMESPACE/HOST`, `./HOST`, or any namespace); absent: no egress listed. */
  egressHosts?: string[];
  outboundTrafficPolicy?: 'ALLOW_ANY' | 'REGISTRY_ONLY';
}

/** @public */
export type AuthorizationAction = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';

/** @public */
export interface AuthorizationSource {
  principals?: string[];
  notPrincipals?: string[];
  requestPrincipals?: string[];
  notRequestPrincipals?: string[];
  namespaces?: string[];
  notNamespaces?: string[];
  /** `NAMESPACE/SERVICE_ACCOUNT`, any trust domain (Istio 1.26+). */
  serviceAccounts?: string[];
  notServiceAccounts?: string[];
  ipBlocks?: string[];
  notIpBlocks?: string[];
  remoteIpBlocks?: string[];
  notRemoteIpBlocks?: string[];
  /** The peer certificate's trust domain (Istio 1.31, `source.trustDomain`). */
  trustDomains?: string[];
  notTrustDomains?: string[];
}

/** @public */
export interface AuthorizationOperation {
  hosts?: string[];
  notHosts?: string[];
  ports?: string[];
  notPorts?: string[];
  methods?: string[];
  notMethods?: string[];
  paths?: string[];
  notPaths?: string[];
}

/** @public */
export interface AuthorizationCondition {
  key: string;
  values?: string[];
  notValues?: string[];
}

/** @public */
export interface AuthorizationRule {
  /** Absent: any source. */
  from?: AuthorizationSource[];
  /** Absent: any operation. */
  to?: AuthorizationOperation[];
  when?: AuthorizationCondition[];
}

/** An AuthorizationPolicy's `targetRefs` entry. @public */
export interface PolicyTargetRef {
  /** `gateway.networking.k8s.io` for a Gateway or GatewayClass; `''` (or absent) for a Service. */
  group?: string;
  kind: string;
  name: string;
  /** Must be the policy's own namespace where set (Istio ignores the ref otherwise). */
  namespace?: string;
}

/** @public */
export interface AuthorizationPolicyInfo {
  namespace: string;
  name: string;
  /** ISO timestamp, where the manifest has one. */
  creationTimestamp?: string;
  /**
   * The `istio.io/dry-run` annotation is true: the policy is logged (shadow rules), not
   * enforced.
   */
  dryRun?: true;
  selector?: Labels;
  /** Set when the policy binds to a Gateway, Service or waypoint instead of pods. */
  targetRefs?: PolicyTargetRef[];
  action: AuthorizationAction;
  provider?: string;
  /** Absent: the policy has no `rules` field (an ALLOW then matches nothing). */
  rules: AuthorizationRule[];
}

/**
 * A Kubernetes label selector (`matchLabels` and `matchExpressions`); an empty one
 * selects everything.
 *
 * @public
 */
export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}

/** One `from`/`to` peer of a NetworkPolicy rule. @public */
export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except: string[] };
}

/** One `ports` entry: a number or a named container port, up to `endPort`. @public */
export interface NetworkPolicyPort {
  /** TCP (the default), UDP or SCTP. */
  protocol: string;
  /** Absent: every port of the protocol. */
  port?: number | string;
  endPort?: number;
}

/** One ingress or egress rule; an absent or empty list matches everything. @public */
export interface NetworkPolicyRule {
  peers: NetworkPolicyPeer[];
  ports: NetworkPolicyPort[];
}

/** A `networking.k8s.io/v1` NetworkPolicy, its `policyTypes` defaults applied. @public */
export interface NetworkPolicyInfo {
  namespace: string;
  name: string;
  podSelector: LabelSelector;
  policyTypes: ('Ingress' | 'Egress')[];
  ingress: NetworkPolicyRule[];
  egress: NetworkPolicyRule[];
}

/** An object Istio's CRD schema would reject, or a manifest the loader could not read. @public */
export interface ResourceProblem {
  ref: ObjectRef;
  message: string;
  file?: string;
}

/**
 * An X.509 certificate as the trust rules read it: names, dates and identity, never a
 * key. Node code parses it (`parseCertificates` in the node library); the engine, which
 * also runs in the browser, only compares these fields.
 *
 * @public
 */
export interface CertificateInfo {
  /** The subject's distinguished name, one `KEY=value` per line as Node prints it. */
  subject: string;
  issuer: string;
  /** The trust domain of a `spiffe://` URI SAN, where the certificate has one. */
  trustDomain?: string;
  /** ISO timestamps. */
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the DER, colon-separated upper-case hex (as `openssl x509 -fingerprint -sha256`). */
  fingerprint: string;
  /** Issued by its own key: a root. */
  selfSigned: boolean;
  /** Basic constraints say CA: it may sign certificates. */
  ca: boolean;
}

/** A certificate of a cluster's trust bundle, with where it was read. @public */
export interface TrustedCertificate extends CertificateInfo {
  /** `ConfigMap NAMESPACE/istio-ca-root-cert` or `meshConfig.caCertificates`. */
  sources: string[];
}

/**
 * What a cluster's proxies verify a peer's certificate against (never read from a Secret).
 * @public
 */
export interface ClusterTrust {
  /**
   * The roots of trust istiod publishes (`root-cert.pem` of each `istio-ca-root-cert`
   * ConfigMap): every certificate of every bundle, once by fingerprint. Its own
   * workloads' certificates chain to one of them.
   */
  roots: TrustedCertificate[];
  /** meshConfig `caCertificates` PEMs: further roots its proxies accept peers from. */
  caCertificates: TrustedCertificate[];
}

/** A status condition (cert-manager's Ready). @public */
export interface ConditionInfo {
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/** A cert-manager `Certificate` (cert-manager.io/v1). @public */
export interface CertManagerCertificateInfo {
  namespace: string;
  name: string;
  secretName?: string;
  isCA: boolean;
  /** `spec.commonName`: the subject's CN of the certificate it issues. */
  commonName?: string;
  /**
   * The subject of the certificate it issues (`spec.commonName` and `spec.subject`), as
   * `TrustedCertificate.subject` reads an X.509 subject: one `TYPE=value` a line, in the
   * order the certificate holds them. Absent where it names neither.
   */
  subject?: string;
  issuerRef?: { kind: string; name: string };
  /** Go durations as written (cert-manager's defaults: 2160h, a third of it). */
  duration?: string;
  renewBefore?: string;
  /** ISO timestamps from its status. */
  notAfter?: string;
  renewalTime?: string;
  /** Absent: no Ready condition yet. */
  ready?: ConditionInfo;
}

/** A cert-manager `Issuer` or `ClusterIssuer`. @public */
export interface CertManagerIssuerInfo {
  kind: 'Issuer' | 'ClusterIssuer';
  namespace?: string;
  name: string;
  /** `selfSigned`, `ca`, `vault`, `acme` or `venafi`. */
  type?: string;
  ready?: ConditionInfo;
}

/**
 * Who signs the cluster's workload certificates:
 * - `istiod`: istiod's own self-signed CA (the default);
 * - `plugged-in`: istiod signs with a CA from the `cacerts` Secret (here: a cert-manager
 *   Certificate writes it, or the root is not istiod's own);
 * - `istio-csr`: cert-manager's istio-csr signs in istiod's place;
 * - `external`: another CA the proxies are pointed at (meshConfig `ca.address`, `CA_ADDR`).
 *
 * @public
 */
export interface CertificateAuthorityInfo {
  kind: 'istiod' | 'plugged-in' | 'istio-csr' | 'external';
  /** What in the snapshot shows it, e.g. `Certificate istio-system/cacerts`. */
  evidence: string;
  /** The cert-manager Certificate that writes `cacerts`, as `NAMESPACE/NAME`. */
  certificate?: string;
}

/** How long a workload certificate lives before the proxy rotates it. @public */
export interface WorkloadCertificateLifetime {
  /** The lifetime granted: the proxies' `SECRET_TTL`, capped by istiod's `MAX_WORKLOAD_CERT_TTL`. */
  seconds: number;
  /** What decided it, e.g. `SECRET_TTL (default 24h)`. */
  decidedBy: string;
  /** istiod's `MAX_WORKLOAD_CERT_TTL` (default 90 days). */
  maxSeconds: number;
  /** istiod's `DEFAULT_WORKLOAD_CERT_TTL` (default 24h): for a request without a TTL. */
  defaultSeconds: number;
}

/** The CA behind a cluster's mesh certificates and the cert-manager objects around it. @public */
export interface ClusterCertificates {
  ca: CertificateAuthorityInfo;
  workloadCertificate: WorkloadCertificateLifetime;
  certificates: CertManagerCertificateInfo[];
  issuers: CertManagerIssuerInfo[];
}

/**
 * A `gateway.networking.k8s.io` Gateway: the engine reads those of class
 * `istio-waypoint` (ambient waypoints). @public
 */
export interface KubernetesGatewayInfo {
  namespace: string;
  name: string;
  gatewayClassName: string;
  /** Its labels (`istio.io/waypoint-for`). */
  labels: Labels;
  /** Its Istio annotations (`gateway.istio.io/service-account`). */
  annotations: Labels;
  /**
   * Who may attach to it: its HBONE listener's (port 15008) `allowedRoutes.namespaces`,
   * `Same` where none is set.
   */
  allowedRoutes: {
    from: 'All' | 'Same' | 'Selector';
    selector?: LabelSelector;
  };
  /**
   * Absent where the manifest has no status (a GitOps repository): taken as ready. Else
   * its `Programmed` condition (absent where it has none) and how many addresses istiod
   * gave it: a waypoint with none is not used yet.
   */
  status?: { programmed?: boolean; addresses: number };
  /** Its listeners (ingress gateways of class `istio` route through them). */
  listeners?: GatewayListenerInfo[];
}

/**
 * One listener of a Gateway API Gateway, as istiod turns it into an Istio Gateway server
 * (buildListener in istio/istio pilot/pkg/config/kube/gateway/conversion.go).
 *
 * @public
 */
export interface GatewayListenerInfo {
  name: string;
  /** Absent: any host. */
  hostname?: string;
  port: number;
  /** HTTP, HTTPS, TLS, TCP, HBONE, as written. */
  protocol: string;
  /** `tls.mode` (Terminate, the default, or Passthrough); absent: no `tls` block. */
  tlsMode?: 'Terminate' | 'Passthrough';
  /** `tls.options["gateway.istio.io/tls-terminate-mode"]`: MUTUAL, OPTIONAL_MUTUAL, ISTIO_SIMPLE, ISTIO_MUTUAL. */
  terminateMode?: string;
  /** `allowedRoutes.namespaces`: `Same` where unset. */
  allowedNamespaces: {
    from: 'All' | 'Same' | 'Selector';
    selector?: LabelSelector;
  };
  /** `allowedRoutes.kinds` of the Gateway API group; absent (unset or empty): the protocol's defaults. */
  allowedKinds?: string[];
}

/** The route kinds of the Gateway API the engine reads. @public */
export type GatewayRouteKind =
  | 'HTTPRoute'
  | 'GRPCRoute'
  | 'TLSRoute'
  | 'TCPRoute';

/** A `parentRefs` entry of a Gateway API route, its defaults applied. @public */
export interface GatewayParentRef {
  /** `gateway.networking.k8s.io` where unset. */
  group: string;
  /** `Gateway` where unset. */
  kind: string;
  /** The route's namespace where unset. */
  namespace: string;
  name: string;
  sectionName?: string;
  port?: number;
}

/** A `backendRefs` entry, its defaults applied (group `''`, kind `Service`, the route's namespace). @public */
export interface GatewayBackendRef {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  port?: number;
}

/** A `gateway.networking.k8s.io` HTTPRoute, GRPCRoute, TLSRoute or TCPRoute. @public */
export interface GatewayRouteInfo {
  kind: GatewayRouteKind;
  namespace: string;
  name: string;
  /** `spec.hostnames`; empty: any host (a TCPRoute has none). */
  hostnames: string[];
  parentRefs: GatewayParentRef[];
  rules: {
    /** Each match as Istio converts it to a VirtualService match; absent: every request. */
    match?: NonNullable<HttpRouteInfo['match']>;
    backendRefs: GatewayBackendRef[];
    /** Every filter of the rule is a RequestRedirect to `https`, and it has no backend. */
    redirectsToHttps?: true;
  }[];
}

/** A `gateway.networking.k8s.io` ReferenceGrant: what other namespaces' routes may reference here. @public */
export interface ReferenceGrantInfo {
  namespace: string;
  name: string;
  from: { group: string; kind: string; namespace: string }[];
  to: { group: string; kind: string; name?: string }[];
}

/** One cluster as the engine sees it. @public */
export interface ClusterState {
  name: string;
  mesh: MeshConfig;
  namespaces: NamespaceInfo[];
  serviceAccounts: { namespace: string; name: string }[];
  workloads: WorkloadInfo[];
  services: ServiceInfo[];
  peerAuthentications: PeerAuthenticationInfo[];
  destinationRules: DestinationRuleInfo[];
  authorizationPolicies: AuthorizationPolicyInfo[];
  /** Gateway API (`gateway.networking.k8s.io`) Gateways: ambient waypoints among them. */
  kubernetesGateways?: KubernetesGatewayInfo[];
  /** Gateway API HTTPRoutes, GRPCRoutes, TLSRoutes and TCPRoutes. */
  gatewayRoutes?: GatewayRouteInfo[];
  /** Gateway API ReferenceGrants (cross-namespace backendRefs need one). */
  referenceGrants?: ReferenceGrantInfo[];
  /** Kubernetes NetworkPolicies (none read: no pod is isolated). */
  networkPolicies?: NetworkPolicyInfo[];
  /** Istio ServiceEntries (none read: only the cluster's own services are in the registry). */
  serviceEntries?: ServiceEntryInfo[];
  virtualServices?: VirtualServiceInfo[];
  /** Istio (`networking.istio.io`) Gateways. */
  gateways?: GatewayInfo[];
  sidecars?: SidecarInfo[];
  /** Policies of other network engines (Cilium, Calico) in the snapshot: not read, only named. */
  otherNetworkPolicies?: (ObjectRef & { engine: 'Cilium' | 'Calico' })[];
  /** Objects left out of the analysis because Istio would reject them. */
  problems: ResourceProblem[];
  /**
   * Its roots of trust, where the snapshot holds any root certificate (absent: unknown,
   * and clusters are taken to trust each other).
   */
  trust?: ClusterTrust;
  /** Its CA, workload certificate lifetime and cert-manager objects. */
  certificates?: ClusterCertificates;
}
