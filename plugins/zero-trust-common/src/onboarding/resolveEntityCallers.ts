import { OnboardingRequestError } from './OnboardingRequestError';
import type { OnboardingCaller, OnboardingRequest } from './types';

/**
 * A mesh identity and the catalog entities whose workloads run as it: the part of the
 * backend's `MeshIdentity` (`GET /identities`) that resolving callers reads.
 * @public
 */
export interface EntityIdentity {
  /** `TRUST_DOMAIN/ns/NS/sa/SA`, as AuthorizationPolicy `principals` name it. */
  principal: string;
  /** Catalog entities whose workloads run as it. */
  entityRefs: string[];
}

/** Catalog refs compare case-insensitively; `kind:name` means the default namespace. */
function refKey(ref: string): string {
  const key = ref.trim().toLocaleLowerCase('en-US');
  return key.includes('/') ? key : key.replace(':', ':default/');
}

/**
 * Replaces each `entityRef` caller by a `principal` caller per mesh identity the entity's
 * workloads run as (the backend's `GET /identities`), keeping the caller's narrowing.
 * An entity with no identity is an error naming it: granting access to nothing would
 * hide the mistake.
 * @public
 */
export function resolveEntityCallers(
  request: OnboardingRequest,
  identities: EntityIdentity[],
): OnboardingRequest {
  const byEntity = new Map<string, string[]>();
  for (const identity of identities) {
    for (const ref of identity.entityRefs) {
      byEntity.set(refKey(ref), [
        ...(byEntity.get(refKey(ref)) ?? []),
        identity.principal,
      ]);
    }
  }
  const issues: { path: string; message: string }[] = [];
  const allowedCallers = request.allowedCallers.flatMap(
    (caller, i): OnboardingCaller[] => {
      if (!('entityRef' in caller)) return [caller];
      const { entityRef, ...narrowing } = caller;
      const principals = byEntity.get(refKey(entityRef));
      if (!principals) {
        issues.push({
          path: `allowedCallers[${i}].entityRef`,
          message: `${entityRef} has no mesh identity: none of its workloads is in the mesh, or you may not see it`,
        });
        return [];
      }
      return principals.map(principal => ({ ...narrowing, principal }));
    },
  );
  if (issues.length) throw new OnboardingRequestError(issues);
  return { ...request, allowedCallers };
}
