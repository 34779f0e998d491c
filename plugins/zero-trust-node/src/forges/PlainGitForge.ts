import { Git } from '../git/Git';
import { PlainGitConfig } from '../git/plainGit';
import { Redactor } from '../git/Redactor';
import {
  ForgeReadError,
  ForgeTarget,
  GitopsForge,
  PullRequestRef,
  PullRequestState,
  RecordedPullRequest,
  RemoteRepository,
} from './types';

/**
 * A plain git remote: the branch is the deliverable, there is no pull request to open.
 * The demo's default (a local bare repository), and a way to hand the change to any
 * review tool that watches branches.
 */
export class PlainGitForge implements GitopsForge {
  readonly name: string;
  readonly target: ForgeTarget;

  constructor(
    private readonly config: PlainGitConfig,
    redactor: Redactor = new Redactor(),
  ) {
    // A remote URL may carry credentials (https://user:token@host/...); never show them.
    this.name = redactor.redact(config.url);
    this.target = { provider: 'git', repository: this.name };
  }

  async repository(): Promise<RemoteRepository> {
    return { cloneUrl: this.config.url };
  }

  /** Always the configured remote, whatever a checkout names. */
  async remoteAt(): Promise<RemoteRepository> {
    return { cloneUrl: this.config.url };
  }

  /** The branch's link: `branchUrl` where configured, else the remote and the branch. */
  private branchRef(branch: string): PullRequestRef {
    const { branchUrl } = this.config;
    return {
      url: branchUrl
        ? branchUrl.split('{branch}').join(encodeURIComponent(branch))
        : `${this.name}#${branch}`,
    };
  }

  /** Nothing to find: a branch is not a pull request, and `createPullRequest` only names it. */
  async findOpenPullRequest(): Promise<PullRequestRef | undefined> {
    return undefined;
  }

  async createPullRequest(options: { branch: string }) {
    return this.branchRef(options.branch);
  }

  async updatePullRequest(pr: PullRequestRef) {
    return pr;
  }

  async decoratePullRequest() {}

  /**
   * The pushed branch, read in the local repository: merged once the base branch
   * contains the pushed commit (`git merge-base --is-ancestor`), closed once the branch
   * is gone without that. Only a local repository can be read (`localPath`).
   */
  async readPullRequest(
    pr: RecordedPullRequest,
    signal?: AbortSignal,
  ): Promise<PullRequestState> {
    const repository = this.config.localPath;
    const what = `git repository ${this.name}`;
    if (!repository) {
      throw new ForgeReadError(`${what} is not a local repository`);
    }
    const git = new Git({ dir: repository, timeoutMs: 30_000 });
    const ask = (args: string[]) =>
      git.attempt(args, { signal }).catch(error => {
        throw new ForgeReadError(`cannot read ${what}: ${error.message}`);
      });
    const base = await ask([
      'rev-parse',
      '--verify',
      '--quiet',
      `refs/heads/${pr.baseBranch}^{commit}`,
    ]);
    if (base.code !== 0) {
      throw new ForgeReadError(
        base.code === 1
          ? `${what} has no branch ${pr.baseBranch}`
          : `cannot read ${what}: ${base.stderr}`,
      );
    }
    const merged = await ask([
      'merge-base',
      '--is-ancestor',
      pr.headSha,
      `refs/heads/${pr.baseBranch}`,
    ]);
    if (merged.code === 0) return { state: 'merged' };
    const branch = await ask([
      'show-ref',
      '--verify',
      '--quiet',
      `refs/heads/${pr.branch}`,
    ]);
    if (branch.code === 1) return { state: 'closed' };
    if (branch.code !== 0) {
      throw new ForgeReadError(`cannot read ${what}: ${branch.stderr}`);
    }
    // The branch is there; a commit git does not know (exit 128) is one it no longer
    // holds, which a later push of the same branch replaced: still open.
    if (merged.code === 1 || merged.code === 128) return { state: 'open' };
    throw new ForgeReadError(`cannot read ${what}: ${merged.stderr}`);
  }
}
