import { promises as fs } from 'node:fs';
import path from 'node:path';
import { findingCodes } from './catalogue';
import { catalogueMarkdown, docsSite } from './catalogueMarkdown';

const start = '<!-- findings:start -->';
const end = '<!-- findings:end -->';

describe('the README', () => {
  it('lists the findings catalogue as it is (yarn docs:findings rewrites the list)', async () => {
    const readme = await fs.readFile(
      path.join(__dirname, '../../README.md'),
      'utf8',
    );
    const listed = readme.slice(
      readme.indexOf(start) + start.length,
      readme.indexOf(end),
    );
    expect(listed.trim()).toBe(catalogueMarkdown());
    for (const code of findingCodes) expect(listed).toContain(`**${code}**`);
  });
});

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
