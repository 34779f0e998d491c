export { CallersPicker, callerOptions } from './CallersPicker';
export { validateCallers } from './validation';
