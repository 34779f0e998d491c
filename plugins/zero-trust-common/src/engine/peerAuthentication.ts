import { selectorMatches } from '../model/labels';
import {
  MeshConfig,
  MtlsMode,
  PeerAuthenticationInfo,
  WorkloadInfo,
} from '../model/types';

/** The server side's mTLS mode on one port. @public */
export type EffectiveMtlsMode = Exclude<MtlsMode, 'UNSET'>;

/** @public */
export interface EffectiveMtls {
  /** The workload-wide mode. */
  mode: EffectiveMtlsMode;
  /** `NAMESPACE/NAME` of the PeerAuthentication that set it; absent for Istio's default. */
  decidedBy?: string;
  /** Target port → mode, where a workload policy's portLevelMtls overrides it. */
  ports: Record<number, { mode: EffectiveMtlsMode; decidedBy: string }>;
}

/** The PeerAuthentications that apply to a workload, grouped by scope. @public */
export interface PeerAuthenticationScopes {
  mesh?: PeerAuthenticationInfo;
  namespace?: PeerAuthenticationInfo;
  workload?: PeerAuthenticationInfo;
}

function isOlder(
  a: PeerAuthenticationInfo,
  b: PeerAuthenticationInfo,
): boolean {
  const ta = a.creationTimestamp ?? '';
  const tb = b.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb;
  // Istio sorts configs of equal age by name, then namespace.
  return a.name !== b.name ? a.name < b.name : a.namespace < b.namespace;
}

function hasSelector(pa: PeerAuthenticationInfo): boolean {
  return pa.selector !== undefined && Object.keys(pa.selector).length > 0;
}

/**
 * Picks the mesh, namespace and workload policy as ComposePeerAuthentication does
 * (pilot/pkg/security/authn/policy_applier.go): a policy without a selector is
 * mesh-wide in the root namespace and namespace-wide elsewhere; a selector policy in
 * the root namespace is ignored; within a scope the oldest policy wins.
 *
 * @public
 */
export function peerAuthenticationScopes(
  mesh: MeshConfig,
  workload: WorkloadInfo,
  policies: PeerAuthenticationInfo[],
): PeerAuthenticationScopes {
  const scopes: PeerAuthenticationScopes = {};
  const keep = (
    scope: keyof PeerAuthenticationScopes,
    pa: PeerAuthenticationInfo,
  ) => {
    const current = scopes[scope];
    if (!current || isOlder(pa, current)) scopes[scope] = pa;
  };
  for (const pa of policies) {
    if (!hasSelector(pa)) {
      if (pa.namespace === mesh.rootNamespace) keep('mesh', pa);
      else if (pa.namespace === workload.namespace) keep('namespace', pa);
    } else if (
      pa.namespace === workload.namespace &&
      pa.namespace !== mesh.rootNamespace &&
      selectorMatches(pa.selector, workload.labels)
    ) {
      keep('workload', pa);
    }
  }
  return scopes;
}

const ref = (pa: PeerAuthenticationInfo) => `${pa.namespace}/${pa.name}`;

/**
 * The effective server-side mTLS: mesh, then namespace, then workload, each UNSET
 * inheriting from the one above; Istio's default with no policy is PERMISSIVE.
 * Port-level settings apply only from a workload policy and name target ports
 * (https://istio.io/latest/docs/reference/config/security/peer_authentication/).
 *
 * @public
 */
export function effectiveMtls(scopes: PeerAuthenticationScopes): EffectiveMtls {
  let mode: EffectiveMtlsMode = 'PERMISSIVE';
  let decidedBy: string | undefined;
  for (const pa of [scopes.mesh, scopes.namespace, scopes.workload]) {
    if (pa && pa.mode !== 'UNSET') {
      mode = pa.mode;
      decidedBy = ref(pa);
    }
  }
  const ports: EffectiveMtls['ports'] = {};
  const workloadPolicy = scopes.workload;
  if (workloadPolicy) {
    for (const [port, portMode] of Object.entries(
      workloadPolicy.portLevelMtls,
    )) {
      ports[Number(port)] = {
        mode: portMode === 'UNSET' ? mode : portMode,
        decidedBy: ref(workloadPolicy),
      };
    }
  }
  return { mode, ...(decidedBy ? { decidedBy } : {}), ports };
}

/** The mode on one target port. @public */
export function mtlsOnPort(
  mtls: EffectiveMtls,
  port: number,
): EffectiveMtlsMode {
  return mtls.ports[port]?.mode ?? mtls.mode;
}
