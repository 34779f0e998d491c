import { http, HttpResponse } from 'msw';
import { createHash } from 'node:crypto';

/** A request the fake received. */
export interface ForgeRequest {
  url: string;
  /** The credential header it carried (Authorization or PRIVATE-TOKEN). */
  credential?: string;
  /** GitHub: the ETag it was conditional on, and whether the fake answered 304. */
  ifNoneMatch?: string;
  notModified?: boolean;
}

/** How the fake answers, per pull request number. */
export type ForgeAnswer =
  | { state: 'open' }
  | { state: 'closed' }
  | { state: 'merged'; mergedAt: string }
  /** The network fails, as an unreachable forge's does. */
  | { state: 'unreachable' }
  /** An HTTP error status. */
  | { state: 'error'; status: number };

/**
 * GitHub's REST API at the HTTP level (msw), as far as the tracker uses it:
 * `GET /repos/{owner}/{repo}/pulls/{pull_number}`, answered with the fields GitHub's pull
 * request object has for these states (`state`, `merged`, `merged_at`, ...).
 */
export class GithubFake {
  readonly requests: ForgeRequest[] = [];
  readonly answers = new Map<number, ForgeAnswer>();
  /** Each answer waits this long: two overlapping runs would show as two requests. */
  delayMs = 0;

  constructor(
    private readonly options: {
      apiBaseUrl: string;
      webBaseUrl: string;
      owner: string;
      repo: string;
    },
  ) {}

  countFor(number: number): number {
    return this.requests.filter(r => r.url.endsWith(`/pulls/${number}`)).length;
  }

  handlers() {
    const { apiBaseUrl, webBaseUrl, owner, repo } = this.options;
    return [
      http.get(
        `${apiBaseUrl}/repos/${owner}/${repo}/pulls/:number`,
        async ({ request, params }) => {
          const seen: ForgeRequest = {
            url: request.url,
            credential: request.headers.get('authorization') ?? undefined,
            ...(request.headers.has('if-none-match') && {
              ifNoneMatch: request.headers.get('if-none-match')!,
            }),
          };
          this.requests.push(seen);
          if (this.delayMs) {
            await new Promise(r => setTimeout(r, this.delayMs));
          }
          const number = Number(params.number);
          const answer = this.answers.get(number);
          if (!answer) {
            return HttpResponse.json(
              {
                message: 'Not Found',
                documentation_url:
                  'https://docs.github.com/rest/pulls/pulls#get-a-pull-request',
              },
              { status: 404 },
            );
          }
          if (answer.state === 'unreachable') return HttpResponse.error();
          if (answer.state === 'error') {
            return HttpResponse.json(
              { message: 'Server Error' },
              { status: answer.status },
            );
          }
          const body = {
            url: `${apiBaseUrl}/repos/${owner}/${repo}/pulls/${number}`,
            html_url: `${webBaseUrl}/${owner}/${repo}/pull/${number}`,
            number,
            state: answer.state === 'open' ? 'open' : 'closed',
            merged: answer.state === 'merged',
            merged_at: answer.state === 'merged' ? answer.mergedAt : null,
            head: { ref: 'zero-trust/onboard', sha: 'a'.repeat(40) },
            base: { ref: 'main' },
          };
          // As GitHub does: a strong ETag of the representation, and 304 Not Modified
          // (no body) for a request conditional on the current one.
          const etag = `"${createHash('sha256')
            .update(JSON.stringify(body))
            .digest('hex')}"`;
          if (seen.ifNoneMatch === etag) {
            seen.notModified = true;
            return new HttpResponse(null, { status: 304, headers: { etag } });
          }
          return HttpResponse.json(body, { headers: { etag } });
        },
      ),
    ];
  }
}

/**
 * GitLab's REST API at the HTTP level (msw): `GET /projects/:id/merge_requests/:iid`,
 * whose `state` is `opened`, `closed`, `locked` or `merged`.
 */
export class GitlabFake {
  readonly requests: ForgeRequest[] = [];
  readonly answers = new Map<number, ForgeAnswer | { state: 'locked' }>();

  constructor(private readonly options: { apiBaseUrl: string }) {}

  handlers() {
    return [
      http.get(
        `${this.options.apiBaseUrl}/projects/:project/merge_requests/:iid`,
        ({ request, params }) => {
          this.requests.push({
            url: request.url,
            credential: request.headers.get('private-token') ?? undefined,
          });
          const answer = this.answers.get(Number(params.iid));
          if (!answer) {
            return HttpResponse.json(
              { message: '404 Not found' },
              { status: 404 },
            );
          }
          if (answer.state === 'unreachable') return HttpResponse.error();
          if (answer.state === 'error') {
            return HttpResponse.json(
              { message: 'Internal Server Error' },
              { status: answer.status },
            );
          }
          return HttpResponse.json({
            iid: Number(params.iid),
            project_id: 42,
            state: answer.state === 'open' ? 'opened' : answer.state,
            merged_at: answer.state === 'merged' ? answer.mergedAt : null,
            web_url: `https://gitlab.example.com/${decodeURIComponent(
              String(params.project),
            )}/-/merge_requests/${params.iid}`,
          });
        },
      ),
    ];
  }
}
