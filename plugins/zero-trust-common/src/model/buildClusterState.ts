import {
  ResourceKindName,
  findKind,
  istioAnnotations,
  groupOf,
  isObject,
  isOwnedPod,
  readsObject,
} from '../kinds';
import { readCertificates } from './readCertificates';
import { CertificateParser, readTrust } from './trustBundles';
import { readNetworkPolicy } from './readNetworkPolicy';
import {
  readGateway,
  readGatewayRoute,
  readReferenceGrant,
} from './readGateway';
import { compareByCreation } from './creationOrder';
import {
  readConnectionPool,
  readOutlierDetection,
  readPortLevelPolicies,
  readTrafficPolicy,
  toGateway,
  toServiceEntry,
  toSidecar,
  toVirtualService,
} from './readEdges';
import {
  defaultMeshConfig,
  parseGoBool,
  readMeshSettings,
} from './meshSettings';
import {
  validateAuthorizationPolicySpec,
  validateDestinationRuleSpec,
  validatePeerAuthenticationSpec,
} from './istioSchema';
import {
  AuthorizationAction,
  AuthorizationPolicyInfo,
  AuthorizationRule,
  ClientTlsMode,
  ClusterState,
  ContainerPort,
  DestinationRuleInfo,
  Labels,
  MtlsMode,
  PeerAuthenticationInfo,
  ResourceProblem,
  ServiceInfo,
  WorkloadInfo,
  WorkloadKind,
} from './types';

type Json = Record<string, any>;

/** A Kubernetes object as read from a file, with where it came from. @public */
export interface SourcedObject {
  object: unknown;
  file?: string;
  /** The line the object starts at in `file`. */
  line?: number;
  /**
   * The Helm value files an Argo CD Application names (`helm.valueFiles`), as the loader
   * read them from this repository, by the entry as written.
   */
  valueFiles?: Record<string, unknown>;
}

export { defaultMeshConfig };

function stringMap(value: unknown): Labels {
  if (!isObject(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && v !== undefined) out[k] = String(v);
  }
  return out;
}

/**
 * Cilium's and Calico's own policy kinds: not read (their semantics differ from
 * Kubernetes NetworkPolicy), only named, so that an answer is not taken as the whole story.
 */
function otherNetworkEngine(obj: Json): 'Cilium' | 'Calico' | undefined {
  const group = groupOf(obj.apiVersion);
  if (group === 'cilium.io') {
    return /NetworkPolicy$/.test(obj.kind) ? 'Cilium' : undefined;
  }
  if (group === 'crd.projectcalico.org' || group === 'projectcalico.org') {
    return obj.kind === 'NetworkPolicy' || obj.kind === 'GlobalNetworkPolicy'
      ? 'Calico'
      : undefined;
  }
  return undefined;
}

/** Flattens `kind: List` (as `kubectl get -o yaml` prints) into its items. */
function flatten(objects: SourcedObject[]): SourcedObject[] {
  const out: SourcedObject[] = [];
  const visit = (item: SourcedObject) => {
    const obj = item.object;
    if (
      isObject(obj) &&
      typeof obj.kind === 'string' &&
      obj.kind.endsWith('List') &&
      Array.isArray(obj.items)
    ) {
      for (const child of obj.items) visit({ ...item, object: child });
    } else {
      out.push(item);
    }
  };
  objects.forEach(visit);
  return out;
}

function containerPorts(podSpec: Json): ContainerPort[] {
  const ports: ContainerPort[] = [];
  const containers = Array.isArray(podSpec.containers)
    ? podSpec.containers
    : [];
  for (const container of containers) {
    if (!isObject(container) || !Array.isArray(container.ports)) continue;
    for (const p of container.ports) {
      if (isObject(p) && Number.isInteger(p.containerPort)) {
        ports.push({
          port: p.containerPort,
          ...(typeof p.name === 'string' ? { name: p.name } : {}),
        });
      }
    }
  }
  return ports;
}

