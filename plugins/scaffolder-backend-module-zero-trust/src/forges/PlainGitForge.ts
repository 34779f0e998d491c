import { PlainGitConfig } from '../config';
import { Redactor } from '../redact';
import {
  ForgeTarget,
  GitopsForge,
  PullRequestRef,
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

  constructor(private readonly config: PlainGitConfig, redactor: Redactor) {
    // A remote URL may carry credentials (https://user:token@host/...); never show them.
    this.name = redactor.redact(config.url);
    this.target = { provider: 'git', repository: this.name };
  }

  async repository(): Promise<RemoteRepository> {
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
}
