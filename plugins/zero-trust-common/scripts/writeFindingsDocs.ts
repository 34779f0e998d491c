/**
 * Rewrites the README's "Findings" list from the catalogue (src/findings/catalogue.ts),
 * between its `findings:start` and `findings:end` markers.
 *
 *   yarn docs:findings
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { catalogueMarkdown } from '../src/findings/catalogueMarkdown';

const start = '<!-- findings:start -->';
const end = '<!-- findings:end -->';

async function main() {
  const file = path.join(__dirname, '../README.md');
  const readme = await fs.readFile(file, 'utf8');
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) {
    throw new Error(`${file} has no ${start} … ${end} section`);
  }
  await fs.writeFile(
    file,
    `${readme.slice(
      0,
      from + start.length,
    )}\n\n${catalogueMarkdown()}\n\n${readme.slice(to)}`,
  );
}

main().catch(error => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
