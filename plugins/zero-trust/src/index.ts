export { zeroTrustPlugin, ZeroTrustPage } from './plugin';
export { zeroTrustApiRef, ZeroTrustClient } from './api';
export type { ZeroTrustApi } from './api';
