/**
 * The zero-trust backend plugin.
 *
 * @packageDocumentation
 */
export { zeroTrustPlugin as default } from './plugin';
