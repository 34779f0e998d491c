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

export const zeroTrustPermissions = [zeroTrustMeshReadPermission];