function toWorkload(kind: WorkloadKind, obj: Json): WorkloadInfo | undefined {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const template = kind === 'Pod' ? obj : obj.spec?.template;
  if (!isObject(template)) return undefined;
  const podMeta = isObject(template.metadata) ? template.metadata : {};
  const podSpec = isObject(template.spec) ? template.spec : {};
  return {
    kind,
    namespace: meta.namespace ?? 'default',
    name: String(meta.name),
    labels: stringMap(podMeta.labels),
    annotations: stringMap(podMeta.annotations),
    serviceAccount:
      podSpec.serviceAccountName ?? podSpec.serviceAccount ?? 'default',
    hostNetwork: podSpec.hostNetwork === true,
    containerPorts: containerPorts(podSpec),
  };
}

function toService(obj: Json): ServiceInfo {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const ports = Array.isArray(spec.ports) ? spec.ports.filter(isObject) : [];
  // Only its Istio labels, as the kinds table keeps them from a live cluster.
  const labels = istioAnnotations(obj.metadata?.labels) ?? {};
  return {
    namespace: obj.metadata?.namespace ?? 'default',
    name: String(obj.metadata?.name),
    ...(Object.keys(labels).length ? { labels } : {}),
    ...(isObject(spec.selector) ? { selector: stringMap(spec.selector) } : {}),
    ports: ports.map(p => ({
      ...(typeof p.name === 'string' ? { name: p.name } : {}),
      port: Number(p.port),
      ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}),
      ...(typeof p.appProtocol === 'string'
        ? { appProtocol: p.appProtocol }
        : {}),
      protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP',
    })),
    ...(typeof spec.type === 'string' && spec.type !== 'ClusterIP'
      ? { type: spec.type }
      : {}),
    ...(Array.isArray(spec.externalIPs) && spec.externalIPs.length
      ? { externalIPs: spec.externalIPs.map(String) }
      : {}),
  };
}

function selectorOf(spec: Json): Labels | undefined {
  return isObject(spec.selector)
    ? stringMap(spec.selector.matchLabels)
    : undefined;
}

/**
 * An Istio object's namespace and name, and its creation time: among PeerAuthentications,
 * DestinationRules or policies that conflict, Istio applies the oldest.
 */
function istioObjectName(obj: Json): {
  namespace: string;
  name: string;
  creationTimestamp?: string;
} {
  return {
    namespace: obj.metadata?.namespace ?? 'default',
    name: String(obj.metadata?.name),
    ...(obj.metadata?.creationTimestamp
      ? { creationTimestamp: String(obj.metadata.creationTimestamp) }
      : {}),
  };
}

function toPeerAuthentication(obj: Json): PeerAuthenticationInfo {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const portLevelMtls: Record<number, MtlsMode> = {};
  if (isObject(spec.portLevelMtls)) {
    for (const [port, setting] of Object.entries(spec.portLevelMtls)) {
      portLevelMtls[Number(port)] = ((setting as Json)?.mode ??
        'UNSET') as MtlsMode;
    }
  }
  const selector = selectorOf(spec);
  return {
    ...istioObjectName(obj),
    ...(selector ? { selector } : {}),
    mode: (spec.mtls?.mode ?? 'UNSET') as MtlsMode,
    portLevelMtls,
  };
}

/**
 * A `tls` block's mode. ClientTLSSettings.mode defaults to DISABLE (the enum's zero
 * value), and a `tls` block present turns auto mTLS off for it (buildAutoMtlsSettings in
 * pilot/pkg/networking/core/cluster_builder.go), so `tls: {sni: x}` sends plaintext:
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings-TLSmode
 */
function clientTlsMode(tls: unknown): ClientTlsMode | undefined {
  if (!isObject(tls)) return undefined;
  return (tls.mode ?? 'DISABLE') as ClientTlsMode;
}

/**
 * Where a MUTUAL `tls` block takes its client certificate: the Secret `credentialName`
 * names (read by the gateway proxy, never by this suite) or the file `clientCertificate`
 * names (https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings).
 */
function clientCertificate(tls: unknown): string | undefined {
  if (!isObject(tls)) return undefined;
  if (typeof tls.credentialName === 'string') {
    return `Secret ${tls.credentialName}`;
  }
  if (typeof tls.clientCertificate === 'string') {
    return `file ${tls.clientCertificate}`;
  }
  return undefined;
}

