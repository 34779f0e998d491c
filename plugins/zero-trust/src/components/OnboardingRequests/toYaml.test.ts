import { plannedChange } from './__fixtures__/requests';
import { toYaml } from './toYaml';

describe('toYaml', () => {
  it('writes nested maps and lists in block style, lists of maps with the first key on the dash', () => {
    expect(
      toYaml({
        spec: {
          selector: { matchLabels: { app: 'ratings' } },
          rules: [
            {
              from: [{ source: { principals: ['a/ns/b/sa/c'] } }],
              to: [{ operation: { ports: ['9080'], methods: ['GET'] } }],
            },
          ],
        },
      }),
    ).toBe(
      [
        'spec:',
        '  selector:',
        '    matchLabels:',
        '      app: ratings',
        '  rules:',
        '    - from:',
        '        - source:',
        '            principals:',
        '              - a/ns/b/sa/c',
        '      to:',
        '        - operation:',
        '            ports:',
        '              - "9080"',
        '            methods:',
        '              - GET',
      ].join('\n'),
    );
  });

  it('writes empty maps and lists inline, and numbers and booleans bare', () => {
    expect(
      toYaml({ spec: {}, list: [], port: 8080, on: true, gone: null }),
    ).toBe('spec: {}\nlist: []\nport: 8080\n"on": true\ngone: null');
    expect(toYaml([['a', 'b'], []])).toBe('- - a\n  - b\n- []');
  });

  it.each([
    ['8080', '"8080"'],
    ['1.5', '"1.5"'],
    ['2025-05-01', '"2025-05-01"'],
    ['true', '"true"'],
    ['No', '"No"'],
    ['null', '"null"'],
    ['~', '"~"'],
    ['', '""'],
    ['*', '"*"'],
    ['.inf', '".inf"'],
    ['a: b', '"a: b"'],
    ['a #b', '"a #b"'],
    ['- x', '"- x"'],
    ['trailing ', '"trailing "'],
    ['two\nlines', '"two\\nlines"'],
    ['say "hi"', '"say \\"hi\\""'],
    [
      'spiffe://internal.example/ns/a/sa/b',
      '"spiffe://internal.example/ns/a/sa/b"',
    ],
    ['/ratings/*', '/ratings/*'],
    [
      'cluster.local/ns/bookinfo/sa/bookinfo-reviews',
      'cluster.local/ns/bookinfo/sa/bookinfo-reviews',
    ],
    ['ISTIO_MUTUAL', 'ISTIO_MUTUAL'],
  ])('writes the string %j as %s', (text, yaml) => {
    expect(toYaml(text)).toBe(yaml);
    expect(toYaml({ [text]: 1 })).toBe(`${yaml}: 1`);
  });

  it('writes every value of each generated spec', () => {
    for (const resource of plannedChange().resources) {
      const yaml = toYaml({ spec: resource.spec });
      const leaves: string[] = [];
      const walk = (v: unknown) => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') Object.values(v).forEach(walk);
        else leaves.push(String(v));
      };
      walk(resource.spec);
      for (const leaf of leaves) expect(yaml).toContain(leaf);
      expect(yaml.startsWith('spec:')).toBe(true);
    }
  });
});
