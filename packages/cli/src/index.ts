/**
 * The `zero-trust` command line (contracts/cli.md).
 *
 * @packageDocumentation
 */
export { run } from './run';
export type { CliIo } from './io';
