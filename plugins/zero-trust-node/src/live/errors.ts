type Json = Record<string, any>;

/** An ERROR event on a watch: the Status the server sent. */
export class WatchStatusError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
    this.name = 'WatchStatusError';
  }
}

/** A custom resource served at none of the versions tried. */
export class NotServedError extends Error {
  constructor(readonly versions: string[]) {
    super(`not served at ${versions.join(' nor ')}`);
    this.name = 'NotServedError';
  }
}

/**
 * The HTTP status of a failed request: `code` on the generated API clients'
 * ApiException, `statusCode` on the Watch's errors. (A network error's `code` is a string.)
 */
export function statusCodeOf(error: unknown): number | undefined {
  const e = error as Json | undefined;
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  return undefined;
}

/** The `message` of the Status body an ApiException carries, if any. */
function statusMessage(error: unknown): string | undefined {
  let body = (error as Json | undefined)?.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  return typeof body?.message === 'string' ? body.message : undefined;
}

const tlsCodes =
  /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY)_|ERR_TLS_)/;

/**
 * A failure in a sentence a person can act on. It names the server but never the
 * credentials: `secrets` (the token) are cut out of anything the server or the network
 * layer wrote.
 */
export function describeError(
  error: unknown,
  server: string,
  secrets: string[] = [],
): string {
  const code = statusCodeOf(error);
  const networkCode = (error as Json | undefined)?.code;
  let message: string;
  if (code === 401) {
    message = `the API server at ${server} rejected the credentials (401 Unauthorized): check the cluster's token`;
  } else if (code !== undefined) {
    const detail = statusMessage(error) ?? (error as Error).message;
    message = `the API server at ${server} answered ${code}${
      detail ? `: ${detail}` : ''
    }`;
  } else if (networkCode === 'ECONNREFUSED') {
    message = `cannot reach the API server at ${server}: connection refused`;
  } else if (networkCode === 'ENOTFOUND' || networkCode === 'EAI_AGAIN') {
    message = `cannot reach the API server at ${server}: host not found`;
  } else if (networkCode === 'ECONNRESET') {
    message = `the API server at ${server} closed the connection`;
  } else if (typeof networkCode === 'string' && tlsCodes.test(networkCode)) {
    message = `cannot verify the certificate of the API server at ${server} (${networkCode}): set caData or caFile to its CA`;
  } else if (
    (error as Error)?.name === 'AbortError' ||
    (error as Json)?.type === 'request-timeout'
  ) {
    message = `the API server at ${server} did not answer in time`;
  } else {
    message = `cannot read the API server at ${server}: ${
      (error as Error)?.message ?? String(error)
    }`;
  }
  for (const secret of secrets) {
    if (secret) message = message.split(secret).join('<redacted>');
  }
  return message;
}
