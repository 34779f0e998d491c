import { parse as parseYaml } from 'yaml';
import type { SourcedObject } from './buildClusterState';
import { findKind, isObject } from '../kinds';
import { MeshConfig, PathNormalization, pathNormalizations } from './types';

type Json = Record<string, any>;

/** Istio's control plane namespace, where the `istio` ConfigMap lives. */
export const controlPlaneNamespace = 'istio-system';

/** What a cluster's mesh settings are when the snapshot names none. @public */
export const defaultMeshConfig: MeshConfig = {
  trustDomain: 'cluster.local',
  trustDomainAliases: [],
  rootNamespace: 'istio-system',
  enableAutoMtls: true,
  skipValidateTrustDomain: false,
  caCertificateTrustDomains: [],
  pathNormalization: 'BASE',
  outboundTrafficPolicy: 'ALLOW_ANY',
  revisions: ['default'],
};

/** meshConfig.pathNormalization.normalization; DEFAULT and absent mean BASE. */
function pathNormalizationOf(setting: unknown): PathNormalization {
  const value = isObject(setting) ? setting.normalization : undefined;
  return pathNormalizations.includes(value as PathNormalization)
    ? (value as PathNormalization)
    : 'BASE';
}

/** The kinds table's name for an object (`ConfigMap`, `HelmRelease`...). */
const kindOf = (o: unknown) =>
  isObject(o) ? findKind(o.apiVersion, o.kind)?.kind : undefined;

/**
 * Go's strconv.ParseBool, which istiod uses for its environment: anything else is an
 * error there, read here as false (the default both fall back to).
 */
export function parseGoBool(value: unknown): boolean {
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(String(value));
}

/** Helm's merge of values: maps merge key by key, anything else is replaced. */
function mergeValues(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isObject(v) && isObject(out[k]) ? mergeValues(out[k], v) : v;
  }
  return out;
}

/** The settings as Istio's own sources state them, before defaults. */
interface RawSettings {
  source: string;
  meshConfig: Json;
  revision?: string;
  revisionTags: string[];
  pilotEnv: Json;
  /** The chart's `global.caAddress`: the CA the proxies ask for certificates. */
  caAddress?: string;
}

/** @public */
export interface MeshSettingsResult {
  mesh: MeshConfig;
  /** Where they were read from, e.g. `ConfigMap istio-system/istio`; absent for the defaults. */
  source?: string;
  /** Problems found on the way (a `data.mesh` that is not YAML...), by object. */
  problems: { object: Json; file?: string; message: string }[];
  /** The PEM of each `caCertificates` entry that has one: roots the proxies also trust. */
  caCertificatePems: string[];
  /** The mesh config as its source states it, before defaults. */
  meshConfig: Json;
  /** istiod's environment (`pilot.env`), as the settings state it. */
  istiodEnv: Record<string, string>;
  /** The chart's `global.caAddress`, where set. */
  caAddress?: string;
}

