import { execFile } from 'node:child_process';
import { Redactor } from '../redact';

/** HTTP credentials for one origin (`https://github.com`), sent only there. */
export interface GitCredentials {
  origin: string;
  username: string;
  password: string;
}

/** A git command that failed: the message is git's own, secrets scrubbed. */
export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

export interface GitOptions {
  /** The working tree (or, for `clone`, the folder to clone into). */
  dir: string;
  credentials?: GitCredentials;
  author: { name: string; email: string };
  redactor: Redactor;
}

/**
 * The `git` command line, run without a shell.
 *
 * Why the CLI and not isomorphic-git (which Backstage's own publish helpers use):
 * isomorphic-git speaks only the smart HTTP protocol, so neither a local bare repository
 * (`file://`, the demo's GitOps remote) nor an ssh remote is within its reach, and it has
 * no `--force-with-lease`. The CLI covers every transport with one code path.
 *
 * Credentials never go into a URL or an argument (where `ps` or an error message would
 * show them): they travel in the child's environment as a git config entry, an
 * `http.<origin>/.extraHeader`, so git sends them to that origin only.
 */
export class Git {
  constructor(private readonly options: GitOptions) {}

  private environment(): NodeJS.ProcessEnv {
    const { credentials, author } = this.options;
    const config: [string, string][] = [
      // A user's global signing setup must not make an unattended commit hang or fail.
      ['commit.gpgsign', 'false'],
      ['core.hooksPath', '/dev/null'],
    ];
    if (credentials) {
      const basic = Buffer.from(
        `${credentials.username}:${credentials.password}`,
      ).toString('base64');
      config.push([
        `http.${credentials.origin}/.extraHeader`,
        `Authorization: Basic ${basic}`,
      ]);
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // Fail instead of waiting for a password nobody will type.
      GIT_TERMINAL_PROMPT: '0',
      GIT_SSH_COMMAND: process.env.GIT_SSH_COMMAND ?? 'ssh -o BatchMode=yes',
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_COMMITTER_NAME: author.name,
      GIT_COMMITTER_EMAIL: author.email,
      GIT_CONFIG_COUNT: String(config.length),
    };
    config.forEach(([key, value], i) => {
      env[`GIT_CONFIG_KEY_${i}`] = key;
      env[`GIT_CONFIG_VALUE_${i}`] = value;
    });
    return env;
  }

  /** Runs `git <args>` in the working tree; resolves to its trimmed stdout. */
  run(args: string[], cwd = this.options.dir): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        args,
        { cwd, env: this.environment(), maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error) {
            const detail =
              String(stderr).trim() || (error as Error).message || 'failed';
            reject(
              new GitError(
                this.options.redactor.redact(
                  `git ${args[0]} failed: ${detail}`,
                ),
              ),
            );
            return;
          }
          resolve(String(stdout).trim());
        },
      );
    });
  }

  /** Clones one branch (default: the remote's HEAD), shallow, into `dir`. */
  async clone(url: string, branch?: string): Promise<void> {
    const args = ['clone', '--quiet', '--no-tags', '--single-branch'];
    if (branch) args.push('--branch', branch);
    args.push('--depth', '1', '--', url, this.options.dir);
    await this.run(args, process.cwd());
  }

  currentBranch(): Promise<string> {
    return this.run(['symbolic-ref', '--short', 'HEAD']);
  }

  /** The commit a remote branch points at, or undefined where it does not exist. */
  async remoteBranchHead(branch: string): Promise<string | undefined> {
    const out = await this.run([
      'ls-remote',
      '--heads',
      'origin',
      `refs/heads/${branch}`,
    ]);
    return out ? out.split(/\s+/)[0] : undefined;
  }

  /** The tree a remote branch holds (fetched shallow). */
  async remoteBranchTree(branch: string): Promise<string> {
    await this.run([
      'fetch',
      '--quiet',
      '--no-tags',
      '--depth',
      '1',
      'origin',
      `refs/heads/${branch}`,
    ]);
    return this.run(['rev-parse', 'FETCH_HEAD^{tree}']);
  }

  /** Commits exactly these paths on a new local branch; resolves to the commit's tree. */
  async commitOnBranch(
    branch: string,
    paths: string[],
    message: string,
  ): Promise<string> {
    await this.run(['checkout', '--quiet', '-b', branch]);
    await this.run(['add', '--', ...paths]);
    await this.run(['commit', '--quiet', '--no-verify', '-m', message]);
    return this.run(['rev-parse', 'HEAD^{tree}']);
  }

  /**
   * Pushes HEAD to the branch. The lease makes it fail rather than overwrite a commit
   * someone pushed since `expected` was read (an empty lease: the branch must not exist).
   */
  async push(branch: string, expected: string | undefined): Promise<string> {
    await this.run([
      'push',
      '--quiet',
      '--no-verify',
      `--force-with-lease=refs/heads/${branch}:${expected ?? ''}`,
      'origin',
      `HEAD:refs/heads/${branch}`,
    ]);
    return this.run(['rev-parse', 'HEAD']);
  }
}
