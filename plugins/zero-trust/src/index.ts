export { zeroTrustPlugin, ZeroTrustPage } from './plugin';
