import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';

/** How the module reaches the zero-trust backend: as itself, service to service. */
export interface ZeroTrustBackendOptions {
  discovery: DiscoveryService;
  auth: AuthService;
}

/**
 * Calls the zero-trust backend (`/api/zero-trust` + `path`) on behalf of `onBehalfOf`
 * (default: this plugin itself, service to service), and answers the response's JSON;
 * an HTTP error is a ResponseError.
 */
export async function callZeroTrustBackend<T>(
  options: ZeroTrustBackendOptions,
  path: string,
  init: {
    method?: string;
    body?: unknown;
    onBehalfOf?: BackstageCredentials;
  } = {},
): Promise<T> {
  const { discovery, auth } = options;
  const { token } = await auth.getPluginRequestToken({
    onBehalfOf: init.onBehalfOf ?? (await auth.getOwnServiceCredentials()),
    targetPluginId: 'zero-trust',
  });
  const baseUrl = await discovery.getBaseUrl('zero-trust');
  const response = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      Authorization: `Bearer ${token}`,
      ...(init.body !== undefined
        ? { 'Content-Type': 'application/json' }
        : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  if (!response.ok) throw await ResponseError.fromResponse(response);
  return (await response.json()) as T;
}