function toDestinationRule(obj: Json): DestinationRuleInfo {
  const spec = obj.spec as Json;
  const policy = isObject(spec.trafficPolicy) ? spec.trafficPolicy : {};
  const portLevelTls: Record<number, ClientTlsMode | undefined> = {};
  const certificates: Record<string, string> = {};
  const topCertificate = clientCertificate(policy.tls);
  if (topCertificate) certificates['*'] = topCertificate;
  for (const setting of Array.isArray(policy.portLevelSettings)
    ? policy.portLevelSettings
    : []) {
    const port = setting?.port?.number;
    if (!Number.isInteger(port)) continue;
    portLevelTls[port] = clientTlsMode(setting.tls);
    const certificate = clientCertificate(setting.tls);
    if (certificate) certificates[port] = certificate;
  }
  const tlsMode = clientTlsMode(policy.tls);
  const outlierDetection = readOutlierDetection(policy.outlierDetection);
  const connectionPool = readConnectionPool(policy.connectionPool);
  const portLevelPolicies = readPortLevelPolicies(policy.portLevelSettings);
  const subsets = (Array.isArray(spec.subsets) ? spec.subsets : [])
    .filter(isObject)
    .filter((s: Json) => typeof s.name === 'string')
    .map((s: Json) => {
      const own = isObject(s.trafficPolicy) ? s.trafficPolicy : undefined;
      const ports = own && readPortLevelPolicies(own.portLevelSettings);
      return {
        name: s.name as string,
        ...(own
          ? {
              trafficPolicy: {
                ...readTrafficPolicy(own),
                ...(ports ? { portLevelPolicies: ports } : {}),
              },
            }
          : {}),
      };
    });
  const workloadSelector = isObject(spec.workloadSelector)
    ? stringMap(spec.workloadSelector.matchLabels)
    : undefined;
  return {
    ...istioObjectName(obj),
    host: spec.host,
    exportTo:
      Array.isArray(spec.exportTo) && spec.exportTo.length
        ? spec.exportTo.map(String)
        : ['*'],
    ...(workloadSelector ? { workloadSelector } : {}),
    ...(tlsMode ? { tlsMode } : {}),
    portLevelTls,
    ...(Object.keys(certificates).length
      ? { clientCertificates: certificates }
      : {}),
    ...(outlierDetection ? { outlierDetection } : {}),
    ...(connectionPool ? { connectionPool } : {}),
    ...(portLevelPolicies ? { portLevelPolicies } : {}),
    ...(subsets.length ? { subsets } : {}),
  };
}

/**
 * The annotation that puts an AuthorizationPolicy in dry-run: logged, not enforced
 * (https://istio.io/latest/docs/tasks/security/authorization/authz-dry-run/). @public
 */
export const dryRunAnnotation = 'istio.io/dry-run';

/**
 * Whether an object's metadata puts it in dry-run, as Istio reads the annotation:
 * isDryRun in pilot/pkg/security/authz/builder/builder.go and convertAuthorizationPolicy
 * in pilot/pkg/serviceregistry/ambient/authorization.go parse it with strconv.ParseBool
 * (`"true"`, `"1"`, `"T"`... and anything unparsable is false). @public
 */
export function isDryRunMetadata(metadata: unknown): boolean {
  return parseGoBool(
    stringMap(isObject(metadata) ? metadata.annotations : undefined)[
      dryRunAnnotation
    ],
  );
}

function toAuthorizationPolicy(obj: Json): AuthorizationPolicyInfo {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const dryRun = isDryRunMetadata(obj.metadata);
  const rules: AuthorizationRule[] = (
    Array.isArray(spec.rules) ? spec.rules : []
  ).map((rule: Json) => ({
    ...(Array.isArray(rule.from)
      ? { from: rule.from.map((f: Json) => f.source) }
      : {}),
    ...(Array.isArray(rule.to)
      ? { to: rule.to.map((t: Json) => t.operation) }
      : {}),
    ...(Array.isArray(rule.when) ? { when: rule.when } : {}),
  }));
  const targetRefs =
    spec.targetRefs ?? (spec.targetRef ? [spec.targetRef] : undefined);
  const selector = selectorOf(spec);
  return {
    ...istioObjectName(obj),
    ...(dryRun ? { dryRun: true as const } : {}),
    ...(selector ? { selector } : {}),
    ...(targetRefs ? { targetRefs } : {}),
    action: (spec.action ?? 'ALLOW') as AuthorizationAction,
    ...(spec.provider?.name ? { provider: String(spec.provider.name) } : {}),
    rules,
  };
}

