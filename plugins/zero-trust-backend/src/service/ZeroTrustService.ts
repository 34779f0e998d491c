import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AllowedCaller,
  check,
  compareUsageRanking,
  ClusterCaveat,
  clusterCaveat,
  CheckRequest,
  CheckResponse,
  EdgesQuery,
  EgressResponse,
  ExposureResponse,
  ClustersResponse,
  EntityWorkloadSelector,
  Finding,
  FindingsQuery,
  FindingsResponse,
  findingNamespace,
  IdentitiesResponse,
  isTrustFinding,
  MeshIdentity,
  NamespacesResponse,
  OnboardingPreviewResponse,
  OnboardingRequestRecord,
  parseOnboardingRequest,
  planOnboarding,
  previewOnboarding,
  resolveEntityCallers,
  ParsedLabelSelector,
  resolveReference,
  SecurityWorkload,
  TrustResponse,
  UsageResponse,
  usageRanking,
  sortFindings,
  usageFindings,
  workloadUsage,
  trustView,
  UnknownReferenceError,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { isUserError } from '@zero-trust/backstage-plugin-zero-trust-node';
import { CatalogIdentityIndex } from '../catalog/CatalogIdentityIndex';
import {
  entityClusters,
  entitySelector,
  entityWorkloads,
  workloadLabelSelector,
} from '../catalog/entityWorkloads';
import { MeshState } from '../clusters/MeshState';
import { MeshView } from '../clusters/MeshView';
import {
  ClusterTelemetry,
  TelemetryReading,
} from '../telemetry/ClusterTelemetry';
import {
  ClusterAnswer,
  PreparedResponse,
  SecurityAnswers,
} from './SecurityAnswers';
import { dryRunEvidence } from './dryRunEvidence';

const unique = (values: string[]) => [...new Set(values)].sort();

/**
 * The findings as one entity's Security tab shows them: a finding that affects many
 * workloads (ZT035's mesh-wide ALLOW_ANY names every workload of the cluster) lists only
 * the entity's own there; its message counts the others, and `GET /findings` has them all.
 */
function narrowedTo(ours: Set<string>, findings: Finding[]): Finding[] {
  return findings.map(f =>
    f.workloads
      ? { ...f, workloads: f.workloads.filter(id => ours.has(id)) }
      : f,
  );
}

/** What the routes answer, computed from the mesh state and the catalog. */
export class ZeroTrustService {
  private readonly answers = new SecurityAnswers();

  constructor(
    private readonly mesh: MeshState,
    private readonly index: CatalogIdentityIndex,
    private readonly catalog: CatalogService,
    private readonly telemetry: ClusterTelemetry,
  ) {}

