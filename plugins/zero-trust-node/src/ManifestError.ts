/**
 * A manifest that cannot be read, parsed or rendered: the message names the file and,
 * for malformed YAML, the line.
 *
 * @public
 */
export class ManifestError extends Error {
  constructor(message: string, readonly file: string, readonly line?: number) {
    super(message);
    this.name = 'ManifestError';
  }
}
