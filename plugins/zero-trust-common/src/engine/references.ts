import { formatSelector, selectorMatches } from '../model/labels';
import { MeshModel, UnknownReferenceError, WorkloadModel } from './MeshModel';

/** What a `check` reference names: one workload, or the workloads a Service selects. */
export interface ResolvedReference {
  workloads: WorkloadModel[];
  /** `CLUSTER/NAMESPACE/NAME` of the Service, when the reference named one. */
  service?: string;
}

/** The Services named `NAMESPACE/NAME` (in any cluster) or `CLUSTER/NAMESPACE/NAME`. */
function findServices(model: MeshModel, parts: string[]) {
  const [namespace, name] = parts.slice(-2);
  const clusters =
    parts.length === 3
      ? model.clusters.filter(c => c.name === parts[0])
      : model.clusters;
  return clusters.flatMap(cluster =>
    (cluster.servicesByNamespace.get(namespace) ?? [])
      .filter(s => s.name === name)
      .map(service => ({ cluster, service })),
  );
}

/** Levenshtein distance, for suggesting what a mistyped name meant. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j] + 1,
        row[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length];
}

/** Up to three workload and Service names closest to `ref`, in its form (2 or 3 parts). */
export function closestNames(model: MeshModel, ref: string): string[] {
  const full = ref.split('/').length === 3;
  const names = new Set<string>();
  for (const cluster of model.clusters) {
    const prefix = full ? `${cluster.name}/` : '';
    for (const w of cluster.workloads) {
      names.add(`${prefix}${w.namespace}/${w.workload.name}`);
    }
    for (const services of cluster.servicesByNamespace.values()) {
      for (const s of services) names.add(`${prefix}${s.namespace}/${s.name}`);
    }
  }
  const limit = Math.max(2, Math.floor(ref.length / 3));
  return [...names]
    .map(name => ({ name, d: distance(ref, name) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, 3)
    .map(({ name }) => name);
}

/**
 * Resolves `NAMESPACE/NAME` or `CLUSTER/NAMESPACE/NAME` to a workload, else to the
 * Service of that name and the workloads its selector picks (in its cluster and
 * namespace, as its endpoints would). Unknown: an error naming the closest names.
 */
export function resolveReference(
  model: MeshModel,
  ref: string,
): ResolvedReference {
  let workloadError: UnknownReferenceError;
  try {
    return { workloads: [model.resolveWorkload(ref)] };
  } catch (error) {
    if (!(error instanceof UnknownReferenceError)) throw error;
    workloadError = error;
  }
  const parts = ref.split('/');
  if ((parts.length !== 2 && parts.length !== 3) || parts.some(p => !p)) {
    throw workloadError;
  }
  const services = findServices(model, parts);
  if (services.length > 1) {
    throw new UnknownReferenceError(
      `Service ${ref} exists in clusters ${services
        .map(s => s.cluster.name)
        .join(', ')}: use CLUSTER/NAMESPACE/NAME`,
    );
  }
  if (services.length === 0) {
    // Several clusters with that workload: that message is the one to act on.
    if (!/^no workload /.test(workloadError.message)) throw workloadError;
    const closest = closestNames(model, ref);
    throw new UnknownReferenceError(
      `no workload ${ref}, nor a Service of that name${
        closest.length ? `; closest: ${closest.join(', ')}` : ''
      }`,
    );
  }
  const [{ cluster, service }] = services;
  const id = `${cluster.name}/${service.namespace}/${service.name}`;
  const { selector } = service;
  if (!selector || !Object.keys(selector).length) {
    throw new UnknownReferenceError(
      `Service ${id} has no selector, so it selects no workload: name a workload instead`,
    );
  }
  const workloads = (
    cluster.workloadsByNamespace.get(service.namespace) ?? []
  ).filter(w => selectorMatches(selector, w.workload.labels));
  if (!workloads.length) {
    throw new UnknownReferenceError(
      `Service ${id} selects no workload (its selector: ${formatSelector(
        selector,
      )})`,
    );
  }
  return { workloads, service: id };
}
