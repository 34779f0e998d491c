import {
  ConfigurationOptions,
  CoreV1Api,
  CustomObjectsApi,
  IsomorphicFetchHttpLibrary,
  KubeConfig,
  RequestContext,
  Watch,
} from '@kubernetes/client-node';
import {
  WatchedResource,
  fieldSelectorOf,
  namespaceOf,
} from './watchedResources';

/** One page of a list. */
export interface ListPage {
  items: unknown[];
  resourceVersion: string;
  /** Set when more pages follow. */
  continueToken?: string;
}

/** The client-node APIs the live source calls, one set per cluster. */
export class KubeApis {
  readonly watch: Watch;
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly http = new IsomorphicFetchHttpLibrary();

  /** `watchOpenTimeoutMs`: how long a watch may take to answer (its headers). */
  constructor(kc: KubeConfig, watchOpenTimeoutMs: number) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
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

  /** The core group (`/api/v1`) has no generic client: one call per plural. */
  private listCore(
    plural: string,
    namespace: string | undefined,
    params: { limit?: number; _continue?: string; fieldSelector?: string },
    options: ConfigurationOptions,
  ): Promise<unknown> {
    if (namespace) {
      switch (plural) {
        case 'configmaps':
          return this.core.listNamespacedConfigMap(
            { namespace, ...params },
            options,
          );
        default:
          throw new Error(`no namespaced list call for ${plural}`);
      }
    }
    switch (plural) {
      case 'namespaces':
        return this.core.listNamespace(params, options);
      case 'serviceaccounts':
        return this.core.listServiceAccountForAllNamespaces(params, options);
      case 'services':
        return this.core.listServiceForAllNamespaces(params, options);
      case 'pods':
        return this.core.listPodForAllNamespaces(params, options);
      case 'configmaps':
        return this.core.listConfigMapForAllNamespaces(params, options);
      default:
        throw new Error(`no list call for ${plural}`);
    }
  }

  /** One page of `resource` at `version`; `signal` abandons the request. */
  async list(
    resource: WatchedResource,
    version: string,
    page: { limit?: number; continueToken?: string },
    signal: AbortSignal,
  ): Promise<ListPage> {
    // The generated clients take no signal; an HTTP library that sets it on each request does.
    const options = {
      httpApi: {
        send: (request: RequestContext) => {
          request.setSignal(signal);
          return this.http.send(request);
        },
      },
    };
    const params = {
      limit: page.limit,
      _continue: page.continueToken,
      fieldSelector: fieldSelectorOf(resource),
    };
    const namespace = namespaceOf(resource);
    let list: any;
    if (resource.group) {
      // Every named group is served at /apis/<group>/<version>/<plural>, built-in or not.
      const path = { group: resource.group, version, plural: resource.plural };
      list = namespace
        ? await this.custom.listNamespacedCustomObject(
            { ...path, namespace, ...params },
            options,
          )
        : await this.custom.listClusterCustomObject(
            { ...path, ...params },
            options,
          );
    } else {
      list = await this.listCore(resource.plural, namespace, params, options);
    }
    const meta = list?.metadata ?? {};
    // Typed lists name the token `_continue`; custom objects arrive as plain JSON.
    const continueToken = meta._continue ?? meta.continue;
    return {
      items: Array.isArray(list?.items) ? list.items : [],
      resourceVersion: String(meta.resourceVersion ?? ''),
      ...(continueToken ? { continueToken } : {}),
    };
  }
}
