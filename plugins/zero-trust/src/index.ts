/**
 * The zero-trust frontend plugin: the entity page's Security tab and overview card, and
 * the platform page.
 *
 * @packageDocumentation
 */
export {
  zeroTrustPlugin,
  ZeroTrustPage,
  EntityZeroTrustContent,
  EntityZeroTrustCard,
} from './plugin';
export { isZeroTrustAvailable } from './conditions';
export { zeroTrustApiRef, ZeroTrustClient } from './api';
export type { ZeroTrustApi } from './api';
export * from './scaffolder';
