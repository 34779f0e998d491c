/** What a forge last answered for a URL, with the ETag to ask again with. */
interface Entry {
  etag: string;
  body: Record<string, unknown>;
}

/** Most answers kept: one per followed pull request is all a run needs. */
const maxEntries = 10_000;

/**
 * The last answer and ETag per URL, for conditional requests: GitHub answers
 * `If-None-Match` with 304 Not Modified when nothing changed, and a 304 does not count
 * against the rate limit
 * (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate).
 * Bodies only, never request headers: no token is kept.
 */
export class ConditionalCache {
  private readonly entries = new Map<string, Entry>();

  get(url: string): Entry | undefined {
    return this.entries.get(url);
  }

  set(url: string, etag: string, body: Record<string, unknown>): void {
    // Re-inserting keeps the map in last-used order, so the oldest go first.
    this.entries.delete(url);
    this.entries.set(url, { etag, body });
    if (this.entries.size > maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }
}
