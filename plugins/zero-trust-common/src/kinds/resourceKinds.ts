import {
  Json,
  creationTimestamp,
  isObject,
  istioAnnotations,
  pick,
  podMetadata,
  podSpec,
  stringMap,
} from './fields';
import { isOwnedPod } from './ownedPod';

/**
 * What an answer may get wrong when the live source cannot read a resource: its name in
 * a sentence, and the effect (`api/caveats.ts` builds the sentence).
 *
 * @public
 */
export interface KindCaveat {
  /** e.g. `DestinationRules`. */
  label: string;
  /** e.g. `mTLS shown as auto mTLS may be wrong`. */
  effect: string;
}

/** One object of a kind read by name: in `namespace`, or in every namespace. @public */
export interface ObjectName {
  namespace?: string;
  name: string;
  /** Its own caveat, where the kind names several objects that decide different things. */
  caveat?: KindCaveat;
}

/**
 * A kind the suite reads: where the API server serves it, and which of its fields the
 * engine needs. Its meaning (what the engine makes of it) lives in the model's loader.
 *
 * @public
 */
export interface ResourceKind<K extends string = string> {
  /** `''` for the core group. */
  group: string;
  /** Tried in order: Istio's kinds fall back to v1beta1 where v1 is not served. */
  versions: string[];
  kind: K;
  plural: string;
  namespaced: boolean;
  /** RBAC's spelling, as `deploy/rbac.yaml` and `degraded` name it: `pods`, `deployments.apps`. */
  id: string;
  /** Served by a CustomResourceDefinition: a cluster without it does not serve the kind. */
  custom: boolean;
  /**
   * Only these objects are read (and granted): RBAC's `resourceNames`, one field
   * selector each (a selector names one object, so each is listed on its own).
   */
  only?: ObjectName[];
  /**
   * `false`: read from manifests only (GitOps repositories, snapshots); the live source
   * does not list it and `deploy/rbac.yaml` does not grant it.
   */
  watched?: false;
  /**
   * What an answer may get wrong without it: every watched kind has one (a test checks
   * it), the live caveats and the UI say it.
   */
  caveat?: KindCaveat;
  /**
   * Served only where optional software is installed (cert-manager): a cluster that does
   * not serve it lacks nothing, so the live source reads it as empty, not degraded.
   */
  optional?: true;
  /**
   * The fields kept besides `apiVersion`, `kind` and `metadata.name`/`namespace`
   * (`metadata` here is merged into those), so a cluster of 10k workloads fits in little
   * memory. Undefined: the object is not read at all (a pod a controller owns).
   */
  keep(object: Json): Json | undefined;
}

const core = <K extends string>(
  kind: K,
  plural: string,
  keep: ResourceKind['keep'],
  options: {
    namespaced?: boolean;
    only?: ObjectName[];
    caveat?: KindCaveat;
  } = {},
): ResourceKind<K> => ({
  group: '',
  versions: ['v1'],
  kind,
  plural,
  namespaced: options.namespaced ?? true,
  id: plural,
  custom: false,
  ...(options.only ? { only: options.only } : {}),
  ...(options.caveat ? { caveat: options.caveat } : {}),
  keep,
});

const apps = <K extends string>(
  kind: K,
  plural: string,
  keep: ResourceKind['keep'],
  caveat?: KindCaveat,
): ResourceKind<K> => ({
  group: 'apps',
  versions: ['v1'],
  kind,
  plural,
  namespaced: true,
  id: `${plural}.apps`,
  custom: false,
  ...(caveat ? { caveat } : {}),
  keep,
});

const istio = <K extends string>(
  group: string,
  kind: K,
  plural: string,
  caveat?: KindCaveat,
): ResourceKind<K> => ({
  group,
  // v1 since Istio 1.22; v1beta1 for older control planes.
  versions: ['v1', 'v1beta1'],
  kind,
  plural,
  namespaced: true,
  id: `${plural}.${group}`,
  custom: true,
  ...(caveat ? { caveat } : {}),
  keep: keepIstioSpec,
});

