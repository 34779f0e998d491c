import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { parseAllDocuments } from 'yaml';
import { createCatalogAnnotateAction } from '../actions/catalogAnnotate';
import { createBareRepository, temporaryFolder } from './repositories';
import { repositoriesFor } from './setup';

/**
 * A component's own repository's `catalog-info.yaml`: comments, a System before the
 * Component, annotations that are not the Kubernetes ones, flow sequences.
 */
export const componentCatalogInfo = `# Catalog entities of the inventory repository.
# Owned by team-supply; the runbook is in docs/.
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: supply # the supply chain
spec:
  owner: team-supply
---
# The API itself
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: inventory-api
  description: "Stock levels"   # quoted on purpose
  annotations:
    github.com/project-slug: example-org/inventory # where the code lives
  tags: [kotlin, grpc]
spec:
  type: service
  lifecycle: production
  owner: team-supply
  system: supply
`;

/** A bare repository on disk whose `main` holds `catalog-info.yaml` (and a README). */
export async function createComponentRepository(
  repository: string,
  catalogInfo = componentCatalogInfo,
): Promise<string> {
  const from = await temporaryFolder('zt-component-');
  await fs.writeFile(path.join(from, 'catalog-info.yaml'), catalogInfo);
  await fs.writeFile(path.join(from, 'README.md'), '# inventory\n');
  return createBareRepository(repository, from);
}

/**
 * The entities of a catalog file as the catalog holds them after reading it from
 * `location`: each with the location annotations the catalog adds.
 */
export function catalogEntities(text: string, location: string): Entity[] {
  return Array.from(parseAllDocuments(text)).map(doc => {
    const entity = doc.toJS() as Entity;
    return {
      ...entity,
      metadata: {
        namespace: 'default',
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          [ANNOTATION_LOCATION]: location,
          [ANNOTATION_ORIGIN_LOCATION]: location,
        },
      },
    };
  });
}

/**
 * The annotate action as the module builds it, from a test's config, reading the given
 * entities from Backstage's in-memory catalog. `catalog.getEntityByRef` is a spy, to
 * check what the action asked and with whose credentials.
 */
export function annotateActionFor(config: object, entities: Entity[]) {
  const catalog = catalogServiceMock({ entities });
  const lookups = jest.spyOn(catalog, 'getEntityByRef');
  const reader = new ConfigReader(config);
  const action = createCatalogAnnotateAction({
    catalog,
    integrations: ScmIntegrations.fromConfig(reader),
    repositories: repositoriesFor(config),
  });
  return { action, catalog, lookups };
}