  /**
   * The Security tab's answer (`EntitySecurityResponse`), ready to send. What is the
   * same for every user on this model is built and serialised once (`SecurityAnswers`);
   * each request still reads the clusters' status and asks the catalog, as the user,
   * which callers' entities they may see, and the response is the one prepared for
   * exactly those.
   */
  async entitySecurity(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<PreparedResponse> {
    const entityRef = stringifyEntityRef(entity);
    const selector = entitySelector(entity);
    const view = this.mesh.current();
    const byWorkload = await this.index.entitiesByWorkload(view);
    if (!selector) {
      return this.answers.response(byWorkload, entityRef, () =>
        JSON.stringify({ entityRef, selector: {}, clusters: [] }),
      );
    }
    const labels = workloadLabelSelector(selector);
    const selectorKey = JSON.stringify(selector);
    const clusterNames = entityClusters(selector, this.mesh.clusterNames());
    const readings = await Promise.all(
      clusterNames.map(cluster => this.telemetry.current(cluster)),
    );
    const answers = clusterNames.map((cluster, i) => {
      const key = `${cluster}:${selectorKey}:${readings[i].stamp}`;
      return {
        cluster,
        key,
        telemetry: JSON.stringify(readings[i].status),
        status: JSON.stringify(this.mesh.status(cluster)!),
        answer: this.answers.get(byWorkload, key, () =>
          this.clusterAnswer(
            view,
            byWorkload,
            selector,
            labels,
            cluster,
            readings[i],
          ),
        ),
      };
    });
    const visible = await this.visibleRefs(
      answers.flatMap(a => a.answer.refs),
      credentials,
    );
    const key = [
      entityRef,
      ...answers.flatMap(a => [
        a.key,
        this.answers.hiddenRefs(a.answer, visible),
        a.status,
        a.telemetry,
      ]),
    ].join('\n');
    return this.answers.response(byWorkload, key, () => {
      const clusters = answers.map(
        a =>
          `{"cluster":${JSON.stringify(a.cluster)},"status":${
            a.status
          },${this.answers.json(a.answer, visible)},"telemetry":${
            a.telemetry
          }}`,
      );
      return `{"entityRef":${JSON.stringify(
        entityRef,
      )},"selector":${selectorKey},"clusters":[${clusters.join(',')}]}`;
    });
  }

  /** One cluster's part of the Security tab, every caller's entities included. */
  private clusterAnswer(
    view: MeshView,
    byWorkload: Map<string, string[]>,
    selector: EntityWorkloadSelector,
    labels: ParsedLabelSelector,
    cluster: string,
    telemetry: TelemetryReading,
  ): Omit<ClusterAnswer, 'json'> {
    const callerRefs = this.callerRefs(view, byWorkload);
    const workloads = entityWorkloads(selector, labels, view.model, cluster);
    const namespaces = unique(workloads.map(w => w.namespace));
    const ours = new Set(workloads.map(w => w.id));
    const securityWorkloads = workloads.map((w): SecurityWorkload => {
      const { allowedCallers, ...rest } = view.view(w);
      // Usage only from a reading that succeeded: otherwise `telemetry` says why not.
      const usage =
        telemetry.traffic && telemetry.window
          ? workloadUsage(
              view.model,
              w,
              telemetry.traffic,
              telemetry.window,
              allowedCallers,
            )
          : undefined;
      return {
        ...rest,
        allowedCallers: allowedCallers.map((c, i) => ({
          ...c,
          entityRefs: callerRefs(c),
          ...(usage ? { usage: usage.callers[i].usage } : {}),
        })),
        // ZT050-ZT053 need the traffic: only where this cluster's telemetry was read.
        findings: narrowedTo(
          ours,
          usage
            ? sortFindings([
                ...view.findingsForWorkload(w.id),
                ...usageFindings(view.model, [usage]),
              ])
            : view.findingsForWorkload(w.id),
        ),
        ...(usage
          ? {
              notAllowedCallers: usage.notAllowed,
              plaintextObserved: usage.plaintext,
            }
          : {}),
      };
    });
    return {
      workloads: securityWorkloads,
      namespaceFindings: narrowedTo(ours, [
        // A cluster-scoped object (a Cilium or Calico cluster-wide policy, not
        // read) concerns every namespace, so these workloads' too.
        ...(workloads.length ? view.findingsForCluster(cluster) : []),
        ...namespaces.flatMap(ns => view.findingsForNamespace(cluster, ns)),
      ]),
      refs: unique(
        securityWorkloads.flatMap(w =>
          w.allowedCallers.flatMap(c => c.entityRefs),
        ),
      ),
    };
  }

  async identities(
    credentials: BackstageCredentials,
  ): Promise<IdentitiesResponse> {
    const view = this.mesh.current();
    const byWorkload = await this.index.entitiesByWorkload(view);
    const byPrincipal = new Map<string, MeshIdentity>();
    for (const w of view.model.workloads) {
      if (!w.inMesh) continue;
      const { principal } = w;
      let identity = byPrincipal.get(principal);
      if (!identity) {
        identity = {
          principal,
          spiffeId: w.spiffeId,
          cluster: w.cluster.name,
          namespace: w.namespace,
          serviceAccount: w.workload.serviceAccount,
          workloads: [],
          entityRefs: [],
        };
        byPrincipal.set(principal, identity);
      }
      identity.workloads.push(`${w.namespace}/${w.workload.name}`);
      identity.entityRefs.push(...(byWorkload.get(w.id) ?? []));
    }
    const items = [...byPrincipal.values()].sort((a, b) =>
      a.principal.localeCompare(b.principal),
    );
    const visible = await this.visibleRefs(
      items.flatMap(i => i.entityRefs),
      credentials,
    );
    for (const item of items) {
      item.entityRefs = unique(item.entityRefs.filter(r => visible.has(r)));
    }
    return { items, ...this.caveats(this.mesh.clusterNames()) };
  }

  clusters(): ClustersResponse {
    return { items: this.mesh.clusters() };
  }

  check(query: CheckRequest): CheckResponse {
    const { model } = this.mesh.current();
    try {
      const result = check(model, query);
      // The clusters of the workloads it was computed from.
      const clusters = [query.from, query.to]
        .filter(ref => ref !== 'plaintext' && !ref.startsWith('principal:'))
        .flatMap(ref => resolveReference(model, ref).workloads)
        .map(w => w.cluster.name);
      return { ...result, ...this.caveats(unique(clusters)) };
    } catch (error) {
      // A reference to nothing is the caller's mistake, as in the CLI (exit 2).
      if (error instanceof UnknownReferenceError) {
        const unread = this.mesh
          .clusterNames()
          .filter(name => !model.cluster(name));
        throw new NotFoundError(
          `${error.message}${
            unread.length
              ? ` (not read yet, so not searched: cluster ${unread.join(', ')})`
              : ''
          }`,
        );
      }
      throw error;
    }
  }

  findings(query: FindingsQuery): FindingsResponse {
    const items = this.mesh
      .current()
      .findings()
      .filter(
        f =>
          (!query.severity || f.severity === query.severity) &&
          (!query.cluster || f.resource.cluster === query.cluster) &&
          (!query.namespace || findingNamespace(f) === query.namespace),
      );
    const clusters = this.mesh
      .clusterNames()
      .filter(name => !query.cluster || name === query.cluster);
    return { items, ...this.caveats(clusters) };
  }

  /**
   * What an onboarding request would generate and grant, from the live state, writing
   * nothing. Entity callers resolve to the identities the user may see.
   */
  async previewOnboarding(
    input: unknown,
    credentials: BackstageCredentials,
  ): Promise<OnboardingPreviewResponse> {
    try {
      let request = parseOnboardingRequest(input);
      if (request.allowedCallers.some(c => 'entityRef' in c)) {
        const { items } = await this.identities(credentials);
        request = resolveEntityCallers(request, items);
      }
      const { model } = this.mesh.current();
      const plan = planOnboarding(request, model);
      // The service's cluster, and those its workload callers run in (their principals
      // carry their cluster's trust domain).
      const callerClusters = plan.request.allowedCallers.flatMap(c =>
        'workload' in c ? [model.resolveWorkload(c.workload).cluster.name] : [],
      );
      return {
        ...previewOnboarding(plan, model),
        ...this.caveats(unique([plan.cluster, ...callerClusters])),
      };
    } catch (error) {
      if (isUserError(error)) throw new InputError(error.message);
      throw error;
    }
  }

  /** The Trust view: clusters, who authenticates to whom, root expiries, certificate findings. */
  trust(): TrustResponse {
    const view = this.mesh.current();
    return {
      ...view.memo('trust', () => trustView(view.model)),
      findings: view.findings().filter(isTrustFinding),
      ...this.caveats(this.mesh.clusterNames()),
    };
  }

  /** Every way in from outside; `namespace` is the exposed Service's. */
  exposure(query: EdgesQuery): ExposureResponse {
    const items = this.mesh
      .current()
      .edges()
      .exposure.filter(
        x =>
          (!query.cluster || x.cluster === query.cluster) &&
          (!query.namespace || x.service.startsWith(`${query.namespace}/`)),
      );
    return { items, ...this.caveats(this.queried(query)) };
  }

  /**
   * Every external host and who may reach it; `namespace` keeps the hosts its
   * ServiceEntries register or its workloads may reach (or are blocked from).
   */
  egress(query: EdgesQuery): EgressResponse {
    const { egress, anyHost } = this.mesh.current().edges();
    const inCluster = (cluster: string) =>
      !query.cluster || cluster === query.cluster;
    const inNamespace = (workload: string) =>
      !query.namespace || workload.split('/')[1] === query.namespace;
    const items = egress.filter(
      e =>
        inCluster(e.cluster) &&
        (!query.namespace ||
          e.serviceEntry.startsWith(`${query.namespace}/`) ||
          e.callers.some(c => inNamespace(c.workload)) ||
          e.blocked.some(inNamespace)),
    );
    const open = anyHost
      .filter(a => inCluster(a.cluster))
      .map(a => ({ ...a, workloads: a.workloads.filter(inNamespace) }))
      .filter(a => a.workloads.length);
    return { items, anyHost: open, ...this.caveats(this.queried(query)) };
  }

  /**
   * Services ranked by unused permissions, from each queried cluster's telemetry
   * reading (kept per model and reading); each cluster's telemetry status says why one
   * is not ranked. `namespace` is the workload's.
   */
  async usage(query: EdgesQuery): Promise<UsageResponse> {
    const view = this.mesh.current();
    const names = this.queried(query);
    const readings = await Promise.all(
      names.map(cluster => this.telemetry.current(cluster)),
    );
    const items = names.flatMap((cluster, i) => {
      const { traffic, window, stamp } = readings[i];
      if (!traffic || !window) return [];
      return view
        .memo(`usage:${cluster}:${stamp}`, () =>
          usageRanking(
            view.model,
            cluster,
            traffic,
            window,
            w => view.view(w).allowedCallers,
          ),
        )
        .filter(x => !query.namespace || x.namespace === query.namespace);
    });
    // One ranking across clusters, in the same order each cluster's is.
    items.sort(compareUsageRanking);
    return {
      items,
      clusters: names.map((cluster, i) => ({
        cluster,
        telemetry: readings[i].status,
      })),
      ...this.caveats(names),
    };
  }

  /**
   * The records with each dry-run request's evidence (`dryRun`): its workloads now and
   * their proxies' shadow RBAC counts from the cluster's telemetry reading (the cached
   * one, over the configured window).
   */
  async withDryRunEvidence(
    records: OnboardingRequestRecord[],
  ): Promise<OnboardingRequestRecord[]> {
    const clusters = [
      ...new Set(
        records
          .filter(r => r.request.rollout === 'dry-run')
          .map(r => r.cluster),
      ),
    ];
    if (!clusters.length) return records;
    const view = this.mesh.current();
    const readings = new Map(
      await Promise.all(
        clusters.map(async c => [c, await this.telemetry.current(c)] as const),
      ),
    );
    return records.map(record => {
      const reading = readings.get(record.cluster);
      const dryRun = reading && dryRunEvidence(record, view, reading);
      return dryRun ? { ...record, dryRun } : record;
    });
  }

  namespaces(): NamespacesResponse {
    return {
      items: this.mesh.current().postures(),
      ...this.caveats(this.mesh.clusterNames()),
    };
  }

  /** The configured clusters a query names (all without `cluster`). */
  private queried(query: { cluster?: string }): string[] {
    return this.mesh
      .clusterNames()
      .filter(name => !query.cluster || name === query.cluster);
  }

  /** `{ caveats }` for the clusters not complete and current among these, else nothing. */
  private caveats(clusters: string[]): { caveats?: ClusterCaveat[] } {
    const caveats = clusters.flatMap(name => {
      const status = this.mesh.status(name);
      const caveat = status && clusterCaveat(name, status);
      return caveat ? [caveat] : [];
    });
    return caveats.length ? { caveats } : {};
  }

  /** Maps a caller to the catalog entities its workloads belong to. */
  private callerRefs(
    view: MeshView,
    byWorkload: Map<string, string[]>,
  ): (caller: AllowedCaller) => string[] {
    return ({ source }) => {
      if (source.kind === 'workload') {
        return byWorkload.get(source.workload) ?? [];
      }
      if (source.kind === 'principal') {
        return unique(
          view.model
            .workloadsWithPrincipal(source.principal)
            .flatMap(w => byWorkload.get(w.id) ?? []),
        );
      }
      return [];
    };
  }

  /** The refs the user may see: the index reads the catalog as the plugin, not as them. */
  private async visibleRefs(
    refs: string[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const entityRefs = unique(refs);
    if (!entityRefs.length) return new Set();
    const { items } = await this.catalog.getEntitiesByRefs(
      {
        entityRefs,
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials },
    );
    return new Set(items.flatMap(e => (e ? [stringifyEntityRef(e)] : [])));
  }
}

/** The same error for unknown and invisible entities, so existence does not leak. */
export function entityNotFound(ref: string): NotFoundError {
  return new NotFoundError(`entity ${ref} not found`);
}
