import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  createServiceFactory,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const repoRoot = resolvePackagePath(
  '@zero-trust/backstage-plugin-zero-trust-backend',
  '../..',
);

/** The demo catalog's entities (examples/entities.yaml). */
export function demoEntities(): Entity[] {
  const text = fs.readFileSync(
    path.join(repoRoot, 'examples/entities.yaml'),
    'utf8',
  );
  return parseAllDocuments(text).map(d => d.toJS() as Entity);
}

function principalOf(credentials: BackstageCredentials | undefined) {
  const p = credentials?.principal as { type?: string; userEntityRef?: string };
  return p?.type === 'user' ? p.userEntityRef : undefined;
}

/**
 * The catalog's in-memory fake, deciding visibility per user as a permission policy would:
 * `hidden` maps a user ref to the entity refs that user may not see. Service credentials
 * (the plugin's own) see everything, as with the real catalog.
 */
export function catalogWithVisibility(
  entities: Entity[],
  hidden: Record<string, string[]> = {},
) {
  const inner = catalogServiceMock({ entities });
  const visible = (
    e: Entity | undefined,
    options?: { credentials?: BackstageCredentials },
  ) => {
    const user = principalOf(options?.credentials);
    return e && !(user && hidden[user]?.includes(stringifyEntityRef(e)))
      ? e
      : undefined;
  };
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () =>
      ({
        getEntities: inner.getEntities.bind(inner),
        getEntityByRef: async (ref: any, options: any) =>
          visible(await inner.getEntityByRef(ref, options), options),
        getEntitiesByRefs: async (request: any, options: any) => {
          const { items } = await inner.getEntitiesByRefs(request, options);
          return { items: items.map(e => visible(e, options)) };
        },
      } as any),
  });
}
