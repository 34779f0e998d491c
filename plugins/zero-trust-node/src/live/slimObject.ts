import { WatchedResource } from './watchedResources';

type Json = Record<string, any>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies the fields that are set, so an absent field stays absent. */
function pick(source: Json, fields: string[]): Json {
  const out: Json = {};
  for (const field of fields) {
    if (source[field] !== undefined && source[field] !== null) {
      out[field] = source[field];
    }
  }
  return out;
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  return { ...value };
}

/**
 * Istio's own pod annotations (`sidecar.istio.io/inject`, which the engine's membership
 * rules read, and the other `*.istio.io/` knobs) are kept; the rest, such as
 * `prometheus.io/*` or checksums, are dropped to keep memory low.
 */
function istioAnnotations(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const kept = Object.entries(value).filter(([key]) => {
    const prefix = key.includes('/') ? key.split('/')[0] : '';
    return prefix === 'istio.io' || prefix.endsWith('.istio.io');
  });
  return kept.length ? Object.fromEntries(kept) : undefined;
}

function podMetadata(meta: unknown): Json {
  if (!isObject(meta)) return {};
  const labels = stringMap(meta.labels);
  const annotations = istioAnnotations(meta.annotations);
  return {
    ...(labels ? { labels } : {}),
    ...(annotations ? { annotations } : {}),
  };
}

/** The pod spec fields the engine reads: service account, host network, container ports. */
function podSpec(spec: unknown): Json {
  if (!isObject(spec)) return {};
  const containers = (Array.isArray(spec.containers) ? spec.containers : [])
    .filter(
      (c: unknown) => isObject(c) && Array.isArray(c.ports) && c.ports.length,
    )
    .map((c: Json) => ({
      ports: c.ports
        .filter(isObject)
        .map((p: Json) => pick(p, ['name', 'containerPort'])),
    }));
  return {
    ...pick(spec, ['serviceAccountName', 'serviceAccount', 'hostNetwork']),
    ...(containers.length ? { containers } : {}),
  };
}

/** A pod a controller owns belongs to a workload already read from its controller. */
function hasController(meta: Json): boolean {
  return (
    Array.isArray(meta.ownerReferences) &&
    meta.ownerReferences.some((o: unknown) => isObject(o) && o.controller)
  );
}

/**
 * The manifest reduced to what `buildClusterState` reads, so 10k workloads fit in little
 * memory: no managedFields, status, last-applied annotation, or fields the engine never
 * looks at. Returns undefined for objects the engine does not model (owned pods).
 */
export function slimObject(
  resource: WatchedResource,
  version: string,
  raw: unknown,
): Json | undefined {
  if (!isObject(raw) || !isObject(raw.metadata)) return undefined;
  const meta = raw.metadata;
  const spec: Json = isObject(raw.spec) ? raw.spec : {};
  const out: Json = {
    apiVersion: resource.group ? `${resource.group}/${version}` : version,
    kind: resource.kind,
    metadata: pick(meta, ['name', 'namespace']),
  };
  switch (resource.kind) {
    case 'Namespace': {
      const labels = stringMap(meta.labels);
      if (labels) out.metadata.labels = labels;
      break;
    }
    case 'Service':
      out.spec = {
        ...pick(spec, ['selector']),
        ports: (Array.isArray(spec.ports) ? spec.ports : [])
          .filter(isObject)
          .map((p: Json) =>
            pick(p, ['name', 'port', 'targetPort', 'appProtocol', 'protocol']),
          ),
      };
      break;
    case 'Pod':
      if (hasController(meta)) return undefined;
      Object.assign(out.metadata, podMetadata(meta));
      out.spec = podSpec(spec);
      break;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet': {
      const template: Json = isObject(spec.template) ? spec.template : {};
      out.spec = {
        template: {
          metadata: podMetadata(template.metadata),
          spec: podSpec(template.spec),
        },
      };
      break;
    }
    case 'ConfigMap':
      out.data = isObject(raw.data) ? pick(raw.data, ['mesh']) : {};
      break;
    default:
      if (resource.istio) {
        // The oldest PeerAuthentication or DestinationRule wins a tie, so the creation time
        // matters; the spec is kept whole for the CRD schema checks.
        if (meta.creationTimestamp) {
          out.metadata.creationTimestamp =
            meta.creationTimestamp instanceof Date
              ? meta.creationTimestamp.toISOString()
              : String(meta.creationTimestamp);
        }
        if (raw.spec !== undefined) out.spec = raw.spec;
      }
  }
  return out;
}

/** Deep equality of JSON values: a change the engine cannot see is no change. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every(key => sameJson((a as Json)[key], (b as Json)[key]));
}
