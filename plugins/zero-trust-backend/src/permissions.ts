import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Reading mesh-wide state: every cluster, namespace, identity and finding, and `check`
 * between any two workloads. An entity's own Security tab needs only that the catalog
 * lets the user see the entity.
 * @public
 */
export const zeroTrustMeshReadPermission = createPermission({
  name: 'zeroTrust.mesh.read',
  attributes: { action: 'read' },
});

/**
 * Reading every onboarding request (the platform view), including those for entities the
 * user may not see or the catalog no longer has. Without it, a user sees the requests
 * for entities the catalog lets them see.
 * @public
 */
export const zeroTrustRequestsReadAllPermission = createPermission({
  name: 'zeroTrust.requests.readAll',
  attributes: { action: 'read' },
});

export const zeroTrustPermissions = [
  zeroTrustMeshReadPermission,
  zeroTrustRequestsReadAllPermission,
];
