import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { isZeroTrustAvailable } from '../../conditions';
import { EntityOnboardingRequests } from '../OnboardingRequests';
import { ApiErrorState } from '../shared';
import { MissingAnnotationState } from './EmptyStates';
import { EntitySecurityView } from './EntitySecurityView';
import { useEntitySecurity } from './useEntitySecurity';

function EntitySecurity() {
  const { entity } = useEntity();
  const { value, loading, error, retry } = useEntitySecurity(
    getCompoundEntityRef(entity),
  );
  if (loading && !value) return <Progress />;
  if (error) {
    return (
      <ApiErrorState
        error={error}
        retry={retry}
        what="this entity"
        notFoundTitle="Entity not found or not visible to you"
        notFoundDescription="The zero-trust backend could not find this entity in the catalog. It may have been removed, or your permissions may not let you see it."
      />
    );
  }
  return value ? <EntitySecurityView security={value} /> : null;
}

/**
 * The entity page's Security tab: the entity's onboarding requests, if any, then per
 * cluster where the entity runs, its mesh identity, mTLS, allowed callers and findings.
 *
 * @public
 */
export function EntityZeroTrustContent() {
  const { entity } = useEntity();
  // Also without the kubernetes annotation: a service onboarded before its entity
  // names its workloads still has requests to follow.
  return (
    <>
      <EntityOnboardingRequests entityRef={stringifyEntityRef(entity)} />
      {isZeroTrustAvailable(entity) ? (
        <EntitySecurity />
      ) : (
        <MissingAnnotationState entity={entity} />
      )}
    </>
  );
}
