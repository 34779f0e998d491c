/**
 * Node.js helpers for the zero-trust engine: reading manifests from files and folders.
 *
 * @packageDocumentation
 */

export {
  ManifestError,
  loadClusterSnapshot,
  loadManifests,
  parseManifests,
} from './loadManifests';
export * from './gitops';
export { parseCertificates } from './certificates/parseCertificates';
export { isUserError } from './userErrors';
