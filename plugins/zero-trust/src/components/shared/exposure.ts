import type {
  EffectiveMtlsMode,
  ResolvedCaller,
  SecurityWorkload,
} from '@zero-trust/backstage-plugin-zero-trust-common';

/** A caller entry that opens the workload to more than named workloads. */
export interface OpenCaller {
  /** `anyone`: plaintext included; `authenticated`: any mesh identity; `wide`: a pattern over namespaces. */
  level: 'anyone' | 'authenticated' | 'wide';
  caller: ResolvedCaller;
}

/**
 * Whether a principal pattern (`prefix*` or `*suffix`, the only wildcards Istio allows
 * in principals) still pins one namespace. `cluster.local/ns/shop/*` does;
 * `cluster.local/ns/*` and `*sa/frontend` do not.
 */
function pinsNamespace(pattern: string): boolean {
  if (pattern.endsWith('*')) {
    return /^[^/]+\/ns\/[^/*]+\//.test(pattern.slice(0, -1));
  }
  return /\/ns\/[^/*]+\/sa\/[^/*]+$/.test(pattern.slice(1));
}

/** The caller entries that make the workload open to everyone or to a wide group. */
export function openCallers(workload: SecurityWorkload): OpenCaller[] {
  const out: OpenCaller[] = [];
  for (const caller of workload.allowedCallers) {
    const { source } = caller;
    if (source.kind === 'anyone') out.push({ level: 'anyone', caller });
    else if (source.kind === 'authenticated') {
      out.push({ level: 'authenticated', caller });
    } else if (source.kind === 'namespacePattern') {
      out.push({ level: 'wide', caller });
    } else if (
      source.kind === 'principalPattern' &&
      !pinsNamespace(source.pattern)
    ) {
      out.push({ level: 'wide', caller });
    }
  }
  return out;
}

/** A port (or, with no port, the whole workload) that accepts plaintext. */
export interface PlaintextPort {
  port?: number;
  mode: Exclude<EffectiveMtlsMode, 'STRICT'>;
  decidedBy?: string;
}

/**
 * Where the workload accepts plaintext. Outside the mesh every port does (no proxy
 * terminates mTLS). In the mesh, each port's mode is its port-level override, else the
 * workload's mode (https://istio.io/latest/docs/reference/config/security/peer_authentication/).
 */
export function plaintextExposure(workload: SecurityWorkload): {
  outsideMesh: boolean;
  ports: PlaintextPort[];
} {
  if (workload.meshMode === 'none') return { outsideMesh: true, ports: [] };
  const { mtls } = workload;
  const overrides = new Map(mtls.ports.map(p => [p.port, p]));
  const ports = [
    ...new Set([...workload.ports.map(p => p.port), ...overrides.keys()]),
  ].sort((a, b) => a - b);
  const modes: PlaintextPort[] = ports.length
    ? ports.map(port => {
        const override = overrides.get(port);
        return {
          port,
          mode: (override?.mode ?? mtls.mode) as PlaintextPort['mode'],
          decidedBy: override ? override.decidedBy : mtls.decidedBy,
        };
      })
    : [{ mode: mtls.mode as PlaintextPort['mode'], decidedBy: mtls.decidedBy }];
  return {
    outsideMesh: false,
    ports: modes.filter(p => (p.mode as string) !== 'STRICT'),
  };
}
