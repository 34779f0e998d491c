export { EntityZeroTrustContent } from './EntityZeroTrustContent';
