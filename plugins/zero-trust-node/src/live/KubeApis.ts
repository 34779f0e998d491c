import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  IsomorphicFetchHttpLibrary,
  KubeConfig,
  RequestContext,
  Watch,
} from '@kubernetes/client-node';
import { WatchedResource } from './watchedResources';

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
  private readonly apps: AppsV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly http = new IsomorphicFetchHttpLibrary();

  /** `watchOpenTimeoutMs`: how long a watch may take to answer (its headers). */
  constructor(kc: KubeConfig, watchOpenTimeoutMs: number) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.apps = kc.makeApiClient(AppsV1Api);
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
      fieldSelector: resource.fieldSelector,
    };
    let list: any;
    if (resource.istio) {
      list = await this.custom.listClusterCustomObject(
        { group: resource.group, version, plural: resource.plural, ...params },
        options,
      );
    } else {
      switch (resource.kind) {
        case 'Namespace':
          list = await this.core.listNamespace(params, options);
          break;
        case 'ServiceAccount':
          list = await this.core.listServiceAccountForAllNamespaces(
            params,
            options,
          );
          break;
        case 'Service':
          list = await this.core.listServiceForAllNamespaces(params, options);
          break;
        case 'Pod':
          list = await this.core.listPodForAllNamespaces(params, options);
          break;
        case 'ConfigMap':
          list = await this.core.listNamespacedConfigMap(
            { namespace: resource.namespace!, ...params },
            options,
          );
          break;
        case 'Deployment':
          list = await this.apps.listDeploymentForAllNamespaces(
            params,
            options,
          );
          break;
        case 'StatefulSet':
          list = await this.apps.listStatefulSetForAllNamespaces(
            params,
            options,
          );
          break;
        case 'DaemonSet':
          list = await this.apps.listDaemonSetForAllNamespaces(params, options);
          break;
        default:
          throw new Error(`no list call for ${resource.id}`);
      }
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
