import { http, HttpResponse } from 'msw';
import type { ForgeAnswer } from './GithubFake';

export interface RecordedGitlabRequest {
  method: string;
  /** `/projects/:id/merge_requests` and so on, as GitLab's REST docs name them. */
  route: string;
  url: string;
  token?: string;
  body?: any;
}

export interface FakeMergeRequest {
  iid: number;
  title: string;
  description: string;
  source_branch: string;
  target_branch: string;
  state: 'opened' | 'closed' | 'merged' | 'locked';
  merged_at?: string;
  labels: string[];
  reviewer_ids: number[];
}

export interface GitlabFakeOptions {
  /** `https://HOST/api/v4` */
  apiBaseUrl: string;
  /** `group/subgroup/name` */
  project: string;
  webBaseUrl: string;
  /** What `GET /projects/:id` names as the project's clone URL. */
  cloneUrl?: string;
  defaultBranch?: string;
}

type Fault = Extract<ForgeAnswer, { state: 'unreachable' | 'error' }>;

/**
 * GitLab's REST API v4 as far as the suite uses it (https://docs.gitlab.com/api/merge_requests/,
 * /api/projects/, /api/users/), at the HTTP level, with merge requests kept in memory:
 * the scaffolder actions open, find and update them, the request tracker reads them.
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
  /** Faults per merge request IID, answered instead of the merge request. */
  readonly faults = new Map<number, Fault>();

  constructor(private readonly options: GitlabFakeOptions) {}

  /**
   * Sets what the fake answers for merge request `iid`: its state (the merge request is
   * made where the fake has none), or a fault.
   */
  answer(iid: number, answer: ForgeAnswer | { state: 'locked' }): void {
    if (answer.state === 'unreachable' || answer.state === 'error') {
      this.faults.set(iid, answer);
      return;
    }
    this.faults.delete(iid);
    let mr = this.mergeRequests.find(m => m.iid === iid);
    if (!mr) {
      mr = {
        iid,
        title: `Merge request ${iid}`,
        description: '',
        source_branch: `zero-trust/merge-request-${iid}`,
        target_branch: this.options.defaultBranch ?? 'main',
        state: 'opened',
        labels: [],
        reviewer_ids: [],
      };
      this.mergeRequests.push(mr);
    }
    mr.state = answer.state === 'open' ? 'opened' : answer.state;
    mr.merged_at = answer.state === 'merged' ? answer.mergedAt : undefined;
  }

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
      merged_at: mr.merged_at ?? null,
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
          default_branch: this.options.defaultBranch ?? 'main',
          http_url_to_repo:
            this.options.cloneUrl ??
            `${this.options.webBaseUrl}/${project}.git`,
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
      http.get(
        `${projects}/merge_requests/:iid`,
        async ({ request, params }) => {
          await this.record('/projects/:id/merge_requests/:iid', request);
          const fault = this.faults.get(Number(params.iid));
          if (fault?.state === 'unreachable') return HttpResponse.error();
          if (fault?.state === 'error') {
            return HttpResponse.json(
              { message: 'Internal Server Error' },
              { status: fault.status },
            );
          }
          const mr = find(params.iid);
          if (wrongProject(params.id) || !mr) {
            return HttpResponse.json(
              { message: '404 Not found' },
              { status: 404 },
            );
          }
          return HttpResponse.json(this.json(mr));
        },
      ),
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
