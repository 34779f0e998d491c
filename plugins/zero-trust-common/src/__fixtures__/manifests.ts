/**
 * Builders for small Kubernetes and Istio manifests, as plain objects, for the
 * engine's table-driven tests. Each returns what `kubectl get -o yaml` would show
 * for the fields the engine reads, and nothing more.
 */
import { buildClusterState } from '../model/buildClusterState';
import { ClusterState } from '../model/types';
import { MeshModel } from '../engine/MeshModel';

/** A Kubernetes object as read from a manifest. */
export type K8sObject = Record<string, any>;

type Labels = Record<string, string>;

export function namespace(name: string, labels: Labels = {}): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export interface ContainerPortSpec {
  name?: string;
  port: number;
}

export interface WorkloadOptions {
  /** Pod template labels; default `{ app: NAME }`. */
  labels?: Labels;
  /** Pod template annotations. */
  annotations?: Labels;
  /** serviceAccountName; absent means Kubernetes' `default`. */
  sa?: string;
  /** Container ports, as numbers or `{ name, port }`. */
  ports?: (number | ContainerPortSpec)[];
  hostNetwork?: boolean;
}

function podSpec(options: WorkloadOptions) {
  const ports = (options.ports ?? []).map(p =>
    typeof p === 'number'
      ? { containerPort: p }
      : { containerPort: p.port, ...(p.name ? { name: p.name } : {}) },
  );
  return {
    ...(options.sa ? { serviceAccountName: options.sa } : {}),
    ...(options.hostNetwork ? { hostNetwork: true } : {}),
    containers: [{ name: 'app', image: 'example/app:1', ports }],
  };
}

function podMetadata(name: string, options: WorkloadOptions) {
  return {
    labels: options.labels ?? { app: name },
    ...(options.annotations ? { annotations: options.annotations } : {}),
  };
}

export function deployment(
  ns: string,
  name: string,
  options: WorkloadOptions = {},
): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: options.labels ?? { app: name } },
      template: {
        metadata: podMetadata(name, options),
        spec: podSpec(options),
      },
    },
  };
}

/** A bare Pod; with `owner` it carries a controller ownerReference. */
export function pod(
  ns: string,
  name: string,
  options: WorkloadOptions & { owner?: string } = {},
): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      ...podMetadata(name, options),
      ...(options.owner
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: options.owner,
                uid: 'uid-1',
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: podSpec(options),
  };
}

export interface ServicePortSpec {
  name?: string;
  port: number;
  targetPort?: number | string;
  appProtocol?: string;
  protocol?: string;
}

export interface ServiceOptions {
  /** Default `{ app: NAME }`. */
  selector?: Labels;
  ports?: ServicePortSpec[];
  /** The Service's own labels (`istio.io/use-waypoint`). */
  labels?: Labels;
}

export function service(
  ns: string,
  name: string,
  options: ServiceOptions = {},
): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: ns,
      ...(options.labels ? { labels: options.labels } : {}),
    },
    spec: {
      selector: options.selector ?? { app: name },
      ports: (options.ports ?? [{ name: 'http', port: 80 }]).map(p => ({
        ...p,
        protocol: p.protocol ?? 'TCP',
      })),
    },
  };
}

export interface PeerAuthenticationOptions {
  selector?: Labels;
  mode?: string;
  portLevelMtls?: Record<number, string | undefined>;
  creationTimestamp?: string;
}

export function peerAuthentication(
  ns: string,
  name: string,
  options: PeerAuthenticationOptions = {},
): K8sObject {
  const spec: K8sObject = {};
  if (options.selector) spec.selector = { matchLabels: options.selector };
  if (options.mode) spec.mtls = { mode: options.mode };
  if (options.portLevelMtls) {
    spec.portLevelMtls = Object.fromEntries(
      Object.entries(options.portLevelMtls).map(([port, mode]) => [
        port,
        mode ? { mode } : {},
      ]),
    );
  }
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: {
      name,
      namespace: ns,
      ...(options.creationTimestamp
        ? { creationTimestamp: options.creationTimestamp }
        : {}),
    },
    spec,
  };
}

export interface WaypointOptions {
  /** The Gateway's labels (`istio.io/waypoint-for`). */
  labels?: Labels;
  annotations?: Labels;
  /** The HBONE listener's `allowedRoutes.namespaces`. */
  allowedRoutes?: K8sObject;
  /** The status as istiod writes it; absent as in a GitOps repository. */
  status?: K8sObject;
  /** Default `istio-waypoint`. */
  gatewayClassName?: string;
}

