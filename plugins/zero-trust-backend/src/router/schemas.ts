import { InputError } from '@backstage/errors';
import { z } from 'zod';

const text = z
  .string()
  .min(1)
  .max(1024)
  .refine(
    s => ![...s].some(c => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f),
    'must not hold control characters',
  );

export const checkRequestSchema = z.strictObject({
  from: text.describe(
    'A workload or Service reference, `plaintext`, or `principal:TD/ns/NS/sa/SA`',
  ),
  to: text.describe(
    'A workload, else a Service: NAMESPACE/NAME or CLUSTER/NAMESPACE/NAME',
  ),
  port: z.number().int().min(1).max(65535).optional(),
  method: text.optional(),
  path: text.optional(),
  host: text.optional(),
});

export const findingsQuerySchema = z.strictObject({
  severity: z.enum(['high', 'medium', 'low']).optional(),
  cluster: text.optional(),
  namespace: text.optional(),
});

export const edgesQuerySchema = z.strictObject({
  cluster: text.optional(),
  namespace: text.optional(),
});

export const entityParamsSchema = z.object({
  kind: text,
  namespace: text,
  name: text,
});

/** Parses input or throws an InputError naming each field that is wrong. */
export function parse<T>(
  schema: z.ZodType<T>,
  input: unknown,
  what: string,
): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues
      .map(i =>
        i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message,
      )
      .join('; ');
    throw new InputError(`invalid ${what}: ${problems}`);
  }
  return result.data;
}
