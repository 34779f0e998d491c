import {
  SourcedObject,
  findKind,
  groupOf,
  isObject,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { RepositoryIdentity, isThisRepository } from './repository';

type Json = Record<string, any>;

/** A folder of this repository that an Argo CD Application or a Flux Kustomization applies. */
export interface FollowedSource {
  /** The `path`, relative to the repository's root, as written. */
  path: string;
  /** The destination namespace: the default for the folder's objects. */
  namespace?: string;
  /** `Application NAME` or `Kustomization NAMESPACE/NAME`, for messages. */
  owner: string;
  file?: string;
}

/** The kinds table's name for an object: `Application`, `HelmRelease`... */
const kindOf = (o: Json) => findKind(o.apiVersion, o.kind)?.kind;

/** Whether an object is an Argo CD Application. */
export const isArgoApplication = (o: Json) => kindOf(o) === 'Application';

/** Whether an object is a Flux Kustomization (not kustomize's own kustomization file). */
export const isFluxKustomization = (o: Json) => kindOf(o) === 'Kustomization';

/** The sources of an Argo CD Application: `spec.sources`, else `spec.source`. */
export function applicationSources(app: Json): Json[] {
  const spec = isObject(app.spec) ? app.spec : {};
  if (Array.isArray(spec.sources)) return spec.sources.filter(isObject);
  return isObject(spec.source) ? [spec.source] : [];
}

/**
 * The folders of this repository that the snapshot's Applications and Flux Kustomizations
 * apply, and a line for each source that is not followed (another repository, a chart).
 */
export function gitopsSources(
  objects: SourcedObject[],
  repository: RepositoryIdentity,
): { followed: FollowedSource[]; notFollowed: string[] } {
  const followed: FollowedSource[] = [];
  const notFollowed: string[] = [];
  const where = (file?: string) => (file ? ` in ${file}` : '');
  const gitRepositories = objects
    .map(o => o.object)
    .filter((o): o is Json => isObject(o) && kindOf(o) === 'GitRepository');
  for (const { object, file } of objects) {
    if (!isObject(object)) continue;
    const name = String(object.metadata?.name ?? '(unnamed)');
    if (isArgoApplication(object)) {
      const owner = `Application ${name}`;
      const namespace = object.spec?.destination?.namespace;
      for (const source of applicationSources(object)) {
        const label = `${source.repoURL ?? '(no repoURL)'}${
          source.chart ? ` chart ${source.chart}` : ''
        }${source.path ? ` path ${source.path}` : ''}`;
        if (source.chart) {
          notFollowed.push(
            `${label} (${owner}${where(file)}): Helm charts are not rendered`,
          );
        } else if (source.ref && source.path === undefined) {
          // A `ref` source only lends its files to another source's value files.
        } else if (
          isThisRepository(source.repoURL, repository) &&
          typeof source.path === 'string'
        ) {
          followed.push({
            path: source.path,
            ...(typeof namespace === 'string' && namespace
              ? { namespace }
              : {}),
            owner,
            file,
          });
        } else {
          notFollowed.push(`${label} (${owner}${where(file)})`);
        }
      }
    } else if (isFluxKustomization(object)) {
      const namespace = object.metadata?.namespace ?? 'flux-system';
      const owner = `Kustomization ${namespace}/${name}`;
      const ref = isObject(object.spec?.sourceRef) ? object.spec.sourceRef : {};
      const gitRepository =
        (ref.kind ?? 'GitRepository') === 'GitRepository'
          ? gitRepositories.find(
              g =>
                g.metadata?.name === ref.name &&
                (g.metadata?.namespace ?? 'flux-system') ===
                  (ref.namespace ?? namespace),
            )
          : undefined;
      const url = gitRepository?.spec?.url;
      const target = object.spec?.targetNamespace;
      if (isThisRepository(url, repository)) {
        followed.push({
          path: typeof object.spec?.path === 'string' ? object.spec.path : './',
          ...(typeof target === 'string' && target
            ? { namespace: target }
            : {}),
          owner,
          file,
        });
      } else {
        let found = ' (not in the snapshot)';
        if (gitRepository) found = url ? ` (${url})` : '';
        notFollowed.push(
          `${ref.kind ?? 'GitRepository'} ${ref.name ?? '?'}${found} path ${
            object.spec?.path ?? './'
          } (${owner}${where(file)})`,
        );
      }
    } else if (kindOf(object) === 'HelmRelease') {
      const chart = object.spec?.chart?.spec?.chart ?? '(chartRef)';
      notFollowed.push(
        `HelmRelease ${
          object.metadata?.namespace ?? 'default'
        }/${name} chart ${chart}${where(file)}: Helm charts are not rendered`,
      );
    } else if (
      groupOf(object.apiVersion) === 'argoproj.io' &&
      object.kind === 'ApplicationSet'
    ) {
      notFollowed.push(
        `ApplicationSet ${name}${where(file)}: its generated Applications`,
      );
    }
  }
  return { followed, notFollowed };
}