/** @public */
export interface BuildClusterStateOptions {
  /** Overrides the trust domain read from the mesh config. */
  trustDomain?: string;
  /**
   * Reads the X.509 certificates of a PEM bundle (node code passes the node library's
   * `parseCertificates`). Without it, root certificates are not read: clusters are then
   * taken to trust each other.
   */
  parseCertificates?: CertificateParser;
  /**
   * What each object read into the state last time, by the object's identity, for a
   * state built again after a change: only the objects not seen before are read (a live
   * source keeps an unchanged object's identity). One per cluster; filled as it builds.
   */
  readings?: ClusterStateReadings;
}

/**
 * What each object of a cluster read into its state (see
 * {@link BuildClusterStateOptions.readings}).
 *
 * @public
 */
export type ClusterStateReadings = WeakMap<object, unknown>;

/** The lists of a state an object's reader adds to. */
type ReadInto = {
  [K in keyof ClusterState]-?: NonNullable<ClusterState[K]> extends (infer T)[]
    ? T
    : never;
};
type ListKey = {
  [K in keyof ReadInto]: ReadInto[K] extends never ? never : K;
}[keyof ReadInto];
/** One object's reading: each list it added to, with the item, in order. */
type Reading = [ListKey, unknown][];

/**
 * Normalizes a cluster's manifests. Kinds the engine does not model are ignored;
 * Istio objects their CRD schema would reject are reported in `problems` and left out.
 *
 * @public
 */
