import { readFileSync } from 'node:fs';

type Schema = Record<string, any>;

/**
 * GitHub's official OpenAPI description (`@octokit/openapi`), read once. Read as a file
 * rather than required: the package's index loads every GitHub flavour (hundreds of MB).
 */
let spec: Schema | undefined;
export function githubOpenApi(): Schema {
  spec ??= JSON.parse(
    readFileSync(
      require.resolve('@octokit/openapi/generated/api.github.com.json'),
      'utf8',
    ),
  );
  return spec!;
}

function resolve(root: Schema, schema: Schema): Schema {
  let s = schema;
  while (s && s.$ref) {
    const parts = (s.$ref as string).replace(/^#\//, '').split('/');
    s = parts.reduce((o: Schema, p: string) => o[p], root);
  }
  return s;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value;
}

/**
 * Checks a value against an OpenAPI 3.0 schema: types (with `nullable`), enums,
 * required properties, items, oneOf/anyOf/allOf, and (`strict`, for what we send)
 * properties the schema does not name. Returns every violation with its JSON path.
 */
export function validate(
  root: Schema,
  schemaOrRef: Schema,
  value: unknown,
  at = '$',
  strict = false,
): string[] {
  const recurse = (s: Schema, v: unknown, where: string) =>
    validate(root, s, v, where, strict);
  const schema = resolve(root, schemaOrRef);
  if (!schema) return [];
  if (schema.allOf) {
    return schema.allOf.flatMap((s: Schema) => recurse(s, value, at));
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (schema[key]) {
      const passes = schema[key].some(
        (s: Schema) => recurse(s, value, at).length === 0,
      );
      return passes ? [] : [`${at}: matches none of ${key}`];
    }
  }
  if (value === null) {
    return schema.nullable || schema.type === 'null' || !schema.type
      ? []
      : [`${at}: null is not allowed`];
  }
  const actual = typeOf(value);
  const expected = schema.type;
  if (
    expected &&
    actual !== expected &&
    !(expected === 'number' && actual === 'integer')
  ) {
    return [`${at}: expected ${expected}, got ${actual}`];
  }
  const problems: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) {
    problems.push(
      `${at}: ${JSON.stringify(value)} is not one of ${schema.enum}`,
    );
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (!(name in object)) problems.push(`${at}.${name}: required`);
    }
    for (const [name, v] of Object.entries(object)) {
      const property = schema.properties?.[name];
      if (property) problems.push(...recurse(property, v, `${at}.${name}`));
      else if (
        schema.additionalProperties === false ||
        (strict && schema.properties && !schema.additionalProperties)
      ) {
        problems.push(`${at}.${name}: not in the schema`);
      }
    }
  }
  if (actual === 'array' && schema.items) {
    (value as unknown[]).forEach((v, i) =>
      problems.push(...recurse(schema.items, v, `${at}[${i}]`)),
    );
  }
  return problems;
}

/** The operation for a path template (`/repos/{owner}/{repo}/pulls`) and method. */
export function operation(path: string, method: string): Schema | undefined {
  return githubOpenApi().paths[path]?.[method.toLowerCase()];
}

/**
 * Everything wrong with a request as GitHub's description defines it: the operation
 * exists, every query parameter is declared, the JSON body fits the request schema.
 */
export function checkRequest(
  path: string,
  method: string,
  query: URLSearchParams,
  body: unknown,
): string[] {
  const root = githubOpenApi();
  const op = operation(path, method);
  if (!op)
    return [`${method} ${path}: no such operation in the OpenAPI description`];
  const declared = new Set(
    (op.parameters ?? []).map((p: Schema) => resolve(root, p).name),
  );
  const problems = [...query.keys()]
    .filter(k => !declared.has(k))
    .map(k => `${method} ${path}: undeclared query parameter ${k}`);
  const schema = op.requestBody?.content?.['application/json']?.schema;
  if (schema) {
    problems.push(
      ...validate(root, schema, body, 'body', true).map(
        p => `${method} ${path}: ${p}`,
      ),
    );
  } else if (body !== undefined) {
    problems.push(`${method} ${path}: takes no body`);
  }
  return problems;
}

/** Everything wrong with a response body for that operation and status. */
export function checkResponse(
  path: string,
  method: string,
  status: number,
  body: unknown,
): string[] {
  const root = githubOpenApi();
  const response = operation(path, method)?.responses?.[String(status)];
  if (!response) return [`${method} ${path}: no ${status} response documented`];
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return [];
  return validate(root, schema, body, 'response').map(
    p => `${method} ${path} ${status}: ${p}`,
  );
}

/** A documented example response (`components/examples`), deep-copied. */
export function example(path: string, method: string, status: number): any {
  const root = githubOpenApi();
  const content = operation(path, method)!.responses[String(status)].content[
    'application/json'
  ];
  const first = Object.values(content.examples as Schema)[0] as Schema;
  return structuredClone(resolve(root, first).value);
}
