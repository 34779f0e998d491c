import { LoggerService } from '@backstage/backend-plugin-api';
import type {
  ClusterStatus,
  OnboardingChangeSummary,
  OnboardingRequestState,
  SourcedObject,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  ClusterIndex,
  compareWithCluster,
  indexCluster,
  resourceName,
} from './compareWithCluster';
import { PullRequestReader, UntrackableRequestError } from './forges/types';
import type { ChangeRenderer } from './renderedChange';
import {
  OnboardingRequestCheck,
  OnboardingRequestStore,
  StoredOnboardingRequest,
} from './OnboardingRequestStore';

/**
 * A cluster as the tracker reads it: one of the backend's cluster sources. A live source
 * is kept current by its informers; a snapshot has `reload()`, which the tracker calls
 * once per run to see what a GitOps sync would have applied by now.
 */
export interface TrackedCluster {
  readonly name: string;
  objects(): SourcedObject[] | undefined;
  status(): ClusterStatus;
  reload?(): Promise<void>;
}

export interface OnboardingRequestTrackerOptions {
  store: OnboardingRequestStore;
  pullRequests: PullRequestReader;
  clusters: TrackedCluster[];
  /**
   * The clusters whose desired state is a GitOps repository: a request's change is
   * compared as the cluster's controller renders it. Other clusters' changes are
   * compared as generated.
   */
  renderers?: ChangeRenderer[];
  logger: LoggerService;
  /** How long a merged request may take to show in the cluster before it is `drifted`. */
  convergeWithinMs: number;
  now?: () => Date;
}

/** What one run did. */
export interface TrackingRun {
  checked: number;
  changed: number;
  errors: number;
}

type ClusterReading =
  | { objects: ClusterIndex; status: ClusterStatus }
  | { error: string };

