import { parseArgs, ParseArgsConfig } from 'node:util';
import { UsageError } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's arguments strictly: an unknown option is a usage error. */
export function parseCommandArgs<O extends Options>(
  args: string[],
  options: O,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
}

export function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  option: string,
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(
      `${option} must be one of ${allowed.join(', ')}, not "${value}"`,
    );
  }
  return value as T;
}

export function portNumber(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  const n =
    typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new UsageError(
      `${where} must be a port number from 1 to 65535, not ${JSON.stringify(
        value,
      )}`,
    );
  }
  return n;
}
