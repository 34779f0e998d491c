import { execFile, spawn } from 'node:child_process';
import { Redactor } from './Redactor';

/** HTTP credentials for one origin (`https://github.com`), sent only there. */
export interface GitCredentials {
  origin: string;
  username: string;
  password: string;
}

/**
 * A git command that failed: the message is git's own (its first lines of stderr),
 * secrets scrubbed. `exitCode` is git's exit status where git ran at all.
 */
export class GitError extends Error {
  constructor(message: string, readonly exitCode?: number) {
    super(message);
    this.name = 'GitError';
  }
}

export interface GitOptions {
  /** The working tree (or, for `clone`, the folder to clone into). */
  dir: string;
  credentials?: GitCredentials;
  /** Who commits; needed only to commit. */
  author?: { name: string; email: string };
  /** Scrubs every error; default: one that knows `credentials`. */
  redactor?: Redactor;
  /** Each command is killed after this long. Default: no limit (a clone may be large). */
  timeoutMs?: number;
}

export interface GitRunOptions {
  /** Default: the runner's `dir`. */
  cwd?: string;
  signal?: AbortSignal;
  /** Added to the command's environment. */
  env?: Record<string, string>;
}

/** What a command that ran answered: its exit code and trimmed output. */
export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The `git` command line, run without a shell: the one git runner of the suite (the
 * scaffolder actions, the request tracker's plain-git reader, the GitOps cluster reader).
 *
 * Why the CLI and not isomorphic-git (which Backstage's own publish helpers use):
 * isomorphic-git speaks only the smart HTTP protocol, so neither a local bare repository
 * (`file://`, the demo's GitOps remote) nor an ssh remote is within its reach, and it has
 * no `--force-with-lease`. The CLI covers every transport with one code path.
 *
 * Credentials never go into a URL or an argument (where `ps` or an error message would
 * show them): they travel in the child's environment as a git config entry, an
 * `http.<origin>/.extraHeader`, so git sends them to that origin only. Every error is
 * scrubbed by the redactor, which knows them. Git never prompts, never runs the
 * repository's hooks and never asks for a signing key.
 */
export class Git {
  readonly redactor: Redactor;

  constructor(private readonly options: GitOptions) {
    this.redactor = options.redactor ?? new Redactor();
    const { credentials } = options;
    if (credentials) {
      this.redactor.addBasicAuth(credentials.username, credentials.password);
    }
  }

  get dir(): string {
    return this.options.dir;
  }

  private environment(): NodeJS.ProcessEnv {
    const { credentials, author } = this.options;
    const config: [string, string][] = [
      // A user's global signing setup must not make an unattended commit hang or fail.
      ['commit.gpgsign', 'false'],
      // Reading or writing a repository must run nothing the repository holds.
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
      GIT_CONFIG_COUNT: String(config.length),
    };
    if (author) {
      env.GIT_AUTHOR_NAME = author.name;
      env.GIT_AUTHOR_EMAIL = author.email;
      env.GIT_COMMITTER_NAME = author.name;
      env.GIT_COMMITTER_EMAIL = author.email;
    }
    config.forEach(([key, value], i) => {
      env[`GIT_CONFIG_KEY_${i}`] = key;
      env[`GIT_CONFIG_VALUE_${i}`] = value;
    });
    return env;
  }

  private failure(args: string[], detail: string, code?: number): GitError {
    return new GitError(
      this.redactor.redact(`git ${args[0]} failed: ${detail}`),
      code,
    );
  }

  /**
   * Runs `git <args>` and answers its exit code and output, whatever the code: for
   * questions git answers with its status (`merge-base --is-ancestor`, `show-ref`).
   * Rejects with a GitError only where git did not run or finish (missing, killed,
   * aborted).
   */
  attempt(args: string[], options: GitRunOptions = {}): Promise<GitResult> {
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        args,
        {
          cwd: options.cwd ?? this.options.dir,
          env: { ...this.environment(), ...options.env },
          maxBuffer: 64 * 1024 * 1024,
          signal: options.signal,
          timeout: this.options.timeoutMs,
        },
        (error, stdout, stderr) => {
          const out = {
            stdout: String(stdout).trim(),
            stderr: this.redactor.redact(String(stderr).trim()),
          };
          if (!error) {
            resolve({ code: 0, ...out });
            return;
          }
          // A number is git's exit code; a string (ENOENT, ABORT_ERR) is no answer at all.
          const code = (error as { code?: unknown }).code;
          if (
            typeof code === 'number' &&
            !(error as { killed?: boolean }).killed
          ) {
            resolve({ code, ...out });
            return;
          }
          reject(this.failure(args, out.stderr || error.message || 'failed'));
        },
      );
    });
  }

  /** Runs `git <args>`; resolves to its trimmed stdout, rejects with a GitError. */
  async run(args: string[], options: GitRunOptions = {}): Promise<string> {
    const result = await this.attempt(args, options);
    if (result.code !== 0) {
      throw this.failure(
        args,
        result.stderr || `exit code ${result.code}`,
        result.code,
      );
    }
    return result.stdout;
  }

  /** Clones one branch (default: the remote's HEAD), shallow, into `dir`. */
  async clone(url: string, branch?: string): Promise<void> {
    const args = ['clone', '--quiet', '--no-tags', '--single-branch'];
    if (branch) args.push('--branch', branch);
    args.push('--depth', '1', '--', url, this.options.dir);
    await this.run(args, { cwd: process.cwd() });
  }

  currentBranch(): Promise<string> {
    return this.run(['symbolic-ref', '--short', 'HEAD']);
  }

  /** The commit a remote branch points at, or undefined where it does not exist. */
  async remoteBranchHead(
    branch: string,
    remote = 'origin',
  ): Promise<string | undefined> {
    const out = await this.run([
      'ls-remote',
      '--heads',
      remote,
      `refs/heads/${branch}`,
    ]);
    return out ? out.split(/\s+/)[0] : undefined;
  }

  /** The tree a remote branch holds (fetched shallow). */
  async remoteBranchTree(branch: string, remote = 'origin'): Promise<string> {
    await this.run([
      'fetch',
      '--quiet',
      '--no-tags',
      '--depth',
      '1',
      remote,
      `refs/heads/${branch}`,
    ]);
    return this.run(['rev-parse', 'FETCH_HEAD^{tree}']);
  }

  /**
   * Commits what the working tree changed against HEAD (added, modified and removed
   * files) as a child of HEAD, without moving HEAD or touching the index: the checkout
   * stays as it was written, so running this again gives the same tree. Resolves to
   * the commit and its tree; undefined where nothing changed.
   */
  async commitWorkingTree(
    message: string,
  ): Promise<{ commit: string; tree: string } | undefined> {
    const gitDir = await this.run(['rev-parse', '--absolute-git-dir']);
    // A private index, so the checkout's own index and HEAD stay as they are.
    const env = { GIT_INDEX_FILE: `${gitDir}/zero-trust-index` };
    await this.run(['read-tree', 'HEAD'], { env });
    await this.run(['add', '--all', '--', '.'], { env });
    const tree = await this.run(['write-tree'], { env });
    if (tree === (await this.run(['rev-parse', 'HEAD^{tree}']))) {
      return undefined;
    }
    const commit = await this.run([
      'commit-tree',
      tree,
      '-p',
      'HEAD',
      '-m',
      message,
    ]);
    return { commit, tree };
  }

  /**
   * Pushes a commit to the branch. The lease makes it fail rather than overwrite a
   * commit someone pushed since `expected` was read (an empty lease: the branch must
   * not exist).
   */
  async push(
    commit: string,
    branch: string,
    expected: string | undefined,
    remote = 'origin',
  ): Promise<void> {
    await this.run([
      'push',
      '--quiet',
      '--no-verify',
      `--force-with-lease=refs/heads/${branch}:${expected ?? ''}`,
      remote,
      `${commit}:refs/heads/${branch}`,
    ]);
  }

  /**
   * Writes the files of `rev` under `subPath` (all where empty) into the folder `into`:
   * `git archive | tar -x`, without a shell. `dir` is the repository (bare or not).
   */
  extractTree(rev: string, subPath: string, into: string): Promise<void> {
    const args = [
      'archive',
      '--format=tar',
      rev,
      ...(subPath ? ['--', subPath] : []),
    ];
    return new Promise<void>((resolve, reject) => {
      const archive = spawn('git', args, {
        cwd: this.options.dir,
        env: this.environment(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const tar = spawn('tar', ['-x', '-C', into], {
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      let errors = '';
      archive.stderr.on('data', d => (errors += d));
      tar.stderr.on('data', d => (errors += d));
      archive.stdout.pipe(tar.stdin);
      let pending = 2;
      let failed = false;
      const fail = (detail: string, code?: number) => {
        if (failed) return;
        failed = true;
        reject(this.failure(args, detail, code));
      };
      const done = (code: number | null) => {
        if (code !== 0)
          fail(errors.trim() || `exit code ${code}`, code ?? undefined);
        else if (--pending === 0 && !failed) resolve();
      };
      archive.on('close', done);
      tar.on('close', done);
      archive.on('error', e => fail(e.message));
      tar.on('error', e => fail(e.message));
    });
  }
}
