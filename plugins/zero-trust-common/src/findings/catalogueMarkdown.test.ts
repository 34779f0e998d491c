import { promises as fs } from 'node:fs';
import path from 'node:path';
import { findingCodes } from './catalogue';
import { catalogueMarkdown } from './catalogueMarkdown';

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
