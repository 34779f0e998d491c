import { formatSelector, selectorMatches } from '../model/labels';
import { MeshModel, UnknownReferenceError, WorkloadModel } from './MeshModel';

/**
 * What a `check` reference names: one workload, or the workloads a Service (or a
 * ServiceEntry with a workloadSelector) selects.
 */
export interface ResolvedReference {
  workloads: WorkloadModel[];
  /** `CLUSTER/NAMESPACE/NAME` of the Service or ServiceEntry, when the reference named one. */
  service?: string;
  /** Only where the reference named a ServiceEntry. */
  kind?: 'ServiceEntry';
}

/** The workloads of `namespace` a selector picks; an error naming `what` where none. */
function selectedWorkloads(
  cluster: MeshModel['clusters'][number],
  namespace: string,
  selector: Record<string, string>,
  what: string,
  field: 'selector' | 'workloadSelector',
): WorkloadModel[] {
  const workloads = (cluster.workloadsByNamespace.get(namespace) ?? []).filter(
    w => selectorMatches(selector, w.workload.labels),
  );
  if (!workloads.length) {
    throw new UnknownReferenceError(
      `${what} selects no workload (its ${field}: ${formatSelector(selector)})`,
    );
  }
  return workloads;
}

/**
 * What `NAMESPACE/NAME` (in any cluster) or `CLUSTER/NAMESPACE/NAME` names: the clusters
 * to look in, the namespace and the name.
 */
function named(model: MeshModel, parts: string[]) {
  const [namespace, name] = parts.slice(-2);
  const clusters =
    parts.length === 3
      ? model.clusters.filter(c => c.name === parts[0])
      : model.clusters;
  return { clusters, namespace, name };
}

/** The Services named `NAMESPACE/NAME` (in any cluster) or `CLUSTER/NAMESPACE/NAME`. */
function findServices(model: MeshModel, parts: string[]) {
  const { clusters, namespace, name } = named(model, parts);
  return clusters.flatMap(cluster =>
    (cluster.servicesByNamespace.get(namespace) ?? [])
      .filter(s => s.name === name)
      .map(service => ({ cluster, service })),
  );
}

/** The ServiceEntries named `NAMESPACE/NAME` (in any cluster) or `CLUSTER/NAMESPACE/NAME`. */
function findServiceEntries(model: MeshModel, parts: string[]) {
  const { clusters, namespace, name } = named(model, parts);
  return clusters.flatMap(cluster =>
    (cluster.state.serviceEntries ?? [])
      .filter(e => e.namespace === namespace && e.name === name)
      .map(entry => ({ cluster, entry })),
  );
}

/**
 * A ServiceEntry's own workloads: with a `workloadSelector`, its endpoints are the pods
 * (and WorkloadEntries) of its namespace whose labels match, so a call to its hosts
 * reaches them and their own proxies' policies decide it
 * (https://istio.io/latest/docs/reference/config/networking/service-entry/, "the
 * endpoints of a service entry can also be dynamically selected by using the
 * workloadSelector field"; WorkloadSelector: "The scope of label search is restricted
 * to the configuration namespace in which the resource is present"). Without one its
 * endpoints are addresses the snapshot does not hold as workloads: an error. Where the
 * entry is bound to a waypoint and its workloads are ambient, calls to its hosts are
 * enforced there by the policies bound to the entry, which check does not follow for a
 * workload-selecting entry: an error too, rather than an answer that skips the waypoint.
 */
function serviceEntryWorkloads(
  model: MeshModel,
  parts: string[],
  ref: string,
): ResolvedReference | undefined {
  const entries = findServiceEntries(model, parts);
  if (entries.length > 1) {
    throw new UnknownReferenceError(
      `ServiceEntry ${ref} exists in clusters ${entries
        .map(e => e.cluster.name)
        .join(', ')}: use CLUSTER/NAMESPACE/NAME`,
    );
  }
  if (!entries.length) return undefined;
  const [{ cluster, entry }] = entries;
  const id = `${cluster.name}/${entry.namespace}/${entry.name}`;
  const selector = entry.workloadSelector;
  if (!selector || !Object.keys(selector).length) {
    throw new UnknownReferenceError(
      `ServiceEntry ${id} has no workloadSelector, so its endpoints (${entry.hosts.join(
        ', ',
      )}) are not workloads of the snapshot: name a workload instead`,
    );
  }
  const workloads = selectedWorkloads(
    cluster,
    entry.namespace,
    selector,
    `ServiceEntry ${id}`,
    'workloadSelector',
  );
  const { waypoint } = cluster.waypoints.forServiceEntry(entry);
  if (waypoint && workloads.some(w => w.membership.mode === 'ambient')) {
    throw new UnknownReferenceError(
      `ServiceEntry ${id} is bound to waypoint ${waypoint.ref}, which enforces the policies bound to it on calls to its hosts; check does not follow that path for a ServiceEntry that selects workloads yet: name a workload to check a call addressed to it`,
    );
  }
  return { workloads, service: id, kind: 'ServiceEntry' };
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
    const entry = serviceEntryWorkloads(model, parts, ref);
    if (entry) return entry;
    const closest = closestNames(model, ref);
    throw new UnknownReferenceError(
      `no workload ${ref}, nor a Service or ServiceEntry of that name${
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
  const workloads = selectedWorkloads(
    cluster,
    service.namespace,
    selector,
    `Service ${id}`,
    'selector',
  );
  return { workloads, service: id };
}
