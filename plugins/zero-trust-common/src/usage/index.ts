export { workloadUsage, trafficTo, observedSourceLabel } from './workloadUsage';
export type * from './types';
