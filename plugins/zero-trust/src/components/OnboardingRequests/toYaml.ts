// The plugin does not depend on a YAML library, and a generated spec is plain JSON data
// (objects, arrays, strings, numbers, booleans): a block-style writer for that is short.

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Words YAML 1.1 or 1.2 reads as booleans or null; a string spelled so must be quoted.
const reserved = /^(?:true|false|yes|no|y|n|on|off|null|~)$/i;
// A plain scalar starts with a letter, `_` or `/`, and holds no `: `, ` #` or indicator
// that would end it. Anything else (digits first, dates, `*`, `.inf`) is quoted.
const plain = /^[A-Za-z_/][\w./*@+=-]*(?: [\w./*@+=-]+)*$/;

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') {
    // JSON's escapes are a subset of YAML's double-quoted ones.
    return plain.test(value) && !reserved.test(value)
      ? value
      : JSON.stringify(value);
  }
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? String(value)
      : JSON.stringify(String(value));
  }
  if (typeof value === 'boolean') return String(value);
  return JSON.stringify(String(value));
}

function isBlock(value: unknown): boolean {
  return (
    (Array.isArray(value) && value.length > 0) ||
    (isObject(value) && Object.keys(value).length > 0)
  );
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return '[]';
  if (isObject(value)) return '{}';
  return scalar(value);
}

function lines(value: unknown): string[] {
  if (Array.isArray(value) && value.length) {
    return value.flatMap(item => {
      if (!isBlock(item)) return [`- ${inline(item)}`];
      const [first, ...rest] = lines(item);
      return [`- ${first}`, ...rest.map(l => `  ${l}`)];
    });
  }
  if (isObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (!entries.length) return ['{}'];
    return entries.flatMap(([key, v]) =>
      isBlock(v)
        ? [`${scalar(key)}:`, ...lines(v).map(l => `  ${l}`)]
        : [`${scalar(key)}: ${inline(v)}`],
    );
  }
  return [inline(value)];
}

/** JSON data as block-style YAML, keys in their own order, without a trailing newline. */
export function toYaml(value: unknown): string {
  return lines(value).join('\n');
}
