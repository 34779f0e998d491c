export { zeroTrustApiRef } from './ZeroTrustApi';
export type { ZeroTrustApi } from './ZeroTrustApi';
export { ZeroTrustClient } from './ZeroTrustClient';
