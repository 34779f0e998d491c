import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import type {
  ClusterSyncState,
  EffectiveMtlsMode,
  MeshMode,
  Severity,
} from '@zero-trust/backstage-plugin-zero-trust-common';

/** A severity's name, as the findings show it. */
export const severityNames: Record<Severity, string> = {
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

/** A finding's severity as a coloured status. */
export function SeverityStatus(props: { severity: Severity }) {
  const label = severityNames[props.severity] ?? props.severity;
  switch (props.severity) {
    case 'high':
      return <StatusError>{label}</StatusError>;
    case 'medium':
      return <StatusWarning>{label}</StatusWarning>;
    default:
      return <StatusPending>{label}</StatusPending>;
  }
}

/** What each mTLS mode means for a caller, in a few words. */
export const mtlsMeaning: Record<EffectiveMtlsMode, string> = {
  STRICT: 'mTLS only: every caller must present a mesh certificate',
  PERMISSIVE: 'accepts mTLS and plaintext',
  DISABLE: 'plaintext only: mTLS is off',
};

/** An mTLS mode as a coloured status. */
export function MtlsStatus(props: { mode: EffectiveMtlsMode }) {
  switch (props.mode) {
    case 'STRICT':
      return <StatusOK>STRICT</StatusOK>;
    case 'PERMISSIVE':
      return <StatusWarning>PERMISSIVE</StatusWarning>;
    default:
      return <StatusError>{props.mode}</StatusError>;
  }
}

/** How a workload or namespace joins the mesh. */
export const meshModeNames: Record<MeshMode, string> = {
  sidecar: 'Sidecar',
  ambient: 'Ambient',
  none: 'Outside the mesh',
};

/** A mesh mode as a coloured status: outside the mesh is an error. */
export function MeshModeStatus(props: { mode: MeshMode; revision?: string }) {
  const label = `${meshModeNames[props.mode] ?? props.mode}${
    props.revision ? ` (revision ${props.revision})` : ''
  }`;
  return props.mode === 'none' ? (
    <StatusError>{label}</StatusError>
  ) : (
    <StatusOK>{label}</StatusOK>
  );
}

/** A cluster's sync state as a coloured status. */
export function SyncStatus(props: { state: ClusterSyncState }) {
  switch (props.state) {
    case 'synced':
      return <StatusOK>Synced</StatusOK>;
    case 'syncing':
      return <StatusPending>Syncing</StatusPending>;
    case 'stale':
      return <StatusWarning>Stale</StatusWarning>;
    default:
      return <StatusError>Failed</StatusError>;
  }
}
