import { isObject } from './fields';

/**
 * A pod a controller owns (an `ownerReferences` entry with `controller: true`) belongs
 * to a workload already read from its controller, so the suite skips it; a bare pod is
 * a workload of its own.
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/owners-dependents/
 *
 * @public
 */
export function isOwnedPod(object: unknown): boolean {
  const meta = isObject(object) ? object.metadata : undefined;
  const owners = isObject(meta) ? meta.ownerReferences : undefined;
  return (
    Array.isArray(owners) && owners.some(o => isObject(o) && !!o.controller)
  );
}
