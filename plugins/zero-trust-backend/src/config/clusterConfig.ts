import { Config } from '@backstage/config';

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
      git: { url: string; branch: string; path: string };
      refreshSeconds: number;
    }
  | {
      name: string;
      trustDomain?: string;
      kind: 'live';
      connection: LiveConnection;
    }
  | {
      name: string;
      trustDomain?: string;
      kind: 'unsupported';
      /** Why it cannot be read; shown as the cluster's failed status. */
      reason: string;
    };

/** How to reach a live API server (what the live cluster source accepts). */
export interface LiveConnection {
  url?: string;
  serviceAccountToken?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify?: boolean;
  kubeconfig?: { path?: string; context?: string };
  inCluster?: boolean;
}

const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function readZeroTrustCluster(c: Config): ClusterConfig {
  const name = c.getString('name');
  const trustDomain = c.getOptionalString('trustDomain');
  const snapshot = c.getOptionalString('snapshot');
  const url = c.getOptionalString('url');
  const context = c.getOptionalString('context');
  const inCluster = c.getOptionalBoolean('inCluster') ?? false;
  const git = c.getOptionalConfig('git');
  const refreshSeconds = c.getOptionalNumber('refreshSeconds');
  const chosen = [snapshot, git, url, context, inCluster || undefined].filter(
    x => x !== undefined,
  );
  if (chosen.length !== 1) {
    throw new Error(
      `zeroTrust.clusters '${name}' needs exactly one of snapshot, git, url, context or inCluster`,
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
      git: {
        url: git.getString('url'),
        branch: git.getOptionalString('branch') ?? 'main',
        path: git.getOptionalString('path') ?? '',
      },
      refreshSeconds: refreshSeconds ?? 30,
    };
  }
  return {
    name,
    trustDomain,
    kind: 'live',
    connection: {
      url,
      serviceAccountToken: c.getOptionalString('serviceAccountToken'),
      caData: c.getOptionalString('caData'),
      caFile: c.getOptionalString('caFile'),
      skipTLSVerify: c.getOptionalBoolean('skipTLSVerify'),
      ...(context !== undefined
        ? {
            kubeconfig: {
              context,
              path: c.getOptionalString('kubeconfig'),
            },
          }
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
function readKubernetesCluster(c: Config): ClusterConfig {
  const name = c.getString('name');
  const authProvider = c.getOptionalString('authProvider') ?? 'serviceAccount';
  if (authProvider !== 'serviceAccount') {
    return {
      name,
      kind: 'unsupported',
      reason: `authProvider '${authProvider}' acts for each user; configure zeroTrust.clusters with a service account token for '${name}'`,
    };
  }
  const serviceAccountToken = c.getOptionalString('serviceAccountToken');
  return {
    name,
    kind: 'live',
    connection: {
      url: c.getString('url'),
      caData: c.getOptionalString('caData'),
      caFile: c.getOptionalString('caFile'),
      skipTLSVerify: c.getOptionalBoolean('skipTLSVerify'),
      // Backstage's Kubernetes plugin reads the pod's own token when none is configured.
      ...(serviceAccountToken ? { serviceAccountToken } : { inCluster: true }),
    },
  };
}

/** The clusters to read: `zeroTrust.clusters`, else those of the Kubernetes plugin. */
export function readClusterConfigs(config: Config): ClusterConfig[] {
  const own = config.getOptionalConfigArray('zeroTrust.clusters');
  const clusters = own
    ? own.map(readZeroTrustCluster)
    : (config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [])
        .filter(m => m.getString('type') === 'config')
        .flatMap(m => m.getOptionalConfigArray('clusters') ?? [])
        .map(readKubernetesCluster);
  const seen = new Set<string>();
  for (const { name } of clusters) {
    if (!dns1123.test(name)) {
      throw new Error(
        `cluster name '${name}' must be a DNS-1123 label (lower-case letters, digits, '-')`,
      );
    }
    if (seen.has(name)) {
      throw new Error(`cluster '${name}' is configured twice`);
    }
    seen.add(name);
  }
  return clusters;
}
