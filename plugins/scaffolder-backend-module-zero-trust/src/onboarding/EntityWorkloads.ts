import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError, ResponseError } from '@backstage/errors';
import type { EntitySecurityResponse } from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  callZeroTrustBackend,
  ZeroTrustBackendOptions,
} from './zeroTrustBackend';

/** One workload an entity's annotations select. */
export interface EntityWorkload {
  cluster: string;
  namespace: string;
  name: string;
}

/**
 * The workloads a catalog entity's Kubernetes annotations select, as the zero-trust
 * backend maps them (`GET /entities/:kind/:namespace/:name/security`), asked on behalf of
 * the user: the catalog decides whether they may see the entity.
 */
export class EntityWorkloads {
  constructor(private readonly options: ZeroTrustBackendOptions) {}

  async list(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityWorkload[]> {
    let ref;
    try {
      ref = parseEntityRef(entityRef, { defaultKind: 'component' });
    } catch {
      throw new InputError(
        `entityRef ${JSON.stringify(
          entityRef,
        )} is not an entity reference such as component:default/reviews`,
      );
    }
    const path = `/entities/${[ref.kind, ref.namespace, ref.name]
      .map(encodeURIComponent)
      .join('/')}/security`;
    let body: EntitySecurityResponse;
    try {
      body = await callZeroTrustBackend<EntitySecurityResponse>(
        this.options,
        path,
        { onBehalfOf: credentials },
      );
    } catch (error) {
      if (error instanceof ResponseError && error.response.status === 404) {
        throw new InputError(`no entity ${entityRef} (or you may not see it)`);
      }
      throw error;
    }
    return body.clusters.flatMap(c =>
      c.workloads.map(w => ({
        cluster: c.cluster,
        namespace: w.namespace,
        name: w.name,
      })),
    );
  }
}
