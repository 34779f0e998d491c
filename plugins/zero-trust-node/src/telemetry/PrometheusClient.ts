import { PrometheusEndpoint } from './telemetryConfig';
import { TelemetryError } from './TelemetryError';

/** One series of an instant vector: its labels and value. @public */
export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

/** How long a query may take before the Prometheus counts as unreachable. */
const defaultTimeoutMs = 30_000;

/** The URL as it may be shown: no user or password in it. */
function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(an invalid URL)';
  }
}

/**
 * Instant queries over Prometheus's HTTP API (`GET /api/v1/query`,
 * https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries), with the
 * endpoint's bearer token. Every failure is a `TelemetryError` of one line naming the
 * Prometheus (its URL without credentials), never the token.
 *
 * @public
 */
export class PrometheusClient {
  private readonly shown: string;
  /** The base URL without user and password, which go in a Basic header instead. */
  private readonly base: string;
  private readonly authorization?: string;
  private readonly secrets: string[];

  constructor(
    endpoint: PrometheusEndpoint,
    private readonly timeoutMs = defaultTimeoutMs,
  ) {
    this.shown = shownUrl(endpoint.url);
    this.base = this.shown;
    let user = '';
    let password = '';
    try {
      const u = new URL(endpoint.url);
      user = decodeURIComponent(u.username);
      password = decodeURIComponent(u.password);
    } catch {
      // shown as an invalid URL; fetch says why
    }
    if (endpoint.bearerToken) {
      this.authorization = `Bearer ${endpoint.bearerToken}`;
    } else if (user || password) {
      this.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString(
        'base64',
      )}`;
    }
    this.secrets = [endpoint.bearerToken, password].filter(
      (v): v is string => !!v,
    );
  }

  /** The instant vector `promql` evaluates to at `time`. */
  async query(promql: string, time: Date): Promise<PromSample[]> {
    const url = new URL(`${this.base}/api/v1/query`);
    url.searchParams.set('query', promql);
    url.searchParams.set('time', (time.getTime() / 1000).toFixed(3));
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          accept: 'application/json',
          ...(this.authorization ? { authorization: this.authorization } : {}),
        },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw this.error(`is unreachable (${networkReason(error)})`);
    }
    if (response.status === 401 || response.status === 403) {
      throw this.error(
        `refused the credentials (HTTP ${response.status}): check zeroTrust.telemetry.clusters[].bearerToken`,
      );
    }
    const text = await response.text().catch(() => '');
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      throw this.error(
        `answered HTTP ${response.status} with something other than Prometheus's HTTP API (is prometheusUrl the server's base URL?)`,
      );
    }
    if (body?.status !== 'success') {
      const reason = oneLine(String(body?.error ?? `HTTP ${response.status}`));
      throw this.error(
        body?.errorType === 'bad_data'
          ? `refused the query: ${reason}`
          : `failed the query: ${reason}`,
      );
    }
    if (
      body.data?.resultType !== 'vector' ||
      !Array.isArray(body.data.result)
    ) {
      throw this.error(
        `answered a ${
          body.data?.resultType ?? 'missing'
        } result where a vector was expected`,
      );
    }
    return body.data.result.map((r: any) => ({
      labels: r.metric ?? {},
      value: Number(r.value?.[1]),
    }));
  }

  private error(what: string): TelemetryError {
    let message = `Prometheus at ${this.shown} ${what}`;
    for (const secret of this.secrets) {
      message = message.split(secret).join('(secret)');
    }
    return new TelemetryError(message);
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

function networkReason(error: unknown): string {
  const e = error as {
    name?: string;
    message?: string;
    cause?: { code?: string; errors?: { code?: string }[]; message?: string };
  };
  if (e?.name === 'TimeoutError') return 'no answer in time';
  return oneLine(
    e?.cause?.code ??
      e?.cause?.errors?.find(c => c.code)?.code ??
      e?.cause?.message ??
      e?.message ??
      String(error),
  );
}
