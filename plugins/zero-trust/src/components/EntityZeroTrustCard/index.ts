export { EntityZeroTrustCard } from './EntityZeroTrustCard';