function parseMaybeYaml(
  text: unknown,
  onError: (message: string) => void,
): Json {
  if (isObject(text)) return text;
  if (typeof text !== 'string') return {};
  try {
    const value = parseYaml(text);
    return isObject(value) ? value : {};
  } catch (e) {
    onError((e as Error).message.split('\n')[0]);
    return {};
  }
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter(x => typeof x === 'string') : [];

/** From the istiod chart's values: meshConfig (global.trustDomain under it), revision, revisionTags, pilot.env. */
function fromChartValues(source: string, values: Json): RawSettings {
  // The chart's mesh template starts from global.trustDomain and merges meshConfig over it
  // (manifests/charts/istio-control/istio-discovery/templates/configmap.yaml).
  const meshConfig = mergeValues(
    typeof values.global?.trustDomain === 'string'
      ? { trustDomain: values.global.trustDomain }
      : {},
    isObject(values.meshConfig) ? values.meshConfig : {},
  );
  return {
    source,
    meshConfig,
    ...(typeof values.revision === 'string' && values.revision
      ? { revision: values.revision }
      : {}),
    revisionTags: strings(values.revisionTags),
    pilotEnv: isObject(values.pilot?.env) ? values.pilot.env : {},
    ...(typeof values.global?.caAddress === 'string' && values.global.caAddress
      ? { caAddress: values.global.caAddress }
      : {}),
  };
}

function fromConfigMaps(
  objects: SourcedObject[],
  report: MeshSettingsResult['problems'],
): RawSettings | undefined {
  const maps = objects.filter(({ object: o }) => {
    if (!isObject(o) || kindOf(o) !== 'ConfigMap') return false;
    const name = String(o.metadata?.name ?? '');
    return (
      o.metadata?.namespace === controlPlaneNamespace &&
      (name === 'istio' || name.startsWith('istio-')) &&
      typeof o.data?.mesh === 'string'
    );
  });
  // The default revision's first, then revisioned ones (istio-REVISION).
  maps.sort(
    (a, b) =>
      Number((a.object as Json).metadata.name !== 'istio') -
      Number((b.object as Json).metadata.name !== 'istio'),
  );
  const chosen = maps[0];
  if (!chosen) return undefined;
  const o = chosen.object as Json;
  const name = String(o.metadata.name);
  return {
    source: `ConfigMap ${controlPlaneNamespace}/${name}`,
    meshConfig: parseMaybeYaml(o.data.mesh, message =>
      report.push({
        object: o,
        file: chosen.file,
        message: `data.mesh is not valid YAML: ${message}`,
      }),
    ),
    ...(name !== 'istio' ? { revision: name.slice('istio-'.length) } : {}),
    revisionTags: [],
    pilotEnv: {},
  };
}

function fromIstioOperator(objects: SourcedObject[]): RawSettings | undefined {
  const found = objects.find(({ object: o }) => kindOf(o) === 'IstioOperator');
  if (!found) return undefined;
  const o = found.object as Json;
  const spec = isObject(o.spec) ? o.spec : {};
  const values = isObject(spec.values) ? spec.values : {};
  const chart = fromChartValues(
    `IstioOperator ${o.metadata?.namespace ?? controlPlaneNamespace}/${
      o.metadata?.name ?? '(unnamed)'
    }`,
    {
      ...values,
      meshConfig: mergeValues(values.meshConfig ?? {}, spec.meshConfig ?? {}),
    },
  );
  return {
    ...chart,
    ...(typeof spec.revision === 'string' && spec.revision
      ? { revision: spec.revision }
      : {}),
  };
}

/** Sets `value` at a Helm `targetPath` (`a.b.c`). */
function atPath(targetPath: string, value: unknown): Json {
  return targetPath
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Json;
}

/**
 * A Flux HelmRelease of the istiod chart: `spec.valuesFrom` ConfigMaps of the snapshot
 * merged in order, then `spec.values` over them
 * (https://fluxcd.io/flux/components/helm/helmreleases/#values-references). Secrets are
 * never read.
 */
function fromHelmRelease(
  objects: SourcedObject[],
  report: MeshSettingsResult['problems'],
): RawSettings | undefined {
  const found = objects.find(
    ({ object: o }) =>
      kindOf(o) === 'HelmRelease' &&
      (o as Json).spec?.chart?.spec?.chart === 'istiod',
  );
  if (!found) return undefined;
  const release = found.object as Json;
  const namespace = release.metadata?.namespace ?? 'default';
  let values: Json = {};
  for (const ref of Array.isArray(release.spec?.valuesFrom)
    ? release.spec.valuesFrom
    : []) {
    if (!isObject(ref) || ref.kind !== 'ConfigMap') continue;
    const map = objects.find(
      ({ object: o }) =>
        kindOf(o) === 'ConfigMap' &&
        (o as Json).metadata?.name === ref.name &&
        ((o as Json).metadata?.namespace ?? 'default') === namespace,
    )?.object as Json | undefined;
    const text = map?.data?.[ref.valuesKey ?? 'values.yaml'];
    if (text === undefined) continue;
    const parsed =
      typeof ref.targetPath === 'string' && ref.targetPath
        ? atPath(ref.targetPath, text)
        : parseMaybeYaml(text, message =>
            report.push({
              object: map!,
              message: `${
                ref.valuesKey ?? 'values.yaml'
              } is not valid YAML: ${message}`,
            }),
          );
    values = mergeValues(values, parsed);
  }
  if (isObject(release.spec?.values))
    values = mergeValues(values, release.spec.values);
  return fromChartValues(
    `HelmRelease ${namespace}/${release.metadata?.name}`,
    values,
  );
}

/**
 * An Argo CD Application of the istiod chart: its value files (read from this repository
 * by the loader, `SourcedObject.valueFiles`), then `helm.values`, then
 * `helm.valuesObject`, each over the one before
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/helm/#values).
 */
function fromApplication(
  objects: SourcedObject[],
  report: MeshSettingsResult['problems'],
): RawSettings | undefined {
  for (const item of objects) {
    const o = item.object;
    if (!isObject(o) || kindOf(o) !== 'Application') continue;
    const spec = isObject(o.spec) ? o.spec : {};
    const sources: Json[] = Array.isArray(spec.sources)
      ? spec.sources.filter(isObject)
      : [spec.source].filter(isObject);
    const chart = sources.find(s => s.chart === 'istiod');
    if (!chart) continue;
    const helm = isObject(chart.helm) ? chart.helm : {};
    let values: Json = {};
    for (const entry of strings(helm.valueFiles)) {
      const file = item.valueFiles?.[entry];
      if (isObject(file)) values = mergeValues(values, file);
    }
    values = mergeValues(
      values,
      parseMaybeYaml(helm.values, message =>
        report.push({
          object: o,
          file: item.file,
          message: `helm.values is not valid YAML: ${message}`,
        }),
      ),
    );
    if (isObject(helm.valuesObject))
      values = mergeValues(values, helm.valuesObject);
    return fromChartValues(
      `Application ${o.metadata?.name ?? '(unnamed)'}`,
      values,
    );
  }
  return undefined;
}

/**
 * The cluster's mesh settings, from the first of: the `istio` (or `istio-REVISION`)
 * ConfigMap in istio-system, an IstioOperator, the istiod chart's values in a Flux
 * HelmRelease or an Argo CD Application; istiod's environment from the first of them
 * that states it. Every revision an `istio.io/rev` label names counts as installed, with
 * the default revision and the ones these settings name.
 *
 * @public
 */
export function readMeshSettings(objects: SourcedObject[]): MeshSettingsResult {
  const problems: MeshSettingsResult['problems'] = [];
  const sources = [
    fromConfigMaps(objects, problems),
    fromIstioOperator(objects),
    fromHelmRelease(objects, problems),
    fromApplication(objects, problems),
  ];
  const raw = sources.find(r => r !== undefined);
  // The ConfigMap cannot hold istiod's environment: it then comes from the first source
  // that states it (a cluster dump holds both the ConfigMap and the IstioOperator).
  const pilotEnv =
    sources.find(r => r && Object.keys(r.pilotEnv).length)?.pilotEnv ?? {};
  const mesh = raw?.meshConfig ?? {};
  const revisions = new Set(['default']);
  if (raw?.revision) revisions.add(raw.revision);
  raw?.revisionTags.forEach(t => revisions.add(t));
  for (const { object: o } of objects) {
    if (!isObject(o)) continue;
    const labels = [o.metadata?.labels, o.spec?.template?.metadata?.labels];
    for (const l of labels) {
      const rev = isObject(l) ? l['istio.io/rev'] : undefined;
      if (typeof rev === 'string' && rev) revisions.add(rev);
    }
  }
  const mode = mesh.outboundTrafficPolicy?.mode;
  return {
    mesh: {
      trustDomain:
        typeof mesh.trustDomain === 'string' && mesh.trustDomain
          ? mesh.trustDomain
          : defaultMeshConfig.trustDomain,
      trustDomainAliases: strings(mesh.trustDomainAliases),
      rootNamespace:
        typeof mesh.rootNamespace === 'string' && mesh.rootNamespace
          ? mesh.rootNamespace
          : defaultMeshConfig.rootNamespace,
      enableAutoMtls: mesh.enableAutoMtls !== false,
      // The trust domains of caCertificates entries: extra roots, not aliases.
      caCertificateTrustDomains: (Array.isArray(mesh.caCertificates)
        ? mesh.caCertificates
        : []
      ).flatMap((c: unknown) =>
        isObject(c) && Array.isArray(c.trustDomains)
          ? c.trustDomains.map(String)
          : [],
      ),
      pathNormalization: pathNormalizationOf(mesh.pathNormalization),
      outboundTrafficPolicy:
        mode === 'REGISTRY_ONLY' ? 'REGISTRY_ONLY' : 'ALLOW_ANY',
      // istiod's environment (pilot/pkg/features/security.go: SkipValidateTrustDomain).
      skipValidateTrustDomain: parseGoBool(
        pilotEnv.PILOT_SKIP_VALIDATE_TRUST_DOMAIN,
      ),
      revisions: [...revisions].sort(),
    },
    ...(raw ? { source: raw.source } : {}),
    meshConfig: mesh,
    istiodEnv: Object.fromEntries(
      Object.entries(pilotEnv).map(([k, v]) => [k, String(v)]),
    ),
    ...(raw?.caAddress ? { caAddress: raw.caAddress } : {}),
    caCertificatePems: (Array.isArray(mesh.caCertificates)
      ? mesh.caCertificates
      : []
    ).flatMap((c: unknown) =>
      isObject(c) && typeof c.pem === 'string' && c.pem.trim() ? [c.pem] : [],
    ),
    problems,
  };
}
