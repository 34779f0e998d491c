/**
 * A Prometheus that cannot be read, in one line a person can act on: unreachable,
 * credentials refused, a query refused, an answer that is not Prometheus's. Never holds
 * the bearer token.
 *
 * @public
 */
export class TelemetryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TelemetryError';
  }
}
