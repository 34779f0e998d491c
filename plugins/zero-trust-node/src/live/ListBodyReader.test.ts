import { ListBodyReader } from './ListBodyReader';

const list = {
  kind: 'AuthorizationPolicyList',
  apiVersion: 'security.istio.io/v1',
  items: [
    {
      metadata: { name: 'a', namespace: 'ns', labels: { items: '[x]' } },
      spec: {
        rules: [{ to: [{ operation: { paths: ['/{id}', '/"q"\\', '/é✓'] } }] }],
        items: [1, [2, { three: 3 }]],
      },
    },
    { metadata: { name: 'b' }, spec: {} },
    { metadata: { name: 'c', annotations: { 'x.istio.io/y': '}]"' } } },
  ],
  metadata: { resourceVersion: '42', continue: 'token==' },
};

function read(text: string, chunkSize: number) {
  const items: unknown[] = [];
  const reader = new ListBodyReader(item => items.push(item));
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += chunkSize) {
    reader.write(bytes.subarray(i, i + chunkSize));
  }
  return { items, rest: reader.end() };
}

describe('ListBodyReader', () => {
  it.each([1, 2, 3, 7, 64, 1 << 20])(
    'hands over every item whole and returns the rest, in chunks of %i bytes (split inside strings and multibyte characters too)',
    chunkSize => {
      for (const text of [
        JSON.stringify(list),
        JSON.stringify(list, null, 2),
      ]) {
        const { items, rest } = read(text, chunkSize);
        expect(items).toEqual(list.items);
        expect(rest).toEqual({ ...list, items: [] });
      }
    },
  );

  it('reads an empty list, and a list whose metadata comes first', () => {
    expect(read('{"kind":"List","items":[],"metadata":{}}', 5)).toEqual({
      items: [],
      rest: { kind: 'List', items: [], metadata: {} },
    });
    const { items, rest } = read(
      '{"metadata":{"resourceVersion":"7"},"items":[{"a":1},{"b":"]"}]}',
      4,
    );
    expect(items).toEqual([{ a: 1 }, { b: ']' }]);
    expect(rest).toEqual({ metadata: { resourceVersion: '7' }, items: [] });
  });

  it('refuses a body that is not a list', () => {
    expect(() => read('[1,2]', 2)).toThrow(/other than a list/);
    expect(() => read('{"items":[{"a":1}', 3)).toThrow();
  });
});
