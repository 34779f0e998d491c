export { ApiErrorState } from './ApiErrorState';
export { CaveatsAlert } from './CaveatsAlert';
export { ClusterFreshness, sourceNames } from './ClusterFreshness';
export { FindingsTable } from './FindingsTable';
export {
  MeshModeStatus,
  MtlsStatus,
  SeverityStatus,
  SyncStatus,
  meshModeNames,
  mtlsMeaning,
} from './StatusLabels';
export {
  bySeverity,
  describeResource,
  isDestinationRuleConflict,
  workloadFindings,
  worstFinding,
} from './findings';
export { openCallers, plaintextExposure } from './exposure';
export {
  gatewayLabel,
  meshPathClientText,
  meshPathServerText,
  meshPathVerdict,
  reachText,
  routeLabel,
} from './edgeText';
export type { OpenCaller, PlaintextPort } from './exposure';
export {
  onboardFormData,
  promoteTemplate,
  tightenTemplate,
} from './onboardLink';
export { relativeTime } from './relativeTime';
export { useTemplateLink } from './useTemplateLink';
export { FilterSelect } from './FilterSelect';
export { CompactTable } from './CompactTable';
export type { CellClasses, CompactColumn } from './CompactTable';
export { TableLink } from './TableLink';
export { ExpiryCountdown } from './ExpiryCountdown';
export { MeshPathLines } from './MeshPathLines';
