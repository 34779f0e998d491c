export { planTightening } from './planTightening';
export type {
  KeptCaller,
  PolicyTightening,
  TighteningPlan,
  UntouchedRule,
} from './planTightening';
