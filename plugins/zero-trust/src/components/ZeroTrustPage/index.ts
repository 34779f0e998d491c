export { ZeroTrustPage } from './ZeroTrustPage';
