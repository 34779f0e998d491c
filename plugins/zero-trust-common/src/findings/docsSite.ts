/** Whose documentation a finding's remediation links to, by the link's host. */
const sites: Record<string, string> = {
  'istio.io': 'Istio',
  'kubernetes.io': 'Kubernetes',
  'cert-manager.io': 'cert-manager',
};

/**
 * The site of a finding's `docs` link as a reader knows it: a known project's name, else
 * the host itself (the README's findings list and the Security tab label links with it).
 * @public
 */
export function docsSite(url: string): string {
  const host = new URL(url).hostname.replace(/^www\./, '');
  return sites[host] ?? host;
}
