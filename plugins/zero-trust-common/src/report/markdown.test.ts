import { codeSpan, escapeMarkdown } from './markdown';

describe('markdown', () => {
  it('escapes markup, links and HTML so they render as text', () => {
    expect(escapeMarkdown('[x](http://e.example) <img> *a* `b` |c|')).toBe(
      '\\[x\\]\\(http://e\\.example\\) \\<img\\> \\*a\\* \\`b\\` \\|c\\|',
    );
    expect(escapeMarkdown('a\nb\r\nc')).toBe('a b c');
  });

  it('keeps code spans literal: no backslashes, a fence longer than any backtick run', () => {
    expect(codeSpan('backend/inventory/inventory-api')).toBe(
      '`backend/inventory/inventory-api`',
    );
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('``x')).toBe('``` ``x ```');
    expect(codeSpan('one\ntwo')).toBe('`one two`');
  });
});
