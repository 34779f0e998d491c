import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { zeroTrustApiRef } from '../../api';

/** The entity's security answer, loaded once per entity, with a retry. */
export function useEntitySecurity(ref: CompoundEntityRef) {
  const api = useApi(zeroTrustApiRef);
  const { kind, namespace, name } = ref;
  return useAsyncRetry(
    () => api.getEntitySecurity({ kind, namespace, name }),
    [api, kind, namespace, name],
  );
}
