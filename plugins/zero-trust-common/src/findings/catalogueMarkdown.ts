import { findingCatalogue, findingCodes } from './catalogue';

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

/** Whose documentation a finding links to, by the link's host. */
const sites: Record<string, string> = {
  'istio.io': 'Istio',
  'kubernetes.io': 'Kubernetes',
  'cert-manager.io': 'cert-manager',
};

/** The link's site as a reader knows it: a known project's name, else the host itself. */
export function docsSite(url: string): string {
  const host = new URL(url).hostname.replace(/^www\./, '');
  return sites[host] ?? host;
}
