/**
 * The zero-trust plugin for Backstage's new frontend system: the Security tab, the
 * overview card, the platform page and the API client as extensions.
 *
 * @packageDocumentation
 */
import { zeroTrustFrontendPlugin } from './alpha/plugin';

export {
  zeroTrustApi,
  zeroTrustEntityCard,
  zeroTrustEntityContent,
  zeroTrustPage,
} from './alpha/plugin';

/** @alpha */
export default zeroTrustFrontendPlugin;
