import { docsSite } from './docsSite';

describe('docsSite', () => {
  it.each([
    ['https://istio.io/latest/docs/reference/config/security/', 'Istio'],
    ['https://kubernetes.io/docs/concepts/services-networking/', 'Kubernetes'],
    ['https://cert-manager.io/docs/usage/certificate/', 'cert-manager'],
    ['https://www.cert-manager.io/docs/', 'cert-manager'],
    ['https://docs.example.org/page', 'docs.example.org'],
  ])('names the site of %s', (url, site) => {
    expect(docsSite(url)).toBe(site);
  });
});
