/**
 * Scrubs secrets from text that leaves the action: log lines, error messages, outputs.
 * Tokens never go into URLs or arguments in the first place; this is the second line of
 * defence for what a forge or git might echo back (a token, or its Basic-auth form).
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (!secret || secret.length < 4) return;
    this.secrets.add(secret);
    this.secrets.add(encodeURIComponent(secret));
  }

  /** Also hides `user:secret` as git's Basic authentication sends it. */
  addBasicAuth(username: string, secret: string | undefined): void {
    if (!secret) return;
    this.add(secret);
    this.add(Buffer.from(`${username}:${secret}`).toString('base64'));
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets)
      result = result.split(secret).join('***');
    // Credentials written into a remote URL (https://user:token@host) by whoever configured it.
    return result.replace(
      /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(:[^/\s@]*)?@/gi,
      '$1***@',
    );
  }

  /** The same error, its message and stack scrubbed, so its type still tells callers what failed. */
  scrub(error: unknown): Error {
    if (!(error instanceof Error)) return new Error(this.redact(String(error)));
    error.message = this.redact(error.message);
    if (error.stack) error.stack = this.redact(error.stack);
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error) this.scrub(cause);
    return error;
  }
}