const workloadsCaveat = (label: string): KindCaveat => ({
  label,
  effect: 'workloads may be missing or out of date',
});

const spec = (object: Json): Json => (isObject(object.spec) ? object.spec : {});

/**
 * The oldest PeerAuthentication or DestinationRule wins a tie, so the creation time
 * matters; Istio's own annotations (`istio.io/dry-run` on an AuthorizationPolicy) change
 * what a policy does; the spec is kept whole for the CRD schema checks.
 */
function keepIstioSpec(object: Json): Json {
  const annotations = istioAnnotations(object.metadata.annotations);
  return {
    metadata: {
      ...creationTimestamp(object.metadata),
      ...(annotations ? { annotations } : {}),
    },
    ...(object.spec !== undefined ? { spec: object.spec } : {}),
  };
}

function keepWorkload(object: Json): Json {
  const template: Json = isObject(spec(object).template)
    ? spec(object).template
    : {};
  return {
    spec: {
      template: {
        metadata: podMetadata(template.metadata),
        spec: podSpec(template.spec),
      },
    },
  };
}

/**
 * istiod's environment (values.pilot.env), as an IstioOperator in the GitOps repository
 * sets it. Not watched: since Istio 1.24 `istioctl install` keeps no IstioOperator in
 * the cluster nor installs its CRD (istio/istio releasenotes/notes/drop-iop.yaml).
 */
const istioOperator: ResourceKind<'IstioOperator'> = {
  group: 'install.istio.io',
  versions: ['v1alpha1'],
  kind: 'IstioOperator',
  plural: 'istiooperators',
  namespaced: true,
  id: 'istiooperators.install.istio.io',
  custom: true,
  watched: false,
  keep: object => {
    const env = object.spec?.values?.pilot?.env;
    return isObject(env) ? { spec: { values: { pilot: { env } } } } : {};
  },
};

/**
 * Kubernetes NetworkPolicies, the second layer under Istio's
 * (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/).
 */
const networkPolicy: ResourceKind<'NetworkPolicy'> = {
  group: 'networking.k8s.io',
  versions: ['v1'],
  kind: 'NetworkPolicy',
  plural: 'networkpolicies',
  namespaced: true,
  id: 'networkpolicies.networking.k8s.io',
  custom: false,
  caveat: {
    label: 'NetworkPolicies',
    effect:
      'calls shown as allowed may be dropped by the network, and NetworkPolicy findings may be missing',
  },
  keep: object => ({
    spec: pick(spec(object), [
      'podSelector',
      'policyTypes',
      'ingress',
      'egress',
    ]),
  }),
};

/** The Ready condition of a status, as cert-manager writes it. */
function readyCondition(status: unknown): Json {
  const conditions = isObject(status) && Array.isArray(status.conditions);
  const ready = conditions
    ? (status as Json).conditions.find(
        (c: unknown) => isObject(c) && c.type === 'Ready',
      )
    : undefined;
  return ready
    ? { conditions: [pick(ready, ['type', 'status', 'reason', 'message'])] }
    : {};
}

/** The issuer types cert-manager knows; only the type is kept, never its settings. */
const issuerTypes = ['selfSigned', 'ca', 'vault', 'acme', 'venafi'];

/**
 * cert-manager's kinds (https://cert-manager.io/docs/reference/api-docs/): where a
 * plugged-in CA's certificate comes from and when it renews. Optional: most clusters
 * have no cert-manager.
 */
const certManager = <K extends string>(
  kind: K,
  plural: string,
  namespaced: boolean,
  keep: ResourceKind['keep'],
  caveat: KindCaveat,
): ResourceKind<K> => ({
  group: 'cert-manager.io',
  versions: ['v1'],
  kind,
  plural,
  namespaced,
  id: `${plural}.cert-manager.io`,
  custom: true,
  optional: true,
  caveat,
  keep,
});

