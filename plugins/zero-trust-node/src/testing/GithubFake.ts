import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { checkRequest, checkResponse, example } from './githubOpenApi';

/** A request a forge fake received. */
export interface RecordedRequest {
  method: string;
  /** The OpenAPI path template it matched (GitLab: the route as its docs name it). */
  operation: string;
  url: string;
  /** The credential header it carried (GitHub: Authorization; GitLab: PRIVATE-TOKEN). */
  authorization?: string;
  body?: any;
  /** GitHub: the ETag it was conditional on, and whether the fake answered 304. */
  ifNoneMatch?: string;
  notModified?: boolean;
}

/** How a fake forge answers for one pull (merge) request. */
export type ForgeAnswer =
  | { state: 'open' }
  | { state: 'closed' }
  | { state: 'merged'; mergedAt: string }
  /** The network fails, as an unreachable forge's does. */
  | { state: 'unreachable' }
  /** An HTTP error status. */
  | { state: 'error'; status: number };

/** A fault in place of an answer. */
type Fault = Extract<ForgeAnswer, { state: 'unreachable' | 'error' }>;

export interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  draft: boolean;
  state: 'open' | 'closed';
  mergedAt?: string;
  labels: string[];
  reviewers: string[];
  teamReviewers: string[];
}

export interface GithubFakeOptions {
  /** `https://api.github.com`, or GitHub Enterprise's `https://HOST/api/v3`. */
  apiBaseUrl: string;
  owner: string;
  repo: string;
  webBaseUrl: string;
  /** What `GET /repos/{owner}/{repo}` names as the repository's clone URL. */
  cloneUrl?: string;
  defaultBranch?: string;
}

/**
 * GitHub's REST API as far as the suite uses it, at the HTTP level (msw), with state:
 * the scaffolder actions open pull requests, find them by head branch, update, label and
 * ask reviews on them; the request tracker reads them, conditionally (ETag and 304 Not
 * Modified, as GitHub answers). Every request and every response is checked against
 * GitHub's OpenAPI description (`@octokit/openapi`); `violations` lists what did not fit
 * (a test expects it empty).
 */
export class GithubFake {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly pulls: FakePull[] = [];
  /** Logins the fake refuses as reviewers (422, as GitHub does for non-collaborators). */
  readonly unknownReviewers = new Set<string>();
  /** Faults per pull request number, answered instead of the pull request. */
  readonly faults = new Map<number, Fault>();
  /** Each read of a pull request waits this long: overlapping runs would show as two requests. */
  delayMs = 0;

  constructor(private readonly options: GithubFakeOptions) {}

  /**
   * Sets what the fake answers for pull request `number`: its state (the pull request is
   * made where the fake has none), or a fault.
   */
  answer(number: number, answer: ForgeAnswer): void {
    if (answer.state === 'unreachable' || answer.state === 'error') {
      this.faults.set(number, answer);
      return;
    }
    this.faults.delete(number);
    let pull = this.pulls.find(p => p.number === number);
    if (!pull) {
      pull = {
        number,
        title: `Pull request ${number}`,
        body: '',
        head: `zero-trust/pull-${number}`,
        base: this.options.defaultBranch ?? 'main',
        draft: false,
        state: 'open',
        labels: [],
        reviewers: [],
        teamReviewers: [],
      };
      this.pulls.push(pull);
    }
    pull.state = answer.state === 'open' ? 'open' : 'closed';
    pull.mergedAt = answer.state === 'merged' ? answer.mergedAt : undefined;
  }

  /** How many times pull request `number` was read. */
  countFor(number: number): number {
    return this.requests.filter(
      r =>
        r.method === 'GET' &&
        new URL(r.url).pathname.endsWith(`/pulls/${number}`),
    ).length;
  }

  pullUrl(number: number): string {
    const { webBaseUrl, owner, repo } = this.options;
    return `${webBaseUrl}/${owner}/${repo}/pull/${number}`;
  }

