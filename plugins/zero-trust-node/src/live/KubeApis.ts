import {
  HttpMethod,
  KubeConfig,
  RequestContext,
  Watch,
} from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import { ListBodyReader } from './ListBodyReader';
import {
  WatchedResource,
  collectionPath,
  fieldSelectorOf,
} from './watchedResources';

/** One page of a list (its items went to `onItem`). */
export interface ListPage {
  resourceVersion: string;
  /** Set when more pages follow. */
  continueToken?: string;
}

/** An HTTP error status, shaped as client-node's ApiException (`code`, `body`). */
export class ListStatusError extends Error {
  constructor(readonly code: number, readonly body: string) {
    super(`HTTP ${code}`);
    this.name = 'ListStatusError';
  }
}

/** The client-node building blocks the live source uses, one set per cluster. */
export class KubeApis {
  readonly watch: Watch;

  /** `watchOpenTimeoutMs`: how long a watch may take to answer (its headers). */
  constructor(private readonly kc: KubeConfig, watchOpenTimeoutMs: number) {
    // Watch gives no handle on its request until the server answers, so a server that
    // accepts the connection and never answers would hang it forever. node-fetch's
    // `timeout` bounds exactly that wait (it is cleared once the headers arrive, so the
    // stream itself is not cut): the Watch gets a config whose fetch options carry it.
    const timed: KubeConfig = Object.create(kc, {
      applyToFetchOptions: {
        value: async (options: any) => ({
          ...(await kc.applyToFetchOptions(options)),
          timeout: watchOpenTimeoutMs,
        }),
      },
    });
    this.watch = new Watch(timed);
  }

  /**
   * One page of `resource` at `version`, each object handed to `onItem` as soon as it
   * has arrived (the generated clients would hold the whole list, and turn the core
   * group's into typed objects first); `signal` abandons the request. `fromCache` asks
   * for `resourceVersion=0`: the API server answers from its watch cache, whole, as
   * client-go's informers list first (client-go tools/cache/reflector.go).
   */
  async list(
    resource: WatchedResource,
    version: string,
    page: { limit?: number; continueToken?: string; fromCache?: boolean },
    signal: AbortSignal,
    onItem: (item: unknown) => void,
  ): Promise<ListPage> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('no current cluster in the kubeconfig');
    const url = new URL(
      `${cluster.server}${collectionPath(resource, version)}`,
    );
    const query: Record<string, string | undefined> = {
      limit: page.limit ? String(page.limit) : undefined,
      continue: page.continueToken,
      fieldSelector: fieldSelectorOf(resource),
      resourceVersion: page.fromCache && !page.continueToken ? '0' : undefined,
    };
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    // The generated clients' own authentication: token (re-read from its file), client
    // certificate, CA, proxy.
    const context = new RequestContext(url.toString(), HttpMethod.GET);
    await this.kc.applySecurityAuthentication(context);
    const reader = new ListBodyReader(onItem);
    const list = await new Promise<Record<string, any>>((resolve, reject) => {
      const request = (url.protocol === 'https:' ? https : http).request(
        url,
        {
          method: 'GET',
          headers: { ...context.getHeaders(), accept: 'application/json' },
          agent: context.getAgent(),
          signal,
        },
        response => {
          const status = response.statusCode ?? 0;
          if (status !== 200) {
            const chunks: Buffer[] = [];
            response.on('data', chunk => chunks.push(chunk));
            response.on('end', () =>
              reject(
                new ListStatusError(
                  status,
                  Buffer.concat(chunks).toString('utf8'),
                ),
              ),
            );
            response.on('error', reject);
            return;
          }
          response.on('data', chunk => {
            try {
              reader.write(chunk);
            } catch (error) {
              request.destroy(error as Error);
            }
          });
          response.on('end', () => {
            try {
              resolve(reader.end());
            } catch (error) {
              reject(error);
            }
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end();
    });
    const meta = list.metadata ?? {};
    return {
      resourceVersion: String(meta.resourceVersion ?? ''),
      ...(meta.continue ? { continueToken: String(meta.continue) } : {}),
    };
  }
}
