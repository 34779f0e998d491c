import { ConditionalCache } from './ConditionalCache';
import { ForgeReadError } from './types';

/** Each forge request gives up after this long, so one slow forge cannot hold a run. */
const requestTimeoutMs = 30_000;

/**
 * GETs a forge's JSON. Failures become a ForgeReadError naming `what` and the HTTP
 * status or network error; never the request's headers, which hold the token. With a
 * cache, the request is conditional on the last answer's ETag, and a 304 returns that
 * answer.
 */
export async function fetchJson(
  url: string,
  headers: Record<string, string>,
  what: string,
  options: { signal?: AbortSignal; cache?: ConditionalCache } = {},
): Promise<Record<string, unknown>> {
  const { signal, cache } = options;
  const timeout = AbortSignal.timeout(requestTimeoutMs);
  const cached = cache?.get(url);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: cached ? { ...headers, 'If-None-Match': cached.etag } : headers,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } })
      .cause;
    throw new ForgeReadError(
      `could not reach ${what}: ${
        cause?.code ?? cause?.message ?? (error as Error).message
      }`,
    );
  }
  if (cached && response.status === 304) return cached.body;
  if (!response.ok) {
    throw new ForgeReadError(
      `${what} answered ${response.status} ${response.statusText}`.trim(),
    );
  }
  const body = await response.json().catch(() => undefined);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ForgeReadError(
      `${what} answered something other than a JSON object`,
    );
  }
  const etag = response.headers.get('etag');
  if (cache && etag) cache.set(url, etag, body as Record<string, unknown>);
  return body as Record<string, unknown>;
}

/** A forge's timestamp, where it is one. */
export function dateOf(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
