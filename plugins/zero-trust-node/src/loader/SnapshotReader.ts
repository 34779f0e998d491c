import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SourcedObject } from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  ReadText,
  parseManifests,
  readFromDisk,
  readManifestFile,
  readProcessStdin,
} from '../parseManifests';
import type { LoadManifestsOptions } from '../loadManifests';
import { ManifestError } from '../ManifestError';
import { Kustomization, discoverUnits } from './discover';
import { readHelmValueFiles } from './helmValueFiles';
import { FollowedSource, gitopsSources } from './gitopsSources';
import { KustomizeProgram, findKustomize } from './kustomizeBuild';
import { renderKustomization } from './render';
import { RepositoryIdentity, identifyRepository } from './repository';

type Json = Record<string, any>;

/** Kinds that live outside namespaces: a destination namespace does not apply to them. */
const clusterScoped = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'APIService',
]);

function withNamespace(o: SourcedObject, namespace?: string): SourcedObject {
  const obj = o.object as Json;
  if (
    !namespace ||
    typeof obj !== 'object' ||
    obj === null ||
    clusterScoped.has(obj.kind) ||
    obj.metadata?.namespace
  ) {
    return o;
  }
  return {
    ...o,
    object: { ...obj, metadata: { ...obj.metadata, namespace } },
  };
}

/** One file read as it is, or one kustomization rendered as one, and what it gave. */
export interface ReadUnit {
  /** The manifest file, for a file read as it is (absolute). */
  file?: string;
  /** The kustomization, for a rendered one. */
  kustomization?: Kustomization;
  objects: SourcedObject[];
}

interface Unit extends ReadUnit {
  namespace?: string;
}

/** What a read applied, for a writer that must change what a cluster renders. */
export interface ReadStructure {
  /** The folders read (the target and each path an Application or Flux Kustomization names). */
  folders: string[];
  units: ReadUnit[];
}

/** An Application's folder, and the Applications whose files it holds. */
interface Edge {
  source: FollowedSource;
  target: string;
}

/**
 * One read of a snapshot. Each file or kustomization (a unit) is read once, however many
 * folders or Applications lead to it, so each object of the rendered cluster appears once.
 */
export class SnapshotReader {
  private readonly units = new Map<string, Unit>();
  private readonly followed = new Set<string>();
  private readonly folders: string[] = [];
  private readonly edges: Edge[] = [];
  private readonly notes = new Set<string>();
  private program: Promise<KustomizeProgram> | undefined;
  private repository: Promise<RepositoryIdentity> | undefined;

  private readonly readText: ReadText;

  constructor(private readonly options: LoadManifestsOptions) {
    this.readText = options.readText ?? readFromDisk;
  }

  async read(target: string): Promise<SourcedObject[]> {
    if (target === '-') {
      const text = await (this.options.readStdin ?? readProcessStdin)();
      const objects = parseManifests(text, '(stdin)');
      this.units.set('-', { objects });
      await this.follow(objects, process.cwd());
    } else {
      await this.readTree(path.resolve(target), undefined);
    }
    this.checkCycles();
    const display = (file?: string) =>
      file && file !== '(stdin)' && !path.isAbsolute(target)
        ? path.relative(process.cwd(), file) || file
        : file;
    const all = [...this.units.values()].flatMap(u => u.objects);
    const withValues = await readHelmValueFiles(
      all,
      () => this.repo(target === '-' ? process.cwd() : path.resolve(target)),
      text => this.note(text),
      this.readText,
    );
    const out = withValues.map(o => ({ ...o, file: display(o.file) }));
    for (const note of this.notes) this.options.onNote?.(note);
    return out;
  }

  /** The folders and units of the last read, paths absolute. */
  structure(): ReadStructure {
    return {
      folders: [...this.folders],
      units: [...this.units.values()].map(({ namespace, ...unit }) => unit),
    };
  }

  private note(text: string) {
    this.notes.add(text);
  }

  private kustomize(): Promise<KustomizeProgram> {
    if (!this.program) this.program = findKustomize();
    return this.program;
  }

  private repo(from: string): Promise<RepositoryIdentity> {
    if (!this.repository) {
      this.repository = identifyRepository(
        from,
        this.options.repoUrls,
        this.options.repoRoot,
      );
    }
    return this.repository;
  }

