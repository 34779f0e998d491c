import { DiffReport, CallerChange } from './diff';
import { Finding } from '../findings/detect';

/**
 * Escapes text from manifests or user input so it renders as text in GitHub- and
 * GitLab-flavoured Markdown, never as markup, links or HTML.
 *
 * @public
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, c => `\\${c}`)
    .replace(/\r?\n/g, ' ');
}

function access(c: CallerChange['before']): string {
  if (!c) return '';
  const ports = c.ports.length ? ` on ${c.ports.join(', ')}` : '';
  return `${c.decision}${ports}`;
}

function findingLine(f: Finding): string {
  return `- **${f.severity.toUpperCase()}** \`${f.code}\` ${escapeMarkdown(
    f.message,
  )} _Fix:_ ${escapeMarkdown(f.remediation)}`;
}

/**
 * Text as inline code. Backslashes are literal inside a code span, so the text is not
 * escaped; instead the fence is one backtick longer than any run of backticks in it
 * (CommonMark 6.1), and line breaks become spaces so the span cannot end a line early.
 */
export function codeSpan(text: string): string {
  const flat = text.replace(/[\r\n\u2028\u2029]+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map(r => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** The `diff` report as a reviewer reads it in a pull request. @public */
export function diffToMarkdown(diff: DiffReport): string {
  const lines: string[] = ['## Zero-trust review', ''];
  if (
    !diff.workloads.length &&
    !diff.findingsIntroduced.length &&
    !diff.findingsResolved.length
  ) {
    lines.push(
      'This change does not alter identity, mTLS or access for any workload.',
    );
    return `${lines.join('\n')}\n`;
  }
  for (const w of diff.workloads) {
    lines.push(`### ${codeSpan(w.workload)} (${w.change})`, '');
    if (w.identity)
      lines.push(
        `- Identity: ${escapeMarkdown(
          w.identity.before ?? 'none',
        )} → ${escapeMarkdown(w.identity.after ?? 'none')}`,
      );
    if (w.meshMode)
      lines.push(`- Mesh: ${w.meshMode.before} → ${w.meshMode.after}`);
    if (w.mtls)
      lines.push(
        `- mTLS: ${escapeMarkdown(w.mtls.before)} → ${escapeMarkdown(
          w.mtls.after,
        )}`,
      );
    if (
      w.callersGained.length ||
      w.callersLost.length ||
      w.callersChanged.length
    ) {
      lines.push('', '| caller | before | after |', '| --- | --- | --- |');
      for (const c of w.callersGained)
        lines.push(`| ${escapeMarkdown(c.label)} | — | ${access(c.after)} |`);
      for (const c of w.callersChanged)
        lines.push(
          `| ${escapeMarkdown(c.label)} | ${access(c.before)} | ${access(
            c.after,
          )} |`,
        );
      for (const c of w.callersLost)
        lines.push(`| ${escapeMarkdown(c.label)} | ${access(c.before)} | — |`);
    }
    lines.push('');
  }
  if (diff.findingsIntroduced.length) {
    lines.push(
      '### Findings introduced',
      '',
      ...diff.findingsIntroduced.map(findingLine),
      '',
    );
  }
  if (diff.findingsResolved.length) {
    lines.push(
      '### Findings resolved',
      '',
      ...diff.findingsResolved.map(findingLine),
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
