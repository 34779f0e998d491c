import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import type {
  ObservedTraffic,
  TelemetryStatus,
  UsageWindow,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  DryRunResult,
  PrometheusClient,
  TelemetryConfig,
  readDryRunResults,
  readObservedTraffic,
  readTelemetryConfig,
  telemetryNotConfiguredMessage,
} from '@zero-trust/backstage-plugin-zero-trust-node/telemetry';

/** One cluster's traffic as last read, or why it could not be. */
export interface TelemetryReading {
  status: TelemetryStatus;
  /** Only when `status` is `ok`. */
  traffic?: ObservedTraffic[];
  window?: UsageWindow;
  /**
   * Only when `status` is `ok`: the dry-run policies' shadow RBAC counts over the same
   * window, or why they could not be read (`dryRunError`).
   */
  dryRun?: DryRunResult[];
  dryRunError?: string;
  /** Changes with each read: answers built from one reading are kept under it. */
  stamp: string;
}

/** How long the first request for a cluster waits for its first read. */
const firstReadWaitMs = 10_000;

interface Entry {
  reading?: TelemetryReading;
  readAt?: number;
  pending?: Promise<TelemetryReading>;
}

/**
 * Each configured cluster's Prometheus, read at most once per `cacheSeconds`: a request
 * is answered from the last reading, and one older than that starts a new read in the
 * background (only the first request for a cluster waits for its first read). A
 * cluster without Prometheus answers `not-configured` with how to connect one; a read
 * that fails answers `failed` with the reason, until a read succeeds.
 */
export class ClusterTelemetry {
  private readonly entries = new Map<string, Entry>();
  private readonly clients = new Map<string, PrometheusClient>();

  constructor(
    private readonly config: TelemetryConfig,
    private readonly logger: LoggerService,
    private readonly now: () => Date = () => new Date(),
    /** A mistake in `zeroTrust.telemetry` itself: every cluster answers it. */
    private readonly configError?: string,
  ) {
    for (const [cluster, endpoint] of config.endpoints) {
      this.clients.set(cluster, new PrometheusClient(endpoint));
    }
    for (const error of config.errors) logger.warn(error);
    if (configError) logger.warn(configError);
  }

  /**
   * From `zeroTrust.telemetry`. A mistake in it (a window Prometheus cannot read) does
   * not stop the backend: every cluster's telemetry answers it as `failed`.
   */
  static fromConfig(config: Config, logger: LoggerService): ClusterTelemetry {
    try {
      return new ClusterTelemetry(readTelemetryConfig(config), logger);
    } catch (error) {
      return new ClusterTelemetry(
        { window: '7d', cacheSeconds: 0, endpoints: new Map(), errors: [] },
        logger,
        undefined,
        (error as Error).message,
      );
    }
  }

  /** The cluster's latest reading (see the class). */
  async current(cluster: string): Promise<TelemetryReading> {
    if (this.configError) {
      return {
        status: { state: 'failed', message: this.configError },
        stamp: 'config-error',
      };
    }
    const client = this.clients.get(cluster);
    if (!client) {
      return {
        status: {
          state: 'not-configured',
          message: telemetryNotConfiguredMessage(cluster),
        },
        stamp: 'not-configured',
      };
    }
    let entry = this.entries.get(cluster);
    if (!entry) {
      entry = {};
      this.entries.set(cluster, entry);
    }
    const fresh =
      entry.readAt !== undefined &&
      this.now().getTime() - entry.readAt < this.config.cacheSeconds * 1000;
    if (!fresh && !entry.pending) {
      const e = entry;
      e.pending = this.read(client, cluster).then(reading => {
        e.reading = reading;
        e.readAt = this.now().getTime();
        e.pending = undefined;
        return reading;
      });
    }
    if (entry.reading) return entry.reading;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<TelemetryReading>(resolve => {
      timer = setTimeout(
        () =>
          resolve({
            status: {
              state: 'failed',
              message: `The Prometheus of cluster ${cluster} has not answered yet: reload in a moment.`,
            },
            stamp: 'first-read',
          }),
        firstReadWaitMs,
      );
    });
    try {
      return await Promise.race([entry.pending!, waited]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async read(
    client: PrometheusClient,
    cluster: string,
  ): Promise<TelemetryReading> {
    const at = this.now();
    try {
      const [{ traffic, window }, dryRun] = await Promise.all([
        readObservedTraffic(client, cluster, this.config.window, at),
        // Apart: usage stays readable when only the shadow stats fail.
        readDryRunResults(client, cluster, this.config.window, at).catch(
          (error: Error) => error,
        ),
      ]);
      if (dryRun instanceof Error) {
        this.logger.warn(
          `dry-run results of cluster ${cluster}: ${dryRun.message}`,
        );
      }
      return {
        status: { state: 'ok', window, queriedAt: at.toISOString() },
        traffic,
        window,
        ...(dryRun instanceof Error
          ? { dryRunError: dryRun.message }
          : { dryRun }),
        stamp: `ok:${at.toISOString()}`,
      };
    } catch (error) {
      const message = (error as Error).message;
      this.logger.warn(`telemetry of cluster ${cluster}: ${message}`);
      return {
        status: { state: 'failed', message },
        stamp: `failed:${at.toISOString()}`,
      };
    }
  }
}
