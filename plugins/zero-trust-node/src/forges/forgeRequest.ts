import { STATUS_CODES } from 'node:http';
import { ForgeReadError } from './types';

/** Each forge read gives up after this long, so one slow forge cannot hold a run. */
const requestTimeoutMs = 30_000;

/** The HTTP status of a client's error (Octokit's RequestError, gitbeaker's), if any came back. */
function statusOf(error: unknown): number | undefined {
  const e = error as {
    response?: { status?: number };
    cause?: { response?: { status?: number } };
  };
  return e?.response?.status ?? e?.cause?.response?.status;
}

/**
 * Runs one read through a forge's client, with a timeout joined to the caller's signal.
 * Failures become a ForgeReadError naming `what` and the HTTP status or network error;
 * never the request's headers, which hold the token. A 304 Not Modified (a conditional
 * request whose answer did not change) resolves to `notModified`.
 */
export async function forgeRequest<T>(
  what: string,
  read: (signal: AbortSignal) => Promise<T>,
  options: { signal?: AbortSignal; notModified?: T } = {},
): Promise<T> {
  const timeout = AbortSignal.timeout(requestTimeoutMs);
  const signal = options.signal
    ? AbortSignal.any([options.signal, timeout])
    : timeout;
  try {
    return await read(signal);
  } catch (error) {
    const status = statusOf(error);
    if (status === 304 && options.notModified !== undefined) {
      return options.notModified;
    }
    if (status !== undefined) {
      throw new ForgeReadError(
        `${what} answered ${status} ${STATUS_CODES[status] ?? ''}`.trim(),
      );
    }
    const cause = (error as { cause?: { code?: string; message?: string } })
      .cause;
    throw new ForgeReadError(
      `could not reach ${what}: ${
        cause?.code ?? cause?.message ?? (error as Error).message
      }`,
    );
  }
}
