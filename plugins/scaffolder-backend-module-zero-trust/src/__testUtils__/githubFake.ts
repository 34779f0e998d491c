import { http, HttpResponse } from 'msw';
import { checkRequest, checkResponse, example } from './openApi';

export interface RecordedRequest {
  method: string;
  /** The OpenAPI path template it matched. */
  operation: string;
  url: string;
  authorization?: string;
  body?: any;
}

interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  draft: boolean;
  state: 'open' | 'closed';
  labels: string[];
  reviewers: string[];
  teamReviewers: string[];
}

/**
 * GitHub's REST API as far as the action uses it, at the HTTP level (msw), with state:
 * pull requests it opened can be found by head branch and updated. Every request and
 * every response is checked against GitHub's OpenAPI description; `violations` lists
 * what did not fit (a test expects it empty).
 */
export class GithubFake {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly pulls: FakePull[] = [];
  /** Logins the fake refuses as reviewers (422, as GitHub does for non-collaborators). */
  readonly unknownReviewers = new Set<string>();

  constructor(
    private readonly options: {
      apiBaseUrl: string;
      owner: string;
      repo: string;
      cloneUrl: string;
      defaultBranch: string;
      webBaseUrl: string;
    },
  ) {}

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
    const recorded = {
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
          clone_url: this.options.cloneUrl,
          default_branch: this.options.defaultBranch,
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