export function buildClusterState(
  name: string,
  objects: SourcedObject[],
  options: BuildClusterStateOptions = {},
): ClusterState {
  const state: ClusterState = {
    name,
    mesh: defaultMeshConfig,
    namespaces: [],
    serviceAccounts: [],
    workloads: [],
    services: [],
    peerAuthentications: [],
    destinationRules: [],
    authorizationPolicies: [],
    networkPolicies: [],
    kubernetesGateways: [],
    problems: [],
  };
  // Adds an item to one of the state's lists, noting it in the object's reading.
  let reading: Reading | undefined;
  const add = <K extends ListKey>(key: K, item: ReadInto[K]) => {
    ((state[key] as ReadInto[K][] | undefined) ??= [] as any).push(item);
    reading?.push([key, item]);
  };
  const problem = (obj: Json, file: string | undefined, message: string) => {
    const p: ResourceProblem = {
      ref: {
        cluster: name,
        kind: String(obj.kind),
        ...(obj.metadata?.namespace
          ? { namespace: obj.metadata.namespace }
          : {}),
        name: String(obj.metadata?.name ?? '(unnamed)'),
      },
      message,
      ...(file ? { file } : {}),
    };
    add('problems', p);
  };

  const validated = (obj: Json, file: string | undefined, errors: string[]) => {
    if (errors.length) problem(obj, file, errors.join('; '));
    return errors.length === 0;
  };
  const workload = (kind: WorkloadKind) => (obj: Json) => {
    const w = toWorkload(kind, obj);
    if (w) add('workloads', w);
  };
  // What each kind of the table means to the engine: one reader per kind.
  const readers: Record<
    ResourceKindName,
    (obj: Json, file: string | undefined) => void
  > = {
    Namespace: obj =>
      add('namespaces', {
        name: obj.metadata.name,
        labels: stringMap(obj.metadata.labels),
      }),
    ServiceAccount: obj =>
      add('serviceAccounts', {
        namespace: obj.metadata.namespace ?? 'default',
        name: obj.metadata.name,
      }),
    Service: obj => add('services', toService(obj)),
    Pod: obj => {
      if (!isOwnedPod(obj)) workload('Pod')(obj);
    },
    // Mesh settings are read from every source at once, below.
    ConfigMap: () => undefined,
    Deployment: workload('Deployment'),
    StatefulSet: workload('StatefulSet'),
    DaemonSet: workload('DaemonSet'),
    PeerAuthentication: (obj, file) => {
      if (validated(obj, file, validatePeerAuthenticationSpec(obj.spec))) {
        add('peerAuthentications', toPeerAuthentication(obj));
      }
    },
    NetworkPolicy: obj => add('networkPolicies', readNetworkPolicy(obj)),
    AuthorizationPolicy: (obj, file) => {
      if (validated(obj, file, validateAuthorizationPolicySpec(obj.spec))) {
        add('authorizationPolicies', toAuthorizationPolicy(obj));
      }
    },
    DestinationRule: (obj, file) => {
      if (validated(obj, file, validateDestinationRuleSpec(obj.spec))) {
        add('destinationRules', toDestinationRule(obj));
      }
    },
    ServiceEntry: obj => add('serviceEntries', toServiceEntry(obj)),
    VirtualService: obj => add('virtualServices', toVirtualService(obj)),
    // Two kinds share the name: Istio's Gateway (ingress, egress) and Gateway API's
    // (ambient waypoints among them).
    Gateway: obj => {
      if (groupOf(obj.apiVersion) === 'networking.istio.io') {
        add('gateways', toGateway(obj));
      } else {
        add('kubernetesGateways', readGateway(obj));
      }
    },
    HTTPRoute: obj => add('gatewayRoutes', readGatewayRoute('HTTPRoute', obj)),
    GRPCRoute: obj => add('gatewayRoutes', readGatewayRoute('GRPCRoute', obj)),
    TLSRoute: obj => add('gatewayRoutes', readGatewayRoute('TLSRoute', obj)),
    TCPRoute: obj => add('gatewayRoutes', readGatewayRoute('TCPRoute', obj)),
    ReferenceGrant: obj => add('referenceGrants', readReferenceGrant(obj)),
    Sidecar: obj => add('sidecars', toSidecar(obj)),
    IstioOperator: () => undefined,
    // Read all at once with the mesh settings and roots, below.
    Certificate: () => undefined,
    Issuer: () => undefined,
    ClusterIssuer: () => undefined,
    // The loader follows these, and readMeshSettings reads istiod's values from them.
    Application: () => undefined,
    Kustomization: () => undefined,
    HelmRelease: () => undefined,
    GitRepository: () => undefined,
  };

  const flat = flatten(objects);
  const settings = readMeshSettings(flat);
  state.mesh = settings.mesh;
  for (const p of settings.problems) problem(p.object, p.file, p.message);
  const read = (object: unknown, file: string | undefined) => {
    if (!isObject(object) || typeof object.kind !== 'string') return;
    const obj = object;
    if (!isObject(obj.metadata) || typeof obj.metadata.name !== 'string') {
      if (groupOf(obj.apiVersion).endsWith('istio.io')) {
        problem(obj, file, 'metadata.name is required');
      }
      return;
    }
    const kind = findKind(obj.apiVersion, obj.kind);
    if (!kind) {
      const engine = otherNetworkEngine(obj);
      if (engine) {
        add('otherNetworkPolicies', {
          engine,
          cluster: name,
          kind: obj.kind,
          ...(obj.metadata.namespace
            ? { namespace: obj.metadata.namespace }
            : {}),
          name: obj.metadata.name,
        });
      }
      return;
    }
    if (!readsObject(kind, obj.metadata.namespace, obj.metadata.name)) {
      return;
    }
    readers[kind.kind](obj, file);
  };
  const { readings } = options;
  for (const { object, file } of flat) {
    const known = readings && isObject(object) && readings.get(object);
    if (known) {
      for (const [key, item] of known as Reading) add(key, item as never);
      continue;
    }
    reading = readings ? [] : undefined;
    read(object, file);
    if (readings && isObject(object)) readings.set(object, reading);
    reading = undefined;
  }
  if (options.parseCertificates) {
    const trust = readTrust(flat, settings.caCertificatePems, {
      parse: options.parseCertificates,
      problem,
    });
    if (trust) state.trust = trust;
  }
  if (options.trustDomain) {
    state.mesh = { ...state.mesh, trustDomain: options.trustDomain };
  }
  // Istio's order, not the files': the first VirtualService naming a host is the oldest.
  state.virtualServices?.sort(compareByCreation);
  state.certificates = readCertificates(
    flat,
    settings,
    state.mesh,
    state.trust,
  );
  return state;
}
