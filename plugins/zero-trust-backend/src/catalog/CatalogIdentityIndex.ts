import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { MeshView } from '../clusters/MeshView';
import {
  entityClusters,
  entitySelector,
  entityWorkloads,
  workloadLabelSelector,
} from './entityWorkloads';
import {
  kubernetesIdAnnotation,
  labelSelectorAnnotation,
} from '@zero-trust/backstage-plugin-zero-trust-common';

interface EntityWithSelector {
  ref: string;
  selector: NonNullable<ReturnType<typeof entitySelector>>;
}

/**
 * The reverse of the entity→workload mapping: which catalog entities a workload (and so a
 * caller's identity) belongs to. The catalog is read with the plugin's own credentials, so
 * answers built from it must be filtered to what the user may see (`visibleRefs`).
 */
export class CatalogIdentityIndex {
  private entities?: EntityWithSelector[];
  private loadedAt = 0;
  private loading?: Promise<void>;
  private byView = new WeakMap<MeshView, Map<string, string[]>>();

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
    private readonly refreshMs: number,
  ) {}

  /** Catalog entity refs per workload id (`CLUSTER/NAMESPACE/NAME`). */
  async entitiesByWorkload(view: MeshView): Promise<Map<string, string[]>> {
    await this.refresh();
    let index = this.byView.get(view);
    if (!index) {
      index = this.build(view);
      this.byView.set(view, index);
    }
    return index;
  }

  private build(view: MeshView): Map<string, string[]> {
    const index = new Map<string, string[]>();
    const clusters = view.model.clusters.map(c => c.name);
    for (const { ref, selector } of this.entities ?? []) {
      let labels;
      try {
        labels = workloadLabelSelector(selector);
      } catch {
        continue; // an entity with a malformed selector maps to nothing
      }
      for (const cluster of entityClusters(selector, clusters)) {
        for (const w of entityWorkloads(
          selector,
          labels,
          view.model,
          cluster,
        )) {
          const refs = index.get(w.id);
          if (refs) refs.push(ref);
          else index.set(w.id, [ref]);
        }
      }
    }
    return index;
  }

  private async refresh(): Promise<void> {
    const due = Date.now() - this.loadedAt >= this.refreshMs;
    if (!due) return;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    // The first load is awaited; later ones refresh in the background.
    if (!this.entities) await this.loading;
  }

  private async load(): Promise<void> {
    try {
      const { items } = await this.catalog.getEntities(
        {
          filter: [
            {
              [`metadata.annotations.${kubernetesIdAnnotation}`]:
                CATALOG_FILTER_EXISTS,
            },
            {
              [`metadata.annotations.${labelSelectorAnnotation}`]:
                CATALOG_FILTER_EXISTS,
            },
          ],
          fields: [
            'kind',
            'metadata.namespace',
            'metadata.name',
            'metadata.annotations',
          ],
        },
        { credentials: await this.auth.getOwnServiceCredentials() },
      );
      this.entities = items.flatMap(entity => {
        const selector = entitySelector(entity);
        return selector ? [{ ref: stringifyEntityRef(entity), selector }] : [];
      });
      this.byView = new WeakMap();
      this.loadedAt = Date.now();
    } catch (error) {
      // Callers then show as raw identities until the catalog answers again.
      this.logger.warn(
        `could not read the catalog to map identities to entities: ${error}`,
      );
      this.entities ??= [];
      this.loadedAt = Date.now();
    }
  }
}
