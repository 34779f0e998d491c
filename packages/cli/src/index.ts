/**
 * The `zero-trust` command line (documented in this package's README).
 *
 * @packageDocumentation
 */
export { run } from './run';
export type { CliIo } from './io';
