export { workloadUsage, trafficTo, observedSourceLabel } from './workloadUsage';
export { compareUsageRanking, usageRanking } from './usageRanking';
export type { UsageRankingItem } from './usageRanking';
export type * from './types';