/** How many requests are checked at once: forges are asked in parallel, politely. */
const concurrency = 4;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Follows each onboarding request that is not final: the forge's state of its pull
 * request until it is merged or closed, then the live cluster: `converged` while it holds
 * the change (as the cluster's GitOps controller renders it, where `renderers` has one), `drifted` (with the differences) when, after the grace period, it holds
 * something else, also after having converged. A newer merged request for the same
 * service takes over (see `OnboardingRequestStore.listActive`). What cannot be read this
 * time is recorded as `lastError`, the state is kept, and the next run tries again.
 */
export class OnboardingRequestTracker {
  private readonly now: () => Date;

  constructor(private readonly options: OnboardingRequestTrackerOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async run(signal?: AbortSignal): Promise<TrackingRun> {
    const { store, logger } = this.options;
    const active = await store.listActive();
    const run: TrackingRun = { checked: 0, changed: 0, errors: 0 };
    if (!active.length) return run;
    const clusters = new Map<string, Promise<ClusterReading>>();
    const readCluster = (name: string) => {
      if (!clusters.has(name)) clusters.set(name, this.readCluster(name));
      return clusters.get(name)!;
    };
    // Each desired state is fetched once per run, when a request needs it.
    const refreshed = new Map<ChangeRenderer, Promise<void>>();
    const expectedChange = async (request: StoredOnboardingRequest) => {
      const renderer = this.options.renderers?.find(
        r => r.cluster === request.cluster,
      );
      if (!renderer) return request.change;
      if (!refreshed.has(renderer)) refreshed.set(renderer, renderer.refresh());
      await refreshed.get(renderer);
      return renderer.render(request);
    };

    const queue = [...active];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        if (signal?.aborted) return;
        const request = next;
        const check = await this.check(
          request,
          readCluster,
          expectedChange,
          signal,
        );
        if (check.state === request.state) delete check.state;
        const saved = await store.saveCheck(request, check);
        run.checked += 1;
        if (check.lastError) run.errors += 1;
        // Logged when it starts or changes, not on every run while it lasts.
        if (check.lastError && check.lastError !== request.lastError) {
          logger.warn(
            `onboarding request ${request.id} (${request.cluster}/${request.namespace}/${request.service}): ${check.lastError}`,
          );
        }
        if (saved && check.state) {
          run.changed += 1;
          logger.info(
            `onboarding request ${request.id} (${request.cluster}/${request.namespace}/${request.service}): ${request.state} → ${check.state}`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return run;
  }

  private async check(
    request: StoredOnboardingRequest,
    readCluster: (name: string) => Promise<ClusterReading>,
    expectedChange: (
      request: StoredOnboardingRequest,
    ) => Promise<OnboardingChangeSummary>,
    signal?: AbortSignal,
  ): Promise<OnboardingRequestCheck> {
    const now = this.now();
    const check: OnboardingRequestCheck = { checkedAt: now };
    let state: OnboardingRequestState = request.state;
    let mergedAt = request.mergedAt ? new Date(request.mergedAt) : undefined;

    if (state === 'open') {
      try {
        const forge = await this.options.pullRequests.read(
          request.pullRequest,
          signal,
        );
        if (forge.state !== 'merged') {
          return { ...check, state: forge.state, lastError: null };
        }
        state = 'merged';
        mergedAt = forge.mergedAt ?? now;
        Object.assign(check, { state, mergedAt });
      } catch (error) {
        if (error instanceof UntrackableRequestError) {
          return { ...check, state: 'failed', lastError: error.message };
        }
        return { ...check, lastError: messageOf(error) };
      }
    }

    const reading = await readCluster(request.cluster);
    if ('error' in reading) return { ...check, lastError: reading.error };
    const unreadable = this.unreadableKinds(request, reading.status);
    if (unreadable) return { ...check, lastError: unreadable };

    // What the cluster should hold: the change as its GitOps controller renders it.
    let expected: OnboardingChangeSummary;
    try {
      expected = await expectedChange(request);
    } catch (error) {
      return { ...check, lastError: messageOf(error) };
    }
    const drift = compareWithCluster(
      request.cluster,
      expected,
      reading.objects,
    );
    if (!drift.length) {
      return {
        ...check,
        state: 'converged',
        // When it first held the change, not when it was last seen holding it.
        ...(request.state !== 'converged' && { convergedAt: now }),
        drift: [],
        lastError: null,
      };
    }
    // A GitOps controller syncs on its own schedule: until the grace period has passed,
    // a merged change that does not show yet is waiting, not drifted.
    const waiting =
      state === 'merged' &&
      now.getTime() - (mergedAt ?? now).getTime() <
        this.options.convergeWithinMs;
    return {
      ...check,
      state: waiting ? 'merged' : 'drifted',
      drift,
      lastError: null,
    };
  }

  /** A kind the source may not read would show as missing: say so instead of comparing. */
  private unreadableKinds(
    request: StoredOnboardingRequest,
    status: ClusterStatus,
  ): string | undefined {
    if (!status.degraded.length) return undefined;
    const needed = new Set([
      resourceName('v1', 'Namespace'),
      ...request.change.resources.map(r => resourceName(r.apiVersion, r.kind)),
    ]);
    const missing = status.degraded.filter(d => needed.has(d.resource));
    if (!missing.length) return undefined;
    return `cluster ${request.cluster} cannot read ${missing
      .map(d => `${d.resource} (${d.message})`)
      .join(', ')}: not compared`;
  }

  private async readCluster(name: string): Promise<ClusterReading> {
    const source = this.options.clusters.find(c => c.name === name);
    if (!source) {
      return {
        error: `cluster ${name} is not configured in zeroTrust.clusters`,
      };
    }
    if (source.reload) {
      try {
        await source.reload();
      } catch (error) {
        // A source reports its own failures through status(); this is a bug guard.
        this.options.logger.error(
          `reloading cluster ${name} failed`,
          error as Error,
        );
      }
    }
    const status = source.status();
    const objects = source.objects();
    if (!objects) {
      return {
        error: `cluster ${name} cannot be read: ${
          status.message ?? status.state
        }`,
      };
    }
    // A stale state says what the cluster held, not what it holds: no verdict from it.
    if (status.state === 'stale') {
      return {
        error: `cluster ${name} is stale since ${status.staleSince}${
          status.message ? ` (${status.message})` : ''
        }: not compared`,
      };
    }
    return { objects: indexCluster(objects), status };
  }
}
