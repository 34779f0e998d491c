import {
  groupOf,
  isObject,
  objectKey,
  objectKeyOf,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import type {
  OnboardingChangeSummary,
  OnboardingResource,
  SourcedObject,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { GitopsMirror, GitSnapshot } from '../clusters/gitopsMirror';
import type { StoredOnboardingRequest } from './OnboardingRequestStore';

type Json = Record<string, any>;

/**
 * What a cluster's GitOps controller applies for a request's change: the tracker compares
 * the cluster with this, not with the change as generated, since an overlay's patches,
 * name prefixes and namespaces apply to the change's files as to any other.
 */
export interface ChangeRenderer {
  readonly cluster: string;
  /** Reads the desired state again; the tracker calls it once per run. */
  refresh(): Promise<void>;
  /** Throws with a message fit for the request's `lastError`. */
  render(request: StoredOnboardingRequest): Promise<OnboardingChangeSummary>;
}

const keyOf = (r: OnboardingResource) =>
  objectKeyOf(
    groupOf(r.apiVersion),
    r.kind,
    r.metadata.namespace,
    r.metadata.name,
  );

/**
 * The change as `rendered` (the cluster's desired state) holds it: each generated
 * resource replaced by the rendered object of the same kind and name, or, where the
 * rendering renamed it (a kustomize name prefix or suffix, a namespace), by the one
 * object of its kind `rendered` has and `before` (the state without the change) had not
 * whose name holds the generated name (no such guess without `before`). A resource the desired state lacks stays as
 * generated, so the cluster's lack of it shows. The namespace's labels are those the
 * rendered Namespace gives the generated labels' keys.
 */
export async function changeAsRendered(
  change: OnboardingChangeSummary,
  rendered: SourcedObject[],
  before: () => Promise<SourcedObject[] | undefined>,
): Promise<OnboardingChangeSummary> {
  const byKey = new Map<string, Json>();
  for (const { object } of rendered) {
    if (isObject(object) && isObject(object.metadata)) {
      byKey.set(objectKey(object), object);
    }
  }
  let added: Promise<Json[]> | undefined;
  // Without the state before the change, nothing counts as new: no guess at a rename.
  const addedObjects = () => {
    added ??= before().then(objects => {
      if (!objects) return [];
      const old = new Set(objects.map(o => objectKey(o.object)));
      return [...byKey.entries()]
        .filter(([key]) => !old.has(key))
        .map(([, object]) => object);
    });
    return added;
  };
  const renamed = async (r: OnboardingResource) => {
    const candidates = (await addedObjects()).filter(
      o =>
        o.kind === r.kind &&
        groupOf(o.apiVersion) === groupOf(r.apiVersion) &&
        String(o.metadata.name).includes(r.metadata.name),
    );
    return candidates.length === 1 ? candidates[0] : undefined;
  };

  const resources: OnboardingResource[] = [];
  for (const r of change.resources) {
    const found = byKey.get(keyOf(r)) ?? (await renamed(r));
    resources.push(
      found
        ? {
            ...r,
            metadata: {
              name: String(found.metadata.name),
              namespace: String(
                found.metadata.namespace ?? r.metadata.namespace,
              ),
            },
            spec: isObject(found.spec) ? found.spec : {},
          }
        : r,
    );
  }

  const namespace = byKey.get(
    objectKeyOf('', 'Namespace', '', change.namespace),
  );
  const labels: Json = isObject(namespace?.metadata?.labels)
    ? namespace!.metadata.labels
    : {};
  const namespaceLabels = Object.fromEntries(
    Object.entries(change.namespaceLabels).map(([label, value]) => [
      label,
      typeof labels[label] === 'string' ? labels[label] : value,
    ]),
  );
  return { namespace: change.namespace, namespaceLabels, resources };
}

/**
 * A cluster whose desired state is a GitOps repository's branch: the change as the
 * branch's tip renders it (what the controller applies now that the request merged),
 * against the commit before the pushed one for what the change renamed.
 */
export function gitopsChangeRenderer(
  cluster: string,
  source: GitSnapshot,
  mirror = new GitopsMirror(source),
): ChangeRenderer {
  const where = `cluster ${cluster}'s desired state (${source.path || '.'} at ${
    source.branch
  })`;
  return {
    cluster,
    async refresh() {
      try {
        await mirror.fetch();
      } catch (error) {
        throw mirror.failure(error, where);
      }
    },
    async render(request) {
      try {
        const tip = await mirror.render(await mirror.resolve(source.branch));
        // Rendered only when a generated resource is not found under its own name. The
        // pull request's commit sits on the base it was written against.
        // A commit the mirror lacks (a squash merge whose branch is gone) gives none.
        const before = async () => {
          const parent = await mirror
            .resolve(`${request.pullRequest.headSha}^`)
            .catch(() => undefined);
          return parent ? (await mirror.render(parent)).objects : undefined;
        };
        return await changeAsRendered(request.change, tip.objects, before);
      } catch (error) {
        throw mirror.failure(error, where);
      }
    },
  };
}
