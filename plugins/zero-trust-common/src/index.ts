/**
 * The zero-trust engine: Istio's identity, mTLS and authorization semantics over a
 * normalized cluster state, the findings catalogue, and the report types the CLI and
 * the backend's API share. Pure and isomorphic; it reads no files.
 *
 * @packageDocumentation
 */

export * from './model/types';
export * from './kinds';
export * from './catalog';
export * from './gitops';
export {
  LabelSelectorError,
  labelSelectorMatches,
  parseLabelSelector,
} from './model/labelSelector';
export type { ParsedLabelSelector } from './model/labelSelector';
export { formatSelector } from './model/labels';
export { malformedYaml } from './model/malformedYaml';
export {
  buildClusterState,
  defaultMeshConfig,
  dryRunAnnotation,
  isDryRunMetadata,
} from './model/buildClusterState';
export type {
  SourcedObject,
  BuildClusterStateOptions,
  ClusterStateReadings,
} from './model/buildClusterState';
export { readMeshSettings, parseGoBool } from './model/meshSettings';
export type { MeshSettingsResult } from './model/meshSettings';
export { principalOf, spiffeIdOf, parsePrincipal } from './engine/identity';
export type { ParsedPrincipal } from './engine/identity';
export { isGatewayWorkload, meshMembership } from './engine/membership';
export type { MeshMode, Membership } from './engine/membership';
export type {
  Decision,
  AdmittingRule,
  AuthzOutcome,
} from './engine/authorization';
export type {
  EffectiveMtls,
  EffectiveMtlsMode,
} from './engine/peerAuthentication';
export type { PortProtocol, WorkloadPort } from './engine/ports';
export {
  MeshModel,
  WorkloadModel,
  ClusterModel,
  UnknownReferenceError,
} from './engine/MeshModel';
export { evaluateAccess } from './engine/access';
export type {
  Caller,
  Access,
  NetworkAccess,
  PortAccess,
  RequestAttributes,
  WaypointRoute,
} from './engine/access';
export { policyEnforcement, waypointUses } from './engine/enforcement';
export type { PolicyEnforcement, WaypointUse } from './engine/enforcement';
export { waypointClass } from './engine/waypoints';
export type {
  Waypoint,
  WaypointBinding,
  WaypointProblem,
  WaypointTraffic,
} from './engine/waypoints';
export { readNetworkPolicy } from './model/readNetworkPolicy';
export { rootCertConfigMap, subjectLine } from './model/trustBundles';
export { formatDuration, parseGoDuration } from './model/goDuration';
export type { CertificateParser } from './model/trustBundles';
export {
  peerTrust,
  trustBetween,
  trustDomainAcceptance,
  untrustedReason,
} from './engine/trust';
export type {
  PeerTrust,
  TrustDomainAcceptance,
  TrustEdge,
  TrustVia,
} from './engine/trust';
export {
  certificateExpiry,
  expiryThresholdDays,
} from './engine/certificateExpiry';
export type {
  CertificateExpiry,
  ExpiryLevel,
} from './engine/certificateExpiry';
export { certificateView } from './report/certificateView';
export {
  isTrustFinding,
  trustFindingCodes,
  trustView,
} from './report/trustView';
export type { TrustCluster, TrustView } from './report/trustView';
export type {
  CertificateLink,
  WorkloadCertificateView,
} from './report/certificateView';
export { networkVerdict } from './engine/networkPolicy';
export { egressFor, sidecarFor } from './engine/egress';
export type {
  EgressAuthorization,
  EgressHost,
  EgressView,
  OutboundTrafficPolicy,
} from './engine/egress';
export type { EgressDecision } from './engine/egressWaypoints';
export type { TlsOrigination } from './engine/egressTls';
export {
  istioDefaultRetries,
  retriesAfterReached,
  routesFor,
} from './engine/routes';
export type { RouteView } from './engine/routes';
export { exposureOf } from './engine/exposure';
export type { ExposureView } from './engine/exposure';
export type { GatewayReach } from './engine/gatewayReach';
export { meshPaths } from './engine/meshPaths';
export type { MeshPath } from './engine/meshPaths';
export type { NetworkVerdict } from './engine/networkPolicy';
export { check, parseCaller } from './engine/check';
export type { CheckQuery, CheckResult, ServiceWorkloads } from './engine/check';
export { closestNames, resolveReference } from './engine/references';
export type { ResolvedReference } from './engine/references';
export { allowedCallers, callerCovers, sourceKey } from './engine/callers';
export type {
  AllowedCaller,
  ObservedPeer,
  CallerSource,
  CallerAnalysis,
  DenyException,
  Narrowing,
  NetworkBlockedCaller,
  UntrustedCaller,
} from './engine/callers';
export * from './usage';
export {
  analyze,
  clusterSummaries,
  sortFindings,
  mergeSortedFindings,
  mergeFindings,
  mergeFindingChanges,
  sortedStrictly,
  workloadView,
} from './report/analyze';
export type {
  AnalyzeReport,
  ClusterSummary,
  MergedFindings,
  DryRunView,
  WorkloadView,
  WorkloadMtls,
} from './report/analyze';
export {
  namespacePostures,
  findingNamespace,
  findingWorkloads,
} from './report/posture';
export { edgeInventories } from './report/inventory';
export type {
  AnyHostEgress,
  EdgeInventories,
  EgressCaller,
  EgressInventoryItem,
  ExposureInventoryItem,
} from './report/inventory';
export { workloadEdges } from './engine/workloadEdges';
export type { WorkloadEdges } from './engine/workloadEdges';
export { diffReports } from './report/diff';
export type { DiffReport, WorkloadDiff, CallerChange } from './report/diff';
export { detectFindings } from './findings/detect';
export { IncrementalFindings } from './findings/IncrementalFindings';
export type { SortedFindings } from './findings/IncrementalFindings';
export type { Finding, FindingOptions } from './findings/detect';
export { usageFindings } from './findings/usageFindings';
export type { UsageFindingOptions } from './findings/usageFindings';
export * from './findings/catalogue';
export { docsSite } from './findings/docsSite';
export { diffToMarkdown, escapeMarkdown } from './report/markdown';
export type * from './api/types';
export { clusterCaveat, resourceCaveatText } from './api/caveats';
export type { ClusterCaveat, ResourceCaveat } from './api/caveats';
export type * from './api/platform';
export * from './onboarding';
export * from './tighten';
export type * from './api/requests';
