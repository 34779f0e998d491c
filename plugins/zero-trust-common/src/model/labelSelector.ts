/** A label selector that does not parse; the message quotes the bad part. @public */
export class LabelSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelSelectorError';
  }
}

type Requirement =
  | { op: 'exists' | 'absent'; key: string }
  | { op: 'in' | 'notin'; key: string; values: string[] };

/** A parsed Kubernetes label selector, as `kubectl -l` and Backstage's annotation take it. @public */
export type ParsedLabelSelector = Requirement[];

const key = String.raw`(?:[a-z0-9A-Z.-]+/)?[a-zA-Z0-9](?:[-a-zA-Z0-9_.]*[a-zA-Z0-9])?`;
const value = String.raw`(?:[a-zA-Z0-9](?:[-a-zA-Z0-9_.]*[a-zA-Z0-9])?)?`;
const valuePattern = new RegExp(`^${value}$`);
const equality = new RegExp(`^(${key})\\s*(==|=|!=)\\s*(${value})$`);
const set = new RegExp(`^(${key})\\s+(in|notin)\\s*\\(([^)]*)\\)$`);
const exists = new RegExp(`^(!?)\\s*(${key})$`);

/** Splits on the commas that separate requirements, not those inside `in (a,b)`. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(selector.slice(start));
  return parts.map(p => p.trim());
}

/**
 * Parses the equality- and set-based syntax of
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 * @public
 */
export function parseLabelSelector(selector: string): ParsedLabelSelector {
  if (!selector.trim()) {
    throw new LabelSelectorError('label selector is empty');
  }
  return splitRequirements(selector).map(part => {
    let m = equality.exec(part);
    if (m) {
      const [, k, op, v] = m;
      return { op: op === '!=' ? 'notin' : 'in', key: k, values: [v] };
    }
    m = set.exec(part);
    if (m) {
      const values = m[3].split(',').map(v => v.trim());
      if (values.some(v => !valuePattern.test(v))) {
        throw new LabelSelectorError(
          `invalid value in label selector '${part}'`,
        );
      }
      return { op: m[2] as 'in' | 'notin', key: m[1], values };
    }
    m = exists.exec(part);
    if (m) return { op: m[1] ? 'absent' : 'exists', key: m[2] };
    throw new LabelSelectorError(
      `invalid label selector requirement '${part}'`,
    );
  });
}

/** Whether labels satisfy every requirement. @public */
export function labelSelectorMatches(
  selector: ParsedLabelSelector,
  labels: Readonly<Record<string, string>>,
): boolean {
  return selector.every(r => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'absent':
        return !has;
      case 'in':
        return has && r.values.includes(labels[r.key]);
      default:
        // `!=` and `notin` also match objects without the label (Kubernetes' semantics).
        return !has || !r.values.includes(labels[r.key]);
    }
  });
}
