import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { LiveClusterConfig } from './types';

/** A cluster's connection settings cannot be used; the message says which one and why. @public */
export class LiveClusterConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LiveClusterConfigError';
  }
}

function checkUrl(name: string, text: string, skipTLSVerify?: boolean) {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new LiveClusterConfigError(
      `cluster '${name}': url '${text}' is not a URL`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new LiveClusterConfigError(
      `cluster '${name}': url '${text}' must start with https://`,
    );
  }
  // The client refuses plain HTTP unless told not to verify TLS; say so before it does.
  if (url.protocol === 'http:' && !skipTLSVerify) {
    throw new LiveClusterConfigError(
      `cluster '${name}': url '${text}' is plain HTTP, which would send the token unencrypted; use https, or set skipTLSVerify for a local test server`,
    );
  }
  return text.replace(/\/+$/, '');
}

function loadKubeconfigFile(
  kc: KubeConfig,
  name: string,
  file: string | undefined,
) {
  const env = process.env.KUBECONFIG;
  const shown = file ?? env ?? path.join(os.homedir(), '.kube', 'config');
  try {
    // Without a path, $KUBECONFIG (possibly several files, merged) or ~/.kube/config:
    // never loadFromDefault's silent fallback to localhost:8080.
    if (!file && env) kc.loadFromDefault();
    else kc.loadFromFile(shown);
  } catch (e) {
    const reason =
      (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'no such file'
        : (e as Error).message;
    throw new LiveClusterConfigError(
      `cluster '${name}': cannot read kubeconfig ${shown}: ${reason}`,
    );
  }
  return shown;
}

/**
 * The client's configuration for one cluster: a kubeconfig context, the pod's own
 * service account, or a URL with a service-account token.
 */
export function buildKubeConfig(cluster: LiveClusterConfig): KubeConfig {
  const { name } = cluster;
  const kc = new KubeConfig();

  if (cluster.kubeconfig) {
    const file = loadKubeconfigFile(kc, name, cluster.kubeconfig.path);
    const context = cluster.kubeconfig.context;
    if (context) {
      if (!kc.getContextObject(context)) {
        const known = kc.getContexts().map(c => c.name);
        throw new LiveClusterConfigError(
          `cluster '${name}': kubeconfig ${file} has no context '${context}'${
            known.length ? ` (it has ${known.join(', ')})` : ''
          }`,
        );
      }
      kc.setCurrentContext(context);
    }
    if (!kc.getCurrentCluster()) {
      throw new LiveClusterConfigError(
        `cluster '${name}': kubeconfig ${file} has no current context; set one, or name a context`,
      );
    }
    return kc;
  }

  if (cluster.inCluster) {
    const { KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: port } =
      process.env;
    if (!cluster.url && (!host || !port)) {
      throw new LiveClusterConfigError(
        `cluster '${name}': inCluster needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, which are set only inside a pod; set url instead`,
      );
    }
    kc.loadFromCluster();
    if (cluster.url) {
      const server = checkUrl(name, cluster.url, cluster.skipTLSVerify);
      const inPod = kc.getCurrentCluster()!;
      const custom = cluster.caData || cluster.caFile || cluster.skipTLSVerify;
      kc.loadFromOptions({
        clusters: [
          {
            name: inPod.name,
            server,
            ...(custom
              ? {
                  caData: cluster.caData,
                  caFile: cluster.caFile,
                  skipTLSVerify: cluster.skipTLSVerify ?? false,
                }
              : { caFile: inPod.caFile, skipTLSVerify: false }),
          },
        ],
        users: kc.users,
        contexts: kc.contexts,
        currentContext: kc.currentContext,
      });
    }
    return kc;
  }

  if (!cluster.url) {
    throw new LiveClusterConfigError(
      `cluster '${name}' needs url (with serviceAccountToken), kubeconfig, or inCluster`,
    );
  }
  kc.loadFromClusterAndUser(
    {
      name,
      server: checkUrl(name, cluster.url, cluster.skipTLSVerify),
      caData: cluster.caData,
      caFile: cluster.caFile,
      skipTLSVerify: cluster.skipTLSVerify ?? false,
    },
    {
      name: `${name}-reader`,
      ...(cluster.serviceAccountToken
        ? { token: cluster.serviceAccountToken }
        : {}),
    },
  );
  return kc;
}
