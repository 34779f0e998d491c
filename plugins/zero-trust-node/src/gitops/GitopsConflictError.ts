/**
 * The GitOps repository holds something the onboarding cannot be written over: a
 * resource of the same name with other content, or a YAML file that does not parse.
 * The message names the file (and the line), fit to show a user as is.
 *
 * @public
 */
export class GitopsConflictError extends Error {
  constructor(
    message: string,
    /** The file, relative to the repository root. */
    readonly file: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'GitopsConflictError';
  }
}