const keepIssuer = (object: Json): Json => ({
  spec: Object.fromEntries(
    issuerTypes.filter(t => spec(object)[t] !== undefined).map(t => [t, {}]),
  ),
  status: readyCondition(object.status),
});

/** A Service's `istio.io/` labels (`istio.io/use-waypoint`), under `metadata`. */
function istioLabels(value: unknown): Json {
  const labels = istioAnnotations(value);
  return labels ? { metadata: { labels } } : {};
}

/**
 * Gateway API Gateways: the engine reads the ambient waypoints among them (class
 * `istio-waypoint`) and Istio's ingress gateways (class `istio`), with the status istiod sets once the waypoint is ready
 * (WaypointsCollection in pilot/pkg/serviceregistry/ambient/waypoints.go reads
 * `status.addresses`).
 */
const gateway: ResourceKind<'Gateway'> = {
  group: 'gateway.networking.k8s.io',
  versions: ['v1', 'v1beta1'],
  kind: 'Gateway',
  plural: 'gateways',
  namespaced: true,
  id: 'gateways.gateway.networking.k8s.io',
  custom: true,
  // Gateway API's CRDs are not part of Kubernetes: a cluster without them (sidecar mode,
  // no Gateway API) has no waypoint and lacks nothing. Ambient waypoints need them
  // (https://istio.io/latest/docs/ambient/getting-started/deploy-sample-app/).
  optional: true,
  caveat: {
    label: 'Gateways',
    effect:
      'ambient waypoints and ingress gateways may be missing: answers may skip a waypoint and the policies bound to it, and exposure may be missing',
  },
  keep: object => {
    const labels = stringMap(object.metadata.labels);
    const annotations = istioAnnotations(object.metadata.annotations);
    const status = isObject(object.status)
      ? { status: pick(object.status, ['addresses', 'conditions']) }
      : {};
    return {
      metadata: {
        ...(labels ? { labels } : {}),
        ...(annotations ? { annotations } : {}),
      },
      spec: pick(spec(object), ['gatewayClassName', 'listeners']),
      ...status,
    };
  },
};

/**
 * Gateway API's route kinds and ReferenceGrant: which Services an ingress Gateway of
 * class `istio` routes to (istiod converts them to VirtualServices:
 * pilot/pkg/config/kube/gateway/route_collections.go). Optional, as Gateway API's CRDs
 * are; versions as istiod reads them (pkg/config/schema/gvk/resources.gen.go).
 */
const gatewayApiKind = <K extends string>(
  kind: K,
  plural: string,
  versions: string[],
  keep: string[],
  caveat: KindCaveat,
): ResourceKind<K> => ({
  group: 'gateway.networking.k8s.io',
  versions,
  kind,
  plural,
  namespaced: true,
  id: `${plural}.gateway.networking.k8s.io`,
  custom: true,
  optional: true,
  caveat,
  keep: object => ({ spec: pick(spec(object), keep) }),
});

const routeCaveat = (label: string): KindCaveat => ({
  label,
  effect: 'exposure through Gateway API gateways may be missing',
});

/**
 * A GitOps controller's object, read from repositories only (the loader follows it, the
 * mesh settings read istiod's values from it), never listed in a live cluster.
 */
const gitops = <K extends string>(
  group: string,
  versions: string[],
  kind: K,
  plural: string,
): ResourceKind<K> => ({
  group,
  versions,
  kind,
  plural,
  namespaced: true,
  id: `${plural}.${group}`,
  custom: true,
  watched: false,
  keep: object => (object.spec !== undefined ? { spec: object.spec } : {}),
});

/**
 * Every kind the suite reads, and only those: never Secrets, and of the ConfigMaps only
 * Istio's mesh config and its published root certificates. The live source lists and watches exactly the watched ones,
 * `deploy/rbac.yaml` grants exactly those, and the loader ignores every other kind.
 *
 * @public
 */
