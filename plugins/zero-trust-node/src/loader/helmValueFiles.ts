import path from 'node:path';
import { parseDocument } from 'yaml';
import type { SourcedObject } from '@zero-trust/backstage-plugin-zero-trust-common';
import { malformedYaml } from '@zero-trust/backstage-plugin-zero-trust-common';
import { ManifestError } from '../ManifestError';
import { ReadText, readFromDisk } from '../parseManifests';
import { applicationSources, isArgoApplication } from './gitopsSources';
import { RepositoryIdentity, isThisRepository } from './repository';

type Json = Record<string, any>;

/** Whether an Application installs the istiod chart: its values are the mesh settings. */
export const installsIstiod = (o: Json) =>
  isArgoApplication(o) && applicationSources(o).some(s => s.chart === 'istiod');

/**
 * Where an Application's value file is in this repository: `$REF/path` through a `ref`
 * source of this repository, or a path inside a chart folder of this repository
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/multiple_sources/#helm-value-files-from-external-git-repository).
 */
function locate(
  entry: string,
  chartSource: Json,
  sources: Json[],
  repository: RepositoryIdentity,
): string | undefined {
  const ref = /^\$([^/]+)\/(.*)$/.exec(entry);
  if (ref) {
    const source = sources.find(s => s.ref === ref[1]);
    return source && isThisRepository(source.repoURL, repository)
      ? path.resolve(repository.root, ref[2])
      : undefined;
  }
  if (
    typeof chartSource.path === 'string' &&
    isThisRepository(chartSource.repoURL, repository)
  ) {
    return path.resolve(repository.root, chartSource.path, entry);
  }
  return undefined;
}

/**
 * Reads the value files of the snapshot's istiod Applications into
 * `SourcedObject.valueFiles`. A file that is missing or not YAML is an error naming it.
 */
export async function readHelmValueFiles(
  objects: SourcedObject[],
  repository: () => Promise<RepositoryIdentity>,
  note: (text: string) => void,
  readText: ReadText = readFromDisk,
): Promise<SourcedObject[]> {
  const out: SourcedObject[] = [];
  for (const item of objects) {
    const app = item.object as Json;
    if (!installsIstiod(app)) {
      out.push(item);
      continue;
    }
    const repo = await repository();
    const sources = applicationSources(app);
    const valueFiles: Record<string, unknown> = {};
    for (const source of sources.filter(s => s.chart === 'istiod')) {
      const entries = source.helm?.valueFiles;
      for (const entry of Array.isArray(entries) ? entries : []) {
        if (typeof entry !== 'string') continue;
        const file = locate(entry, source, sources, repo);
        const owner = `${item.file ?? '(stdin)'}: Application ${
          app.metadata?.name
        }`;
        if (!file) {
          note(
            `not read: value file ${entry} (${owner}) is not in this repository`,
          );
          continue;
        }
        if (file !== repo.root && !file.startsWith(repo.root + path.sep)) {
          throw new ManifestError(
            `${owner}: value file ${entry} leaves the repository`,
            item.file ?? '',
          );
        }
        const text = await readText(file).catch(() => undefined);
        if (text === undefined) {
          if (source.helm?.ignoreMissingValueFiles) continue;
          throw new ManifestError(
            `${owner}: value file ${entry} does not exist (${file})`,
            item.file ?? '',
          );
        }
        const doc = parseDocument(text, { prettyErrors: true });
        const malformed = malformedYaml(doc, file);
        if (malformed)
          throw new ManifestError(malformed.message, file, malformed.line);
        const value = doc.toJS();
        if (
          value !== null &&
          (typeof value !== 'object' || Array.isArray(value))
        )
          throw new ManifestError(
            `${file}: a Helm value file must hold a YAML map`,
            file,
          );
        valueFiles[entry] = value ?? {};
      }
    }
    out.push({ ...item, valueFiles });
  }
  return out;
}