/** A waypoint: a Gateway of class istio-waypoint, as `istioctl waypoint generate` writes it. */
export function waypointGateway(
  ns: string,
  name: string,
  options: WaypointOptions = {},
): K8sObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: {
      name,
      namespace: ns,
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.annotations ? { annotations: options.annotations } : {}),
    },
    spec: {
      gatewayClassName: options.gatewayClassName ?? 'istio-waypoint',
      listeners: [
        {
          name: 'mesh',
          port: 15008,
          protocol: 'HBONE',
          ...(options.allowedRoutes
            ? { allowedRoutes: { namespaces: options.allowedRoutes } }
            : {}),
        },
      ],
    },
    ...(options.status ? { status: options.status } : {}),
  };
}

export const ambient = { 'istio.io/dataplane-mode': 'ambient' };

/** An AuthorizationPolicy with the spec given as written in YAML. */
export function authorizationPolicy(
  ns: string,
  name: string,
  spec: K8sObject = {},
): K8sObject {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name, namespace: ns },
    spec,
  };
}

/** A DestinationRule with the spec given as written in YAML. */
export function destinationRule(
  ns: string,
  name: string,
  spec: K8sObject,
  creationTimestamp?: string,
): K8sObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: {
      name,
      namespace: ns,
      ...(creationTimestamp ? { creationTimestamp } : {}),
    },
    spec,
  };
}

/** A networking.istio.io object (ServiceEntry, VirtualService, Gateway, Sidecar) as written. */
export function networking(
  kind: 'ServiceEntry' | 'VirtualService' | 'Gateway' | 'Sidecar',
  ns: string,
  name: string,
  spec: K8sObject,
): K8sObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind,
    metadata: { name, namespace: ns },
    spec,
  };
}

/** The `istio` ConfigMap in istio-system holding the mesh config. */
export function meshConfigMap(
  trustDomain: string,
  aliases: string[] = [],
  extra: string = '',
): K8sObject {
  const lines = [`trustDomain: ${trustDomain}`];
  if (aliases.length) {
    lines.push('trustDomainAliases:', ...aliases.map(a => `  - ${a}`));
  }
  if (extra) lines.push(extra);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'istio', namespace: 'istio-system' },
    data: { mesh: `${lines.join('\n')}\n` },
  };
}

/** An IstioOperator giving istiod these environment variables (`spec.values.pilot.env`). */
export function istioOperator(env: Record<string, string>): K8sObject {
  return {
    apiVersion: 'install.istio.io/v1alpha1',
    kind: 'IstioOperator',
    metadata: { name: 'installed-state', namespace: 'istio-system' },
    spec: { values: { pilot: { env } } },
  };
}

/** istiod with PILOT_SKIP_VALIDATE_TRUST_DOMAIN: sidecars accept a peer of any trust domain. */
export const skipTrustDomainValidation = istioOperator({
  PILOT_SKIP_VALIDATE_TRUST_DOMAIN: 'true',
});

/** Labels for a namespace with sidecar injection on. */
export const injected = { 'istio-injection': 'enabled' };

/** A NetworkPolicy with the spec given as written in YAML. */
export function networkPolicy(
  ns: string,
  name: string,
  spec: K8sObject,
): K8sObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: ns },
    spec,
  };
}

/** One cluster's state from manifests. */
export function clusterState(name: string, ...objs: K8sObject[]): ClusterState {
  return buildClusterState(
    name,
    objs.map(object => ({ object })),
  );
}

/** A one-cluster model (`c1`) from manifests. */
export function model(...objs: K8sObject[]): MeshModel {
  return new MeshModel([clusterState('c1', ...objs)]);
}

/** A model of several clusters: `{ name: objects }`. */
export function multiClusterModel(clusters: Record<string, K8sObject[]>) {
  return new MeshModel(
    Object.entries(clusters).map(([name, objs]) => clusterState(name, ...objs)),
  );
}

/**
 * A sidecar-injected namespace holding one workload with a Service exposing `port`
 * (target port equal to the service port unless `targetPort` is given).
 */
export function meshApp(
  ns: string,
  name: string,
  options: WorkloadOptions & {
    servicePorts?: ServicePortSpec[];
  } = {},
): K8sObject[] {
  const servicePorts = options.servicePorts ?? [{ name: 'http', port: 8080 }];
  return [
    deployment(ns, name, {
      ...options,
      ports:
        options.ports ??
        servicePorts.map(p =>
          typeof p.targetPort === 'number' ? p.targetPort : p.port,
        ),
    }),
    service(ns, name, { selector: options.labels, ports: servicePorts }),
  ];
}
