/** @public */
export interface BackoffSettings {
  baseMs: number;
  capMs: number;
}

/**
 * Exponential backoff with full jitter: a random wait between 0 and
 * `min(cap, base · 2^attempt)`, so that many sources reconnecting after an outage spread
 * out instead of arriving together
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 */
export function backoffDelay(
  attempt: number,
  { baseMs, capMs }: BackoffSettings,
  random: () => number = Math.random,
): number {
  return Math.floor(
    random() * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30)),
  );
}

/** A wait that `wake()` ends early, so stopping never waits out a backoff. */
export class Sleeper {
  private timer?: NodeJS.Timeout;
  private resolve?: () => void;

  sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      this.resolve = resolve;
      this.timer = setTimeout(() => this.wake(), ms);
    });
  }

  wake(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const resolve = this.resolve;
    this.resolve = undefined;
    resolve?.();
  }
}
