import type {
  Finding,
  SecurityWorkload,
} from '@zero-trust/backstage-plugin-zero-trust-common';

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

/**
 * The answers computed on one model (and one load of the catalog index): keyed by the
 * object that stands for both, the index's `entitiesByWorkload` map, which a new model or
 * a catalog refresh replaces, so a stale answer is never found. Only what is the same for
 * every user is kept; who may see the entity, and which callers' entities, is still
 * asked of the catalog on each request.
 */
export class SecurityAnswers {
  private byIndex = new WeakMap<object, Map<string, ClusterAnswer>>();

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
   * The answer's JSON (`"workloads":[...],"namespaceFindings":[...]`) with the entity
   * refs the user may not see left out of each caller.
   */
  json(answer: ClusterAnswer, visible: Set<string>): string {
    const hidden = answer.refs.filter(r => !visible.has(r));
    const variant = hidden.join('\n');
    let text = answer.json.get(variant);
    if (text === undefined) {
      const workloads = hidden.length
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