  private pullJson(
    pull: FakePull,
    path: string,
    method: string,
    status: number,
    simple = false,
  ) {
    const { owner, repo, apiBaseUrl } = this.options;
    const base = example(path, method, status);
    const json = simple && Array.isArray(base) ? base[0] : base;
    Object.assign(json, {
      number: pull.number,
      title: pull.title,
      body: pull.body,
      state: pull.state,
      draft: pull.draft,
      merged_at: pull.mergedAt ?? null,
      html_url: this.pullUrl(pull.number),
      url: `${apiBaseUrl}/repos/${owner}/${repo}/pulls/${pull.number}`,
      labels: pull.labels.map((name, i) => ({
        ...json.labels?.[0],
        id: i + 1,
        name,
      })),
    });
    // GitHub's published examples predate the team schema's required `type`.
    const team = { ...json.requested_teams?.[0], type: 'organization' };
    const user = json.requested_reviewers?.[0] ?? json.user;
    json.requested_teams = pull.teamReviewers.map(slug => ({
      ...team,
      slug,
      name: slug,
    }));
    json.requested_reviewers = pull.reviewers.map(login => ({
      ...user,
      login,
    }));
    json.head = {
      ...json.head,
      ref: pull.head,
      label: `${owner}:${pull.head}`,
    };
    json.base = {
      ...json.base,
      ref: pull.base,
      label: `${owner}:${pull.base}`,
    };
    return json;
  }

  private async record(
    operation: string,
    request: Request,
  ): Promise<RecordedRequest> {
    const url = new URL(request.url);
    const text = await request.text();
    const body = text ? JSON.parse(text) : undefined;
    const recorded: RecordedRequest = {
      method: request.method,
      operation,
      url: request.url,
      authorization: request.headers.get('authorization') ?? undefined,
      body,
    };
    this.requests.push(recorded);
    this.violations.push(
      ...checkRequest(operation, request.method, url.searchParams, body),
    );
    return recorded;
  }

  private respond(
    operation: string,
    method: string,
    status: number,
    body: unknown,
  ) {
    this.violations.push(...checkResponse(operation, method, status, body));
    return HttpResponse.json(body as any, { status });
  }

