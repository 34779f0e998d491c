import type {
  Finding,
  SecurityWorkload,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { createHash } from 'node:crypto';

/** A whole answer, ready to send: its bytes and the ETag they carry. */
export interface PreparedResponse {
  body: Buffer;
  etag: string;
}

/**
 * What the Security tab shows of one cluster for one selector, before the user's
 * visibility is applied: the same for every request on one model and one catalog
 * index, so it is built once. Its JSON is kept per set of refs hidden from the user.
 */
export interface ClusterAnswer {
  /** Every caller carries each catalog entity its workloads belong to. */
  workloads: SecurityWorkload[];
  namespaceFindings: Finding[];
  /** Every entity ref the callers name, sorted, unique. */
  refs: string[];
  /** JSON of `workloads` and `namespaceFindings`, by the refs hidden (joined by `\n`). */
  json: Map<string, string>;
}

/** Entries kept per model: selectors asked for; each a few kilobytes. */
const maxAnswers = 2000;
/** Different visibilities kept per answer (users who may see all callers share one). */
const maxVariants = 8;
/** Bytes of prepared responses kept per model (an answer is some 20 KB per cluster). */
const maxResponseBytes = 32 * 2 ** 20;

/**
 * The answers computed on one model (and one load of the catalog index): keyed by the
 * object that stands for both, the index's `entitiesByWorkload` map, which a new model or
 * a catalog refresh replaces, so a stale answer is never found. Only what is the same for
 * every user is kept; who may see the entity, and which callers' entities, is still
 * asked of the catalog on each request.
 */
export class SecurityAnswers {
  private byIndex = new WeakMap<object, Map<string, ClusterAnswer>>();
  private responses = new WeakMap<
    object,
    { bytes: number; byKey: Map<string, PreparedResponse> }
  >();

  get(
    index: object,
    key: string,
    compute: () => Omit<ClusterAnswer, 'json'>,
  ): ClusterAnswer {
    let answers = this.byIndex.get(index);
    if (!answers) {
      answers = new Map();
      this.byIndex.set(index, answers);
    }
    let answer = answers.get(key);
    if (!answer) {
      answer = { ...compute(), json: new Map() };
      if (answers.size >= maxAnswers) {
        answers.delete(answers.keys().next().value!);
      }
      answers.set(key, answer);
    }
    return answer;
  }

  /**
   * A whole response, kept on the same model while its `key` (everything it is built
   * from: the answers, the refs hidden, the statuses) is the same: its bytes are encoded
   * and hashed for the ETag once, not per request. Each request allocates only what it
   * asks, which keeps a busy backend's heap from filling with answers in flight.
   */
  response(index: object, key: string, build: () => string): PreparedResponse {
    let kept = this.responses.get(index);
    if (!kept) {
      kept = { bytes: 0, byKey: new Map() };
      this.responses.set(index, kept);
    }
    let response = kept.byKey.get(key);
    if (!response) {
      const body = Buffer.from(build());
      // Weak, as express's own: equal bytes, not a promise of byte ranges.
      const hash = createHash('sha1').update(body).digest('base64url');
      response = { body, etag: `W/"${body.length.toString(16)}-${hash}"` };
      for (const [oldest, old] of kept.byKey) {
        if (kept.bytes + body.length <= maxResponseBytes) break;
        kept.byKey.delete(oldest);
        kept.bytes -= old.body.length;
      }
      kept.byKey.set(key, response);
      kept.bytes += body.length;
    }
    return response;
  }

  /** Which of the answer's refs the user may not see, as one string (a cache key). */
  hiddenRefs(answer: ClusterAnswer, visible: Set<string>): string {
    return answer.refs.filter(r => !visible.has(r)).join('\n');
  }

  /**
   * The answer's JSON (`"workloads":[...],"namespaceFindings":[...]`) with the entity
   * refs the user may not see left out of each caller.
   */
  json(answer: ClusterAnswer, visible: Set<string>): string {
    const variant = this.hiddenRefs(answer, visible);
    let text = answer.json.get(variant);
    if (text === undefined) {
      const workloads = variant.length
        ? answer.workloads.map(w => ({
            ...w,
            allowedCallers: w.allowedCallers.map(c => ({
              ...c,
              entityRefs: c.entityRefs.filter(r => visible.has(r)),
            })),
          }))
        : answer.workloads;
      text = `"workloads":${JSON.stringify(
        workloads,
      )},"namespaceFindings":${JSON.stringify(answer.namespaceFindings)}`;
      if (answer.json.size >= maxVariants) {
        answer.json.delete(answer.json.keys().next().value!);
      }
      answer.json.set(variant, text);
    }
    return text;
  }
}
