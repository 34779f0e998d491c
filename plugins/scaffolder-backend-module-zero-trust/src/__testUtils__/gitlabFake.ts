import { http, HttpResponse } from 'msw';

export interface RecordedGitlabRequest {
  method: string;
  /** `/projects/:id/merge_requests` and so on, as GitLab's REST docs name them. */
  route: string;
  url: string;
  token?: string;
  body?: any;
}

interface FakeMergeRequest {
  iid: number;
  title: string;
  description: string;
  source_branch: string;
  target_branch: string;
  state: 'opened' | 'closed' | 'merged';
  labels: string[];
  reviewer_ids: number[];
}

/**
 * GitLab's REST API v4 as far as the action uses it (https://docs.gitlab.com/api/merge_requests/,
 * /api/projects/, /api/users/), at the HTTP level, with merge requests kept in memory.
 * Requests missing what GitLab requires are answered 400 as GitLab does, and listed in
 * `violations`.
 */
export class GitlabFake {
  readonly requests: RecordedGitlabRequest[] = [];
  readonly violations: string[] = [];
  readonly mergeRequests: FakeMergeRequest[] = [];
  readonly users = new Map<string, number>([
    ['grace.hopper', 7],
    ['alan.turing', 8],
  ]);

  constructor(
    private readonly options: {
      apiBaseUrl: string;
      /** `group/subgroup/name` */
      project: string;
      cloneUrl: string;
      defaultBranch: string;
      webBaseUrl: string;
    },
  ) {}

  mergeRequestUrl(iid: number): string {
    return `${this.options.webBaseUrl}/${this.options.project}/-/merge_requests/${iid}`;
  }

  private json(mr: FakeMergeRequest) {
    return {
      id: 1000 + mr.iid,
      iid: mr.iid,
      project_id: 42,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      source_branch: mr.source_branch,
      target_branch: mr.target_branch,
      labels: mr.labels,
      reviewers: mr.reviewer_ids.map(id => ({
        id,
        username: [...this.users].find(([, v]) => v === id)?.[0],
      })),
      web_url: this.mergeRequestUrl(mr.iid),
    };
  }

  private async record(route: string, request: Request) {
    const text = await request.text();
    let body: any;
    if (text) {
      body = request.headers.get('content-type')?.includes('json')
        ? JSON.parse(text)
        : Object.fromEntries(new URLSearchParams(text));
    }
    const recorded = {
      method: request.method,
      route,
      url: request.url,
      token: request.headers.get('private-token') ?? undefined,
      body,
    };
    this.requests.push(recorded);
    return recorded;
  }

  private required(route: string, body: any, fields: string[]) {
    const missing = fields.filter(f => body?.[f] === undefined);
    if (!missing.length) return undefined;
    this.violations.push(`${route}: missing ${missing.join(', ')}`);
    return HttpResponse.json(
      { error: `${missing.join(', ')} is missing` },
      { status: 400 },
    );
  }

  handlers() {
    const { apiBaseUrl, project } = this.options;
    const projects = `${apiBaseUrl}/projects/:id`;
    const wrongProject = (id: unknown) => id !== project;
    const notFound = () =>
      HttpResponse.json({ message: '404 Project Not Found' }, { status: 404 });
    const find = (iid: unknown) =>
      this.mergeRequests.find(m => m.iid === Number(iid));
    const paged = (items: unknown[]) =>
      HttpResponse.json(items as any, {
        headers: {
          'x-page': '1',
          'x-per-page': '20',
          'x-total': String(items.length),
          'x-total-pages': '1',
          'x-next-page': '',
        },
      });

    return [
      http.get(projects, async ({ request, params }) => {
        await this.record('/projects/:id', request);
        if (wrongProject(params.id)) return notFound();
        return HttpResponse.json({
          id: 42,
          path_with_namespace: project,
          default_branch: this.options.defaultBranch,
          http_url_to_repo: this.options.cloneUrl,
          web_url: `${this.options.webBaseUrl}/${project}`,
        });
      }),
      http.get(`${projects}/merge_requests`, async ({ request, params }) => {
        await this.record('/projects/:id/merge_requests', request);
        if (wrongProject(params.id)) return notFound();
        const query = new URL(request.url).searchParams;
        const state = query.get('state');
        const source = query.get('source_branch');
        return paged(
          this.mergeRequests
            .filter(
              m =>
                (!state || state === 'all' || m.state === state) &&
                (!source || m.source_branch === source),
            )
            .map(m => this.json(m)),
        );
      }),
      http.post(`${projects}/merge_requests`, async ({ request, params }) => {
        const route = '/projects/:id/merge_requests';
        const { body } = await this.record(route, request);
        if (wrongProject(params.id)) return notFound();
        const refused = this.required(route, body, [
          'source_branch',
          'target_branch',
          'title',
        ]);
        if (refused) return refused;
        if (
          this.mergeRequests.some(
            m => m.state === 'opened' && m.source_branch === body.source_branch,
          )
        ) {
          return HttpResponse.json(
            {
              message: [
                `Another open merge request already exists for this source branch`,
              ],
            },
            { status: 409 },
          );
        }
        const mr: FakeMergeRequest = {
          iid: this.mergeRequests.length + 1,
          title: body.title,
          description: body.description ?? '',
          source_branch: body.source_branch,
          target_branch: body.target_branch,
          state: 'opened',
          labels: body.labels ? String(body.labels).split(',') : [],
          reviewer_ids: body.reviewer_ids ?? [],
        };
        this.mergeRequests.push(mr);
        return HttpResponse.json(this.json(mr), { status: 201 });
      }),
      http.put(
        `${projects}/merge_requests/:iid`,
        async ({ request, params }) => {
          const { body } = await this.record(
            '/projects/:id/merge_requests/:iid',
            request,
          );
          if (wrongProject(params.id)) return notFound();
          const mr = find(params.iid);
          if (!mr) return notFound();
          if (body.title !== undefined) mr.title = body.title;
          if (body.description !== undefined) mr.description = body.description;
          if (body.reviewer_ids !== undefined) {
            if (
              !Array.isArray(body.reviewer_ids) ||
              body.reviewer_ids.some((id: unknown) => typeof id !== 'number')
            ) {
              this.violations.push('reviewer_ids must be an array of user ids');
            }
            mr.reviewer_ids = body.reviewer_ids;
          }
          return HttpResponse.json(this.json(mr));
        },
      ),
      http.get(`${apiBaseUrl}/users`, async ({ request }) => {
        await this.record('/users', request);
        const username = new URL(request.url).searchParams.get('username');
        const id = username ? this.users.get(username) : undefined;
        return paged(id ? [{ id, username, state: 'active' }] : []);
      }),
    ];
  }
}