export const resourceKinds = [
  core(
    'Namespace',
    'namespaces',
    object => {
      const labels = stringMap(object.metadata.labels);
      return labels ? { metadata: { labels } } : {};
    },
    {
      namespaced: false,
      caveat: {
        label: 'Namespaces',
        effect: 'mesh membership from namespace labels may be wrong',
      },
    },
  ),
  core('ServiceAccount', 'serviceaccounts', () => ({}), {
    caveat: {
      label: 'ServiceAccounts',
      effect:
        'findings about principals that name no service account may be wrong',
    },
  }),
  core(
    'Service',
    'services',
    object => ({
      ...istioLabels(object.metadata.labels),
      spec: {
        // type and externalIPs: whether a gateway's Service is reachable from outside.
        ...pick(spec(object), ['selector', 'type', 'externalIPs']),
        ports: (Array.isArray(spec(object).ports) ? spec(object).ports : [])
          .filter(isObject)
          .map((p: Json) =>
            pick(p, ['name', 'port', 'targetPort', 'appProtocol', 'protocol']),
          ),
      },
    }),
    {
      caveat: {
        label: 'Services',
        effect:
          'port protocols (HTTP or TCP), Service references and which gateways are reachable from outside may be wrong',
      },
    },
  ),
  core(
    'Pod',
    'pods',
    object =>
      isOwnedPod(object)
        ? undefined
        : {
            metadata: podMetadata(object.metadata),
            spec: podSpec(object.spec),
          },
    {
      caveat: {
        label: 'Pods',
        effect: 'pods no controller owns may be missing',
      },
    },
  ),
  core(
    'ConfigMap',
    'configmaps',
    object => ({
      data: isObject(object.data)
        ? pick(object.data, ['mesh', 'root-cert.pem'])
        : {},
    }),
    {
      only: [
        // Istio's mesh config, in its control plane namespace.
        {
          namespace: 'istio-system',
          name: 'istio',
          caveat: {
            label: 'The mesh config (ConfigMap istio-system/istio)',
            effect: 'the trust domain, and so every SPIFFE ID, may be wrong',
          },
        },
        // The root certificates istiod publishes in every namespace: public, unlike
        // the CA's keys in the `cacerts` Secret, which are never read.
        {
          name: 'istio-ca-root-cert',
          caveat: {
            label: 'The root certificates (ConfigMaps istio-ca-root-cert)',
            effect: 'trust between clusters is assumed, and may be wrong',
          },
        },
      ],
    },
  ),
  apps(
    'Deployment',
    'deployments',
    keepWorkload,
    workloadsCaveat('Deployments'),
  ),
  apps(
    'StatefulSet',
    'statefulsets',
    keepWorkload,
    workloadsCaveat('StatefulSets'),
  ),
  apps('DaemonSet', 'daemonsets', keepWorkload, workloadsCaveat('DaemonSets')),
  istio('security.istio.io', 'PeerAuthentication', 'peerauthentications', {
    label: 'PeerAuthentications',
    effect: 'mTLS modes may be wrong',
  }),
  istio('security.istio.io', 'AuthorizationPolicy', 'authorizationpolicies', {
    label: 'AuthorizationPolicies',
    effect: 'allowed callers and access decisions may be wrong',
  }),
  istio('networking.istio.io', 'DestinationRule', 'destinationrules', {
    label: 'DestinationRules',
    effect: 'mTLS shown as auto mTLS may be wrong',
  }),
  // The mesh's edges and routes: external hosts, routes, ingress, what sidecars reach.
  {
    ...istio('networking.istio.io', 'ServiceEntry', 'serviceentries', {
      label: 'ServiceEntries',
      effect:
        'the external hosts shown as registered, and the waypoints and policies on the way to them, may be wrong',
    }),
    // Its istio.io/use-waypoint labels send its hosts' traffic through a waypoint.
    keep: (object: Json) => {
      const kept = keepIstioSpec(object);
      const labels = istioAnnotations(object.metadata.labels);
      return labels
        ? { ...kept, metadata: { ...kept.metadata, labels } }
        : kept;
    },
  },
  istio('networking.istio.io', 'VirtualService', 'virtualservices', {
    label: 'VirtualServices',
    effect: 'routes, timeouts, retries and exposure may be wrong',
  }),
  istio('networking.istio.io', 'Gateway', 'gateways', {
    label: 'Gateways',
    effect: 'exposure through gateways may be wrong',
  }),
  istio('networking.istio.io', 'Sidecar', 'sidecars', {
    label: 'Sidecars',
    effect: 'the outbound traffic policy and egress shown may be wrong',
  }),
  networkPolicy,
  certManager(
    'Certificate',
    'certificates',
    true,
    object => ({
      spec: pick(spec(object), [
        'secretName',
        'duration',
        'renewBefore',
        'isCA',
        'commonName',
        'subject',
        'issuerRef',
      ]),
      status: {
        ...(isObject(object.status)
          ? pick(object.status, ['notBefore', 'notAfter', 'renewalTime'])
          : {}),
        ...readyCondition(object.status),
      },
    }),
    {
      label: 'cert-manager Certificates',
      effect: 'the CA shown and its renewal may be wrong',
    },
  ),
  certManager('Issuer', 'issuers', true, keepIssuer, {
    label: 'cert-manager Issuers',
    effect: 'the issuers shown may be missing',
  }),
  certManager('ClusterIssuer', 'clusterissuers', false, keepIssuer, {
    label: 'cert-manager ClusterIssuers',
    effect: 'the issuers shown may be missing',
  }),

  gateway,
  gatewayApiKind(
    'HTTPRoute',
    'httproutes',
    ['v1', 'v1beta1'],
    ['parentRefs', 'hostnames', 'rules'],
    routeCaveat('HTTPRoutes'),
  ),
  gatewayApiKind(
    'GRPCRoute',
    'grpcroutes',
    ['v1', 'v1alpha2'],
    ['parentRefs', 'hostnames', 'rules'],
    routeCaveat('GRPCRoutes'),
  ),
  gatewayApiKind(
    'TLSRoute',
    'tlsroutes',
    ['v1', 'v1alpha2'],
    ['parentRefs', 'hostnames', 'rules'],
    routeCaveat('TLSRoutes'),
  ),
  // No hostnames: a TCPRoute takes a listener's connections whatever the host. v1 from
  // Gateway API v1.6 (standard channel), v1alpha2 before (experimental channel only: a
  // cluster may well not serve it).
  gatewayApiKind(
    'TCPRoute',
    'tcproutes',
    ['v1', 'v1alpha2'],
    ['parentRefs', 'rules'],
    routeCaveat('TCPRoutes'),
  ),
  gatewayApiKind(
    'ReferenceGrant',
    'referencegrants',
    ['v1', 'v1beta1'],
    ['from', 'to'],
    {
      label: 'ReferenceGrants',
      effect:
        'exposure through routes to Services of another namespace may be missing',
    },
  ),
  istioOperator,
  // Argo CD: https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/
  gitops('argoproj.io', ['v1alpha1'], 'Application', 'applications'),
  // Flux: https://fluxcd.io/flux/components/
  gitops(
    'kustomize.toolkit.fluxcd.io',
    ['v1', 'v1beta2'],
    'Kustomization',
    'kustomizations',
  ),
  gitops(
    'helm.toolkit.fluxcd.io',
    ['v2', 'v2beta2', 'v2beta1'],
    'HelmRelease',
    'helmreleases',
  ),
  gitops(
    'source.toolkit.fluxcd.io',
    ['v1', 'v1beta2'],
    'GitRepository',
    'gitrepositories',
  ),
];

/** The name of a kind in the table: `'Pod'`, `'DestinationRule'`. @public */
export type ResourceKindName = (typeof resourceKinds)[number]['kind'];