  private async readTree(target: string, namespace: string | undefined) {
    if (!this.folders.includes(target)) this.folders.push(target);
    const program = await this.kustomize();
    const units = await discoverUnits(
      target,
      program !== undefined,
      this.readText,
    );
    for (const chart of units.charts) {
      this.note(
        `skipped Helm chart ${chart}: charts are not rendered (render it with helm template and pass the output with -)`,
      );
    }
    for (const file of units.unlisted) {
      this.note(
        `not read: ${file} is in a kustomization's folder but the kustomization does not list it`,
      );
    }
    if (!program && (await this.hasKustomization(target))) {
      this.note(
        'neither kustomize nor kubectl is on PATH: kustomizations are read as plain files, not rendered',
      );
    }
    const fresh: SourcedObject[] = [];
    const take = async (
      key: string,
      source: Pick<ReadUnit, 'file' | 'kustomization'>,
      load: () => Promise<SourcedObject[]>,
    ): Promise<void> => {
      const existing = this.units.get(key);
      if (existing && (existing.namespace || !namespace)) return;
      const objects = (await load()).map(o => withNamespace(o, namespace));
      this.units.set(key, { ...source, objects, namespace });
      fresh.push(...objects);
    };
    for (const k of units.kustomizations) {
      await take(`kustomize:${k.dir}`, { kustomization: k }, async () => {
        for (const ref of k.refs) {
          for (const remote of ref.remote) this.note(`not fetched: ${remote}`);
        }
        return renderKustomization(program!, k, parseManifests, this.readText);
      });
    }
    for (const file of units.files) {
      await take(file, { file }, async () =>
        parseManifests(await readManifestFile(file, this.readText), file),
      );
    }
    const dir = (await fs.stat(target)).isDirectory()
      ? target
      : path.dirname(target);
    await this.follow(fresh, dir);
  }

  private async hasKustomization(target: string): Promise<boolean> {
    const units = await discoverUnits(target, true, this.readText).catch(
      () => undefined,
    );
    return (units?.kustomizations.length ?? 0) > 0;
  }

  /** Reads the folders that the objects' Applications and Flux Kustomizations apply. */
  private async follow(objects: SourcedObject[], from: string) {
    if (
      !objects.some(o => {
        const obj = o.object as Json;
        return (
          typeof obj?.apiVersion === 'string' &&
          /(argoproj\.io|fluxcd\.io)\//.test(obj.apiVersion)
        );
      })
    ) {
      return;
    }
    const repository = await this.repo(from);
    const { followed, notFollowed } = gitopsSources(objects, repository);
    for (const line of notFollowed) this.note(`not followed: ${line}`);
    for (const source of followed) {
      const target = path.resolve(repository.root, source.path);
      const where = source.file ?? '(stdin)';
      if (
        target !== repository.root &&
        !target.startsWith(repository.root + path.sep)
      ) {
        throw new ManifestError(
          `${where}: ${source.owner}: path "${source.path}" leaves the repository (${repository.root})`,
          where,
        );
      }
      const stat = await fs.stat(target).catch(() => undefined);
      if (!stat) {
        throw new ManifestError(
          `${where}: ${source.owner}: path "${source.path}" does not exist in the repository (${repository.root})`,
          where,
        );
      }
      if (
        !this.edges.some(
          e =>
            e.target === target &&
            e.source.file === source.file &&
            e.source.owner === source.owner,
        )
      ) {
        this.edges.push({ source, target });
      }
      const key = `${target}|${source.namespace ?? ''}`;
      if (this.followed.has(key)) continue;
      this.followed.add(key);
      await this.readTree(target, source.namespace);
    }
  }

  /**
   * An Application whose folder holds (directly or through others) the Application
   * itself: Argo CD would apply it forever, and it is refused.
   */
  private checkCycles() {
    const inside = (file: string | undefined, dir: string) =>
      !!file &&
      (path.resolve(file) === dir ||
        path.resolve(file).startsWith(dir + path.sep));
    const next = (e: Edge) =>
      this.edges.filter(n => inside(n.source.file, e.target));
    const done = new Set<Edge>();
    const visit = (e: Edge, chain: Edge[]) => {
      if (done.has(e)) return;
      if (chain.includes(e)) {
        const loop = [...chain.slice(chain.indexOf(e)), e]
          .map(c => `${c.source.owner} (${c.source.file})`)
          .join(' -> ');
        throw new ManifestError(
          `${e.source.file}: a cycle of Applications: ${loop}`,
          e.source.file ?? '',
        );
      }
      for (const n of next(e)) visit(n, [...chain, e]);
      done.add(e);
    };
    for (const e of this.edges) visit(e, []);
  }
}