  handlers() {
    const { apiBaseUrl, owner, repo } = this.options;
    const api = `${apiBaseUrl}/repos/:owner/:repo`;
    const repoPath = '/repos/{owner}/{repo}';
    const pullsPath = `${repoPath}/pulls`;
    const pullPath = `${pullsPath}/{pull_number}`;
    const labelsPath = `${repoPath}/issues/{issue_number}/labels`;
    const reviewersPath = `${pullPath}/requested_reviewers`;
    const find = (n: string | readonly string[] | undefined) =>
      this.pulls.find(p => p.number === Number(n));
    const wrongRepo = (params: Record<string, unknown>) =>
      params.owner !== owner || params.repo !== repo;
    const notFound = () =>
      HttpResponse.json({ message: 'Not Found' }, { status: 404 });

    return [
      http.get(api, async ({ request, params }) => {
        await this.record(repoPath, request);
        if (wrongRepo(params)) return notFound();
        const json = example(repoPath, 'GET', 200);
        // Not a fork; and the published example lacks the required `language`.
        delete json.source;
        delete json.parent;
        Object.assign(json, {
          language: 'YAML',
          name: repo,
          full_name: `${owner}/${repo}`,
          clone_url:
            this.options.cloneUrl ??
            `${this.options.webBaseUrl}/${owner}/${repo}.git`,
          default_branch: this.options.defaultBranch ?? 'main',
          html_url: `${this.options.webBaseUrl}/${owner}/${repo}`,
        });
        return this.respond(repoPath, 'GET', 200, json);
      }),
      http.get(`${api}/pulls`, async ({ request }) => {
        await this.record(pullsPath, request);
        const query = new URL(request.url).searchParams;
        const state = query.get('state') ?? 'open';
        const head = query.get('head');
        const found = this.pulls.filter(
          p =>
            (state === 'all' || p.state === state) &&
            (!head || `${owner}:${p.head}` === head),
        );
        return this.respond(
          pullsPath,
          'GET',
          200,
          found.map(p => this.pullJson(p, pullsPath, 'GET', 200, true)),
        );
      }),
      http.post(`${api}/pulls`, async ({ request }) => {
        const { body } = await this.record(pullsPath, request);
        if (this.pulls.some(p => p.state === 'open' && p.head === body.head)) {
          // GitHub refuses a second open pull request for the same head.
          return HttpResponse.json(
            {
              message: 'Validation Failed',
              errors: [
                {
                  message: `A pull request already exists for ${owner}:${body.head}.`,
                },
              ],
            },
            { status: 422 },
          );
        }
        const pull: FakePull = {
          number: this.pulls.length + 1,
          title: body.title,
          body: body.body ?? '',
          head: body.head,
          base: body.base,
          draft: body.draft ?? false,
          state: 'open',
          labels: [],
          reviewers: [],
          teamReviewers: [],
        };
        this.pulls.push(pull);
        return this.respond(
          pullsPath,
          'POST',
          201,
          this.pullJson(pull, pullsPath, 'POST', 201),
        );
      }),
      http.get(`${api}/pulls/:number`, async ({ request, params }) => {
        const seen = await this.record(pullPath, request);
        if (request.headers.has('if-none-match')) {
          seen.ifNoneMatch = request.headers.get('if-none-match')!;
        }
        if (this.delayMs) {
          await new Promise(r => setTimeout(r, this.delayMs));
        }
        const fault = this.faults.get(Number(params.number));
        if (fault?.state === 'unreachable') return HttpResponse.error();
        if (fault?.state === 'error') {
          return HttpResponse.json(
            { message: 'Server Error' },
            { status: fault.status },
          );
        }
        const pull = find(params.number);
        if (wrongRepo(params) || !pull) return notFound();
        const json = this.pullJson(pull, pullPath, 'GET', 200);
        json.merged = pull.mergedAt !== undefined;
        // As GitHub does: a strong ETag of the representation, and 304 Not Modified
        // (no body) for a request conditional on the current one.
        const etag = `"${createHash('sha256')
          .update(JSON.stringify(json))
          .digest('hex')}"`;
        if (seen.ifNoneMatch === etag) {
          seen.notModified = true;
          this.violations.push(
            ...checkResponse(pullPath, 'GET', 304, undefined),
          );
          return new HttpResponse(null, { status: 304, headers: { etag } });
        }
        this.violations.push(...checkResponse(pullPath, 'GET', 200, json));
        return HttpResponse.json(json, { headers: { etag } });
      }),
      http.patch(`${api}/pulls/:number`, async ({ request, params }) => {
        const { body } = await this.record(pullPath, request);
        const pull = find(params.number);
        if (!pull) return notFound();
        if (body.title !== undefined) pull.title = body.title;
        if (body.body !== undefined) pull.body = body.body;
        return this.respond(
          pullPath,
          'PATCH',
          200,
          this.pullJson(pull, pullPath, 'PATCH', 200),
        );
      }),
      http.post(`${api}/issues/:number/labels`, async ({ request, params }) => {
        const { body } = await this.record(labelsPath, request);
        const pull = find(params.number);
        if (!pull) return notFound();
        pull.labels = [...new Set([...pull.labels, ...body.labels])];
        const template = example(labelsPath, 'POST', 200)[0];
        return this.respond(
          labelsPath,
          'POST',
          200,
          pull.labels.map((name, i) => ({ ...template, id: i + 1, name })),
        );
      }),
      http.post(
        `${api}/pulls/:number/requested_reviewers`,
        async ({ request, params }) => {
          const { body } = await this.record(reviewersPath, request);
          const pull = find(params.number);
          if (!pull) return notFound();
          const refused = (body.reviewers ?? []).filter((r: string) =>
            this.unknownReviewers.has(r),
          );
          if (refused.length) {
            return HttpResponse.json(
              {
                message:
                  'Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the repository.',
              },
              { status: 422 },
            );
          }
          pull.reviewers.push(...(body.reviewers ?? []));
          pull.teamReviewers.push(...(body.team_reviewers ?? []));
          return this.respond(
            reviewersPath,
            'POST',
            201,
            this.pullJson(pull, reviewersPath, 'POST', 201),
          );
        },
      ),
    ];
  }
}
