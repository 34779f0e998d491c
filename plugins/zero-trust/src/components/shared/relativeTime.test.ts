import { relativeTime } from './relativeTime';

describe('relativeTime', () => {
  const now = Date.parse('2025-05-01T12:00:00Z');
  it.each([
    ['2025-05-01T11:59:30Z', '30 seconds ago'],
    ['2025-05-01T11:57:00Z', '3 minutes ago'],
    ['2025-05-01T09:00:00Z', '3 hours ago'],
    ['2025-04-29T12:00:00Z', '2 days ago'],
    ['2025-05-01T12:00:00Z', 'now'],
  ])('%s is %s', (iso, text) => {
    expect(relativeTime(iso, now)).toBe(text);
  });

  it('returns what it cannot read unchanged', () => {
    expect(relativeTime('yesterday', now)).toBe('yesterday');
  });
});
