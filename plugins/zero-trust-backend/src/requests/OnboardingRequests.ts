import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  OnboardingRequestRecord,
  OnboardingRequestRecordInput,
  OnboardingRequestsQuery,
  OnboardingRequestsResponse,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { zeroTrustRequestsReadAllPermission } from '../permissions';
import { OnboardingRequestStore } from './OnboardingRequestStore';

/** How many entity refs one catalog call resolves. */
const catalogBatch = 200;

function ownerOf(entity: Entity): string | undefined {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string' || !owner) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

export function requestNotFound(id: string): NotFoundError {
  return new NotFoundError(`onboarding request ${id} not found`);
}

/**
 * The onboarding requests as the API serves them. A user sees the requests for entities
 * the catalog lets them see (asked with their own credentials); with
 * `zeroTrust.requests.readAll` they see every request, also those whose entity the
 * catalog no longer has.
 */
export class OnboardingRequests {
  constructor(
    private readonly options: {
      store: OnboardingRequestStore;
      catalog: CatalogService;
      permissions: PermissionsService;
      auth: AuthService;
      /** Adds what the records' dry-run policies would deny (the service's telemetry). */
      dryRunEvidence?: (
        records: OnboardingRequestRecord[],
      ) => Promise<OnboardingRequestRecord[]>;
    },
  ) {}

  private evidence(
    records: OnboardingRequestRecord[],
  ): Promise<OnboardingRequestRecord[]> {
    return this.options.dryRunEvidence
      ? this.options.dryRunEvidence(records)
      : Promise.resolve(records);
  }

  record(
    input: OnboardingRequestRecordInput,
  ): Promise<{ record: OnboardingRequestRecord; created: boolean }> {
    return this.options.store.record(input);
  }

  async list(
    query: OnboardingRequestsQuery,
    credentials: BackstageCredentials,
  ): Promise<OnboardingRequestsResponse> {
    const all = await this.options.store.list({
      state: query.state,
      cluster: query.cluster,
      entityRef: query.entity,
    });
    const readAll = await this.mayReadAll(credentials);
    if (readAll && !query.owner) return { items: await this.evidence(all) };

    // What the catalog says of each request's entity: as the user, unless they may read
    // all requests anyway (then only the owner filter needs the catalog).
    const entities = await this.entities(
      all.flatMap(r => (r.entityRef ? [r.entityRef] : [])),
      readAll
        ? await this.options.auth.getOwnServiceCredentials()
        : credentials,
    );
    const items = all.filter(record => {
      const entity = record.entityRef
        ? entities.get(record.entityRef)
        : undefined;
      if (!readAll && !entity) return false;
      return !query.owner || (entity && ownerOf(entity) === query.owner);
    });
    return { items: await this.evidence(items) };
  }

  async get(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<OnboardingRequestRecord> {
    const record = await this.options.store.get(id);
    if (!record) throw requestNotFound(id);
    if (await this.mayReadAll(credentials)) {
      return (await this.evidence([record]))[0];
    }
    // Unknown and not visible answer alike: the id tells nothing of the entity.
    const entities = record.entityRef
      ? await this.entities([record.entityRef], credentials)
      : new Map();
    if (!record.entityRef || !entities.has(record.entityRef)) {
      throw requestNotFound(id);
    }
    return (await this.evidence([record]))[0];
  }

  private async mayReadAll(credentials: BackstageCredentials) {
    const [{ result }] = await this.options.permissions.authorize(
      [{ permission: zeroTrustRequestsReadAllPermission }],
      { credentials },
    );
    return result === AuthorizeResult.ALLOW;
  }

  /** The entities among `refs` that the catalog returns for these credentials. */
  private async entities(
    refs: string[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, Entity>> {
    const unique = [...new Set(refs)];
    const found = new Map<string, Entity>();
    for (let i = 0; i < unique.length; i += catalogBatch) {
      const entityRefs = unique.slice(i, i + catalogBatch);
      const { items } = await this.options.catalog.getEntitiesByRefs(
        {
          entityRefs,
          fields: ['kind', 'metadata.namespace', 'metadata.name', 'spec.owner'],
        },
        { credentials },
      );
      items.forEach((entity, index) => {
        if (entity) found.set(entityRefs[index], entity);
      });
    }
    return found;
  }
}
