/** A mistake in how the command was called or in its input: exit 2, one line on stderr. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit codes, as the README documents them. */
export const exitCodes = {
  ok: 0,
  unexpected: 1,
  badInput: 2,
  threshold: 3,
} as const;
