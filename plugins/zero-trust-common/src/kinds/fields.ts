/** Field pickers the kinds table keeps objects with: pure, no kind knowledge of their own. */

/** @public */
export type Json = Record<string, any>;

/** A JSON object: not null, not an array. @public */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies the fields that are set, so an absent field stays absent. */
export function pick(source: Json, fields: string[]): Json {
  const out: Json = {};
  for (const field of fields) {
    if (source[field] !== undefined && source[field] !== null) {
      out[field] = source[field];
    }
  }
  return out;
}

export function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  return { ...value };
}

/**
 * Istio's own pod annotations (`sidecar.istio.io/inject`, which the engine's membership
 * rules read, and the other `*.istio.io/` knobs) are kept; the rest, such as
 * `prometheus.io/*` or checksums, are dropped to keep memory low.
 */
export function istioAnnotations(
  value: unknown,
): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const kept = Object.entries(value).filter(([key]) => {
    const prefix = key.includes('/') ? key.split('/')[0] : '';
    return prefix === 'istio.io' || prefix.endsWith('.istio.io');
  });
  return kept.length ? Object.fromEntries(kept) : undefined;
}

/** A pod's (or pod template's) labels and Istio annotations. */
export function podMetadata(meta: unknown): Json {
  if (!isObject(meta)) return {};
  const labels = stringMap(meta.labels);
  const annotations = istioAnnotations(meta.annotations);
  return {
    ...(labels ? { labels } : {}),
    ...(annotations ? { annotations } : {}),
  };
}

/**
 * istiod's environment that decides workload certificates (its CA and their lifetime):
 * kept from a container's `env` where set as a literal value; nothing else of `env`.
 */
export const certificateEnv = [
  'DEFAULT_WORKLOAD_CERT_TTL',
  'MAX_WORKLOAD_CERT_TTL',
  'CA_ADDR',
];

function keptEnv(container: Json): Json[] {
  return (Array.isArray(container.env) ? container.env : []).filter(
    (e: unknown) =>
      isObject(e) &&
      certificateEnv.includes(e.name) &&
      typeof e.value === 'string',
  );
}

/**
 * The pod spec fields the engine reads: service account, host network, container ports
 * (and istiod's certificate settings).
 */
export function podSpec(spec: unknown): Json {
  if (!isObject(spec)) return {};
  const containers = (Array.isArray(spec.containers) ? spec.containers : [])
    .filter(
      (c: unknown) =>
        isObject(c) &&
        ((Array.isArray(c.ports) && c.ports.length) || keptEnv(c).length),
    )
    .map((c: Json) => {
      const env = keptEnv(c).map(e => pick(e, ['name', 'value']));
      const ports = Array.isArray(c.ports)
        ? c.ports
            .filter(isObject)
            .map((p: Json) => pick(p, ['name', 'containerPort']))
        : [];
      return {
        ...(ports.length ? { ports } : {}),
        ...(env.length ? { env } : {}),
      };
    });
  return {
    ...pick(spec, ['serviceAccountName', 'serviceAccount', 'hostNetwork']),
    ...(containers.length ? { containers } : {}),
  };
}

/** An RFC 3339 creation time, whether the client parsed it into a Date or not. */
export function creationTimestamp(meta: Json): Json {
  const value = meta.creationTimestamp;
  if (!value) return {};
  return {
    creationTimestamp:
      value instanceof Date ? value.toISOString() : String(value),
  };
}
