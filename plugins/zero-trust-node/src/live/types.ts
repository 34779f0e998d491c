/**
 * How to reach one cluster's API server. Exactly one way is used, in this order:
 * `kubeconfig`, then `inCluster` (optionally with `url`), then `url` with
 * `serviceAccountToken`.
 *
 * @public
 */
export interface LiveClusterConfig {
  /** The cluster's name, as the engine and the API name it. */
  name: string;
  /** The API server's URL, e.g. `https://10.0.0.1:6443`. */
  url?: string;
  /** A bearer token for a service account bound to the read-only ClusterRole. Never logged. */
  serviceAccountToken?: string;
  /** The API server's CA certificate, base64-encoded PEM. */
  caData?: string;
  /** A file holding the API server's CA certificate (PEM). */
  caFile?: string;
  /** Do not verify the API server's certificate (test clusters only); also allows `http:` URLs. */
  skipTLSVerify?: boolean;
  /**
   * A kubeconfig file (default `$KUBECONFIG`, else `~/.kube/config`) and a context in it
   * (default: its `current-context`).
   */
  kubeconfig?: { path?: string; context?: string };
  /**
   * Use the pod's own service account (its token file is re-read, so rotation works).
   * With `url`, that server is read instead of the one in `KUBERNETES_SERVICE_HOST`.
   */
  inCluster?: boolean;
}

/** Where the live source reports what it does; Backstage's `LoggerService` fits. @public */
export interface LiveSourceLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** @public */
export interface LiveClusterSourceOptions {
  logger?: LiveSourceLogger;
  /**
   * Waits between retries after an error: a random time between 0 and
   * `min(capMs, baseMs · 2^attempt)` ("full jitter"). Default 500 ms and 10 s. A
   * resource that fails is retried at once when another one of the cluster succeeds.
   */
  backoff?: { baseMs?: number; capMs?: number };
  /**
   * The longest wait between tries of a resource never readable (403, or Istio not
   * installed), so that a permission granted later heals without a restart. Default 60 s.
   */
  recheckMs?: number;
  /**
   * An open watch that brings no event and no bookmark for this long is restarted; if
   * it cannot be opened again within half this time, the cluster is stale. Default 60 s,
   * so a silent partition shows within 90 s.
   */
  silenceMs?: number;
  /**
   * `onChange` listeners are called at most once per this many ms. Default 0: once per
   * burst of events read together, with no fixed wait.
   */
  debounceMs?: number;
  /** Objects per list page (`limit`). Default 500. */
  pageSize?: number;
  /**
   * A watch asks the server to end it after this many seconds times a random factor
   * between 1 and 2, then resumes; default 300 (client-go's minimum watch timeout).
   */
  watchTimeoutSeconds?: number;
  /** A list request that takes longer is abandoned and retried. Default 60 s. */
  requestTimeoutMs?: number;
  /** For tests: the random source of the backoff's jitter. */
  random?: () => number;
}

/** How many requests a live source has made: zero more once synced, whatever is read. @public */
export interface ApiCallCounts {
  /** List requests (each page counts). */
  lists: number;
  /** Watch requests. */
  watches: number;
}
