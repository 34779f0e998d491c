import type { Document } from 'yaml';

/**
 * The first parse error of a YAML document as one line a person reads, `FILE:LINE:
 * malformed YAML: REASON` (the CLI contract's form), and its line; undefined when the
 * document parsed.
 */
export function malformedYaml(
  doc: Document.Parsed,
  file: string,
): { message: string; line?: number } | undefined {
  const error = doc.errors[0];
  if (!error) return undefined;
  const line = error.linePos?.[0]?.line;
  const reason = error.message
    .split('\n')[0]
    .replace(/ at line \d+, column \d+:?$/, '');
  return {
    message: `${file}${line ? `:${line}` : ''}: malformed YAML: ${reason}`,
    line,
  };
}
