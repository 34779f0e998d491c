import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { malformedYaml } from '@zero-trust/backstage-plugin-zero-trust-common';
import { ManifestError } from '../ManifestError';
import { ReadText, readFromDisk } from '../parseManifests';

/** The names kustomize looks for in a folder, in its order. */
export const kustomizationFileNames = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];

type Json = Record<string, any>;

/** What one kustomization file refers to. */
export interface KustomizationRefs {
  file: string;
  /** Local files and folders it reads (resources, bases, components, patches, generator files...). */
  local: string[];
  /** The local entries of `resources`/`bases`/`components` that are manifests or folders. */
  resources: string[];
  /** Remote resources and Helm charts, which are never fetched. */
  remote: string[];
  /** Whether the file needs rewriting before a build (it names something remote). */
  rewrite: boolean;
  /** Its patches, each as a local file or inline text, with the kind it targets if it says. */
  patches: KustomizePatch[];
}

/** One entry of `patches`, `patchesStrategicMerge` or `patchesJson6902`. */
export interface KustomizePatch {
  file?: string;
  inline?: string;
  targetKind?: string;
}

/** The kustomization file in `dir`, if it has one. */
export async function kustomizationIn(
  dir: string,
): Promise<string | undefined> {
  for (const name of kustomizationFileNames) {
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => undefined);
    if (stat?.isFile()) return file;
  }
  return undefined;
}

/**
 * Whether a kustomization entry names something remote: a URL, or a git location
 * such as `github.com/org/repo/path?ref=v1` (kustomize's remote targets,
 * https://github.com/kubernetes-sigs/kustomize/blob/master/examples/remoteBuild.md).
 */
export function isRemoteEntry(entry: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ||
    /^git@/.test(entry) ||
    entry.includes('?ref=') ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry)
  );
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter(v => typeof v === 'string') : [];

const paths = (value: unknown, key = 'path'): string[] =>
  Array.isArray(value)
    ? value
        .map(v => (v && typeof v === 'object' ? (v as Json)[key] : undefined))
        .filter((v): v is string => typeof v === 'string')
    : [];

/** Generator file entries are `file`, or `key=file`. */
const generatorFiles = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.flatMap(g =>
        g && typeof g === 'object'
          ? [...strings(g.files), ...strings(g.envs), ...strings([g.env])].map(
              f => f.slice(f.indexOf('=') + 1),
            )
          : [],
      )
    : [];

/** Parses a kustomization file and lists what it refers to, relative paths resolved. */
export async function readKustomization(
  file: string,
  readText: ReadText = readFromDisk,
): Promise<KustomizationRefs> {
  const text = await readText(file);
  const doc = parseDocument(text, { prettyErrors: true });
  const malformed = malformedYaml(doc, file);
  if (malformed)
    throw new ManifestError(malformed.message, file, malformed.line);
  const k: Json = (doc.toJS() as Json) ?? {};
  const dir = path.dirname(file);
  const resources = [
    ...strings(k.resources),
    ...strings(k.bases),
    ...strings(k.components),
  ];
  const others = [
    ...paths(k.patches),
    ...strings(k.patchesStrategicMerge).filter(p => !p.includes('\n')),
    ...paths(k.patchesJson6902),
    ...paths(k.replacements),
    ...strings(k.crds),
    ...strings(k.configurations),
    ...strings(k.transformers),
    ...strings(k.generators),
    ...strings(k.validators),
    ...generatorFiles(k.configMapGenerator),
    ...generatorFiles(k.secretGenerator),
    ...(typeof k.openapi?.path === 'string' ? [k.openapi.path] : []),
  ].filter(p => !p.includes('\n'));
  const remote = [
    ...resources.filter(isRemoteEntry),
    ...(Array.isArray(k.helmCharts)
      ? k.helmCharts.map(
          (c: Json) =>
            `Helm chart ${c?.name ?? '?'}${c?.repo ? ` from ${c.repo}` : ''}`,
        )
      : []),
  ];
  const local = (list: string[]) =>
    list.filter(e => !isRemoteEntry(e)).map(e => path.resolve(dir, e));
  const patch = (at: unknown, inline: unknown, target: unknown) => ({
    ...(typeof at === 'string' ? { file: path.resolve(dir, at) } : {}),
    ...(typeof inline === 'string' ? { inline } : {}),
    ...(target && typeof (target as Json).kind === 'string'
      ? { targetKind: (target as Json).kind as string }
      : {}),
  });
  const entries = (value: unknown): Json[] =>
    Array.isArray(value) ? value.filter(v => v && typeof v === 'object') : [];
  const patches = [
    ...entries(k.patches).map(p => patch(p.path, p.patch, p.target)),
    ...strings(k.patchesStrategicMerge).map(p =>
      p.includes('\n')
        ? patch(undefined, p, undefined)
        : patch(p, undefined, undefined),
    ),
    ...entries(k.patchesJson6902).map(p => patch(p.path, p.patch, p.target)),
  ];
  return {
    patches,
    file,
    resources: local(resources),
    local: [...local(resources), ...local(others)],
    remote: remote.map(r => `${r} (in ${file})`),
    rewrite: remote.length > 0,
  };
}
