import { findingCatalogue, findingCodes } from './catalogue';
import { docsSite } from './docsSite';

/**
 * The findings catalogue as a Markdown list, one entry per code: what the README's
 * "Findings" section holds (a test keeps the two the same).
 */
export function catalogueMarkdown(): string {
  return findingCodes
    .map(code => {
      const f = findingCatalogue[code];
      const also = [
        `NIST ${f.controls.join(', ')}`,
        f.kiali && `Kiali ${f.kiali}`,
        f.istioctl && `istioctl ${f.istioctl}`,
      ].filter(Boolean);
      return `- **${f.code}** ${f.title} (${f.severity}; ${also.join('; ')}): ${
        f.remediation
      } [${docsSite(f.docs)} docs](${f.docs})`;
    })
    .join('\n');
}
