import {
  DatabaseService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { ClusterSource } from '../clusters/ClusterSource';
import { readClusterConfigs } from '../config/clusterConfig';
import { PullRequestStates } from './forges/PullRequestStates';
import { OnboardingRequestStore } from './OnboardingRequestStore';
import { OnboardingRequestTracker } from './OnboardingRequestTracker';
import { ChangeRenderer, gitopsChangeRenderer } from './renderedChange';
import { readTrackingConfig } from './trackingConfig';

/**
 * The onboarding requests' store, and the task that follows each request to its merge
 * and to the live cluster. The task is global: one replica at a time runs it (the
 * scheduler takes a database lock).
 */
export async function startTracking(options: {
  config: RootConfigService;
  database: DatabaseService;
  scheduler: SchedulerService;
  clusters: ClusterSource[];
  logger: LoggerService;
}): Promise<OnboardingRequestStore> {
  const { config } = options;
  const tracking = readTrackingConfig(config);
  const store = await OnboardingRequestStore.create({
    database: options.database,
  });
  const tracker = new OnboardingRequestTracker({
    store,
    pullRequests: PullRequestStates.fromConfig(config),
    clusters: options.clusters,
    renderers: changeRenderers(config),
    logger: options.logger.child({ task: 'onboarding-requests' }),
    convergeWithinMs: tracking.convergeWithinMinutes * 60_000,
  });
  await options.scheduler.scheduleTask({
    id: 'zero-trust-onboarding-requests',
    frequency: { seconds: tracking.frequencySeconds },
    timeout: { minutes: 10 },
    scope: 'global',
    fn: async signal => {
      await tracker.run(signal);
    },
  });
  return store;
}

/**
 * The desired state of each cluster that has one in a GitOps repository: a `git`
 * cluster's branch, or a live cluster's `gitops`.
 */
function changeRenderers(config: RootConfigService): ChangeRenderer[] {
  return readClusterConfigs(config).flatMap(c => {
    if (c.kind === 'git') return [gitopsChangeRenderer(c.name, c.git)];
    if (c.kind === 'live' && c.gitops) {
      return [gitopsChangeRenderer(c.name, c.gitops)];
    }
    return [];
  });
}
