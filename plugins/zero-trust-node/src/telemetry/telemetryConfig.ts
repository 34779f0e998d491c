import { Config } from '@backstage/config';
import { isPrometheusDuration } from './duration';

/** One cluster's Prometheus. @public */
export interface PrometheusEndpoint {
  /** The suite's name of the cluster (as in `zeroTrust.clusters`). */
  cluster: string;
  /** The Prometheus base URL; the HTTP API is under `/api/v1/`. */
  url: string;
  /** Sent as `Authorization: Bearer …`; never logged or shown. */
  bearerToken?: string;
}

/** `zeroTrust.telemetry`, read. @public */
export interface TelemetryConfig {
  /** A Prometheus duration, e.g. `7d`: how far back usage is summed. */
  window: string;
  /** How long a cluster's answer is kept before Prometheus is asked again. */
  cacheSeconds: number;
  /** The clusters with a Prometheus; a cluster not named here has none. */
  endpoints: Map<string, PrometheusEndpoint>;
  /** Mistakes in entries (one line each); those entries are left out. */
  errors: string[];
}

/** The default window: a week covers weekly jobs. */
export const defaultTelemetryWindow = '7d';

const defaultCacheSeconds = 120;

/** What the Security tab says of a cluster without Prometheus: how to connect one. @public */
export function telemetryNotConfiguredMessage(
  cluster: string,
  toSee = 'which callers are used',
): string {
  return `No Prometheus is configured for cluster ${cluster}: add it under zeroTrust.telemetry.clusters (name: ${cluster}, prometheusUrl, optional bearerToken) to see ${toSee}.`;
}

/**
 * Reads `zeroTrust.telemetry`: the window, the cache time and each cluster's
 * Prometheus. The one reader of this configuration (the backend and the scaffolder
 * module both call it). A bad window is refused (thrown, one line); a bad cluster
 * entry is left out and named in `errors`.
 *
 * @public
 */
export function readTelemetryConfig(config: Config): TelemetryConfig {
  const telemetry = config.getOptionalConfig('zeroTrust.telemetry');
  const window =
    telemetry?.getOptionalString('window') ?? defaultTelemetryWindow;
  if (!isPrometheusDuration(window)) {
    throw new Error(
      `zeroTrust.telemetry.window '${window}' is not a Prometheus duration (such as 7d or 36h)`,
    );
  }
  const cacheSeconds =
    telemetry?.getOptionalNumber('cacheSeconds') ?? defaultCacheSeconds;
  const endpoints = new Map<string, PrometheusEndpoint>();
  const errors: string[] = [];
  (telemetry?.getOptionalConfigArray('clusters') ?? []).forEach((c, i) => {
    const where = `zeroTrust.telemetry.clusters[${i}]`;
    try {
      const cluster = c.getString('name');
      const url = c.getString('prometheusUrl');
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new Error(`prometheusUrl '${url}' is not a URL`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        throw new Error(`prometheusUrl '${url}' must be http or https`);
      }
      if (endpoints.has(cluster)) {
        throw new Error(`cluster '${cluster}' is named by an earlier entry`);
      }
      const bearerToken = c.getOptionalString('bearerToken');
      endpoints.set(cluster, {
        cluster,
        url: url.replace(/\/+$/, ''),
        ...(bearerToken ? { bearerToken } : {}),
      });
    } catch (error) {
      errors.push(`${where}: ${(error as Error).message}`);
    }
  });
  return { window, cacheSeconds, endpoints, errors };
}
