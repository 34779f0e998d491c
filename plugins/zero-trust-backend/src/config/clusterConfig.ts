import { Config } from '@backstage/config';
import type {
  LiveClusterConfig,
  LiveClusterSourceOptions,
} from '@zero-trust/backstage-plugin-zero-trust-node/live';
import type { GitSnapshot } from '../clusters/gitopsMirror';

/** Where a cluster's state comes from. */
export type ClusterConfig =
  | {
      name: string;
      trustDomain?: string;
      kind: 'snapshot';
      path: string;
      refreshSeconds?: number;
    }
  | {
      name: string;
      trustDomain?: string;
      kind: 'git';
      git: GitSnapshot;
      refreshSeconds: number;
    }
  | {
      name: string;
      trustDomain?: string;
      kind: 'live';
      /** What the live cluster source reads; its `name` is the cluster's. */
      connection: LiveClusterConfig;
      /** Where its GitOps controller reads the desired state from, when configured. */
      gitops?: GitSnapshot;
    }
  | {
      name: string;
      trustDomain?: string;
      /** Configured so that it cannot be read; the others start all the same. */
      kind: 'failed';
      /** What to fix, naming the key; shown as the cluster's failed status. */
      reason: string;
    };

const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The ways to read a cluster, as config keys; exactly one per cluster. */
const sourceKeys = [
  'snapshot',
  'git',
  'url',
  'context',
  'kubeconfig',
  'inCluster',
] as const;

/** A repository's branch and the cluster's root in it (`git`, `gitops`). */
function readGitSnapshot(git: Config): GitSnapshot {
  const repoUrls = git.getOptionalStringArray('repoUrls');
  return {
    url: git.getString('url'),
    branch: git.getOptionalString('branch') ?? 'main',
    path: git.getOptionalString('path') ?? '',
    ...(repoUrls?.length ? { repoUrls } : {}),
  };
}

function readZeroTrustCluster(c: Config, name: string): ClusterConfig {
  const trustDomain = c.getOptionalString('trustDomain');
  const snapshot = c.getOptionalString('snapshot');
  const url = c.getOptionalString('url');
  const context = c.getOptionalString('context');
  const kubeconfig = c.getOptionalString('kubeconfig');
  const inCluster = c.getOptionalBoolean('inCluster') ?? false;
  const git = c.getOptionalConfig('git');
  const refreshSeconds = c.getOptionalNumber('refreshSeconds');
  const present = sourceKeys.filter(key =>
    key === 'inCluster' ? inCluster : c.has(key),
  );
  // `context` and `kubeconfig` together name one way: a context in that file.
  const ways = present.filter(
    key => !(key === 'kubeconfig' && present.includes('context')),
  );
  if (ways.length !== 1) {
    throw new Error(
      `set exactly one of snapshot, git, url, kubeconfig (optionally with context) or inCluster${
        ways.length ? ` (it has ${ways.join(' and ')})` : ''
      }`,
    );
  }
  if (snapshot !== undefined) {
    return {
      name,
      trustDomain,
      kind: 'snapshot',
      path: snapshot,
      refreshSeconds,
    };
  }
  if (git) {
    return {
      name,
      trustDomain,
      kind: 'git',
      git: readGitSnapshot(git),
      refreshSeconds: refreshSeconds ?? 30,
    };
  }
  const gitops = c.getOptionalConfig('gitops');
  return {
    name,
    trustDomain,
    kind: 'live',
    ...(gitops ? { gitops: readGitSnapshot(gitops) } : {}),
    connection: {
      name,
      url,
      serviceAccountToken: c.getOptionalString('serviceAccountToken'),
      caData: c.getOptionalString('caData'),
      caFile: c.getOptionalString('caFile'),
      skipTLSVerify: c.getOptionalBoolean('skipTLSVerify'),
      // A kubeconfig alone uses its current-context.
      ...(context !== undefined || kubeconfig !== undefined
        ? { kubeconfig: { context, path: kubeconfig } }
        : {}),
      ...(inCluster ? { inCluster } : {}),
    },
  };
}

/**
 * A cluster of Backstage's Kubernetes plugin. Only service-account auth reads a cluster on
 * the backend's own behalf; the other auth providers act for the signed-in user, which a
 * background informer cannot.
 */
function readKubernetesCluster(c: Config, name: string): ClusterConfig {
  const authProvider = c.getOptionalString('authProvider') ?? 'serviceAccount';
  if (authProvider !== 'serviceAccount') {
    return {
      name,
      kind: 'failed',
      reason: `authProvider '${authProvider}' acts for each user; configure zeroTrust.clusters with a service account token for '${name}'`,
    };
  }
  const serviceAccountToken = c.getOptionalString('serviceAccountToken');
  return {
    name,
    kind: 'live',
    connection: {
      name,
      url: c.getString('url'),
      caData: c.getOptionalString('caData'),
      caFile: c.getOptionalString('caFile'),
      skipTLSVerify: c.getOptionalBoolean('skipTLSVerify'),
      // Backstage's Kubernetes plugin reads the pod's own token when none is configured.
      ...(serviceAccountToken ? { serviceAccountToken } : { inCluster: true }),
    },
  };
}

/**
 * Reads one cluster's entry; a mistake in it (a missing or mistyped key) makes that
 * cluster `failed` with a message naming the key, and the others are read as usual.
 */
function readEach(
  entries: Config[],
  where: string,
  read: (c: Config, name: string) => ClusterConfig,
): ClusterConfig[] {
  const seen = new Set<string>();
  return entries.map((c, i) => {
    const key = `${where}[${i}]`;
    let name = `${where}[${i}]`;
    try {
      name = c.getString('name');
      if (!dns1123.test(name)) {
        throw new Error(
          `name '${name}' must be a DNS-1123 label (lower-case letters, digits, '-')`,
        );
      }
      if (seen.has(name)) {
        throw new Error(
          `name '${name}' is taken by an earlier cluster: rename this one`,
        );
      }
      seen.add(name);
      return read(c, name);
    } catch (error) {
      return {
        name,
        kind: 'failed',
        reason: `${key} (cluster '${name}'): ${(error as Error).message}`,
      };
    }
  });
}

/** The clusters to read: `zeroTrust.clusters`, else those of the Kubernetes plugin. */
export function readClusterConfigs(config: Config): ClusterConfig[] {
  const own = config.getOptionalConfigArray('zeroTrust.clusters');
  if (own) return readEach(own, 'zeroTrust.clusters', readZeroTrustCluster);
  const fromKubernetes = (
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? []
  )
    .filter(m => m.getString('type') === 'config')
    .flatMap(m => m.getOptionalConfigArray('clusters') ?? []);
  return readEach(
    fromKubernetes,
    'kubernetes.clusterLocatorMethods[].clusters',
    readKubernetesCluster,
  );
}

/** `zeroTrust.live`: how live clusters are kept current (tests make the waits short). */
export function readLiveOptions(config: Config): LiveClusterSourceOptions {
  const live = config.getOptionalConfig('zeroTrust.live');
  const ms = (key: string) => {
    const seconds = live?.getOptionalNumber(key);
    return seconds === undefined ? undefined : seconds * 1000;
  };
  const silenceMs = ms('silenceSeconds');
  const recheckMs = ms('recheckSeconds');
  return {
    ...(silenceMs !== undefined ? { silenceMs } : {}),
    ...(recheckMs !== undefined ? { recheckMs } : {}),
  };
}
