import { callerLabel, callerProblems, parseCallerText } from './callerText';

describe('parseCallerText', () => {
  it.each([
    [
      'spiffe://internal.example/ns/bookinfo/sa/bookinfo-reviews',
      { principal: 'internal.example/ns/bookinfo/sa/bookinfo-reviews' },
    ],
    [
      'external.example/ns/edge/sa/edge-gateway',
      { principal: 'external.example/ns/edge/sa/edge-gateway' },
    ],
    ['monitoring', { namespace: 'monitoring' }],
    ['namespace:monitoring', { namespace: 'monitoring' }],
    ['bookinfo/productpage', { workload: 'bookinfo/productpage' }],
    [
      'backend/bookinfo/productpage',
      { workload: 'backend/bookinfo/productpage' },
    ],
    ['component:default/reviews', { entityRef: 'component:default/reviews' }],
  ])('reads %s', (text, caller) => {
    expect(parseCallerText(` ${text} `)).toEqual({ caller });
  });

  it.each([
    ['Monitoring', /read as a namespace: must be a DNS-1123 label/],
    ['bookinfo/product page', /read as a workload/],
    ['a/b/c/d', /read as a workload/],
    ['td/ns/x/sa/y z', /read as a principal/],
    [
      'component:default/x](https://evil.example)',
      /read as an entity reference/,
    ],
  ])('refuses %s, saying what it read it as', (text, message) => {
    const result = parseCallerText(text);
    expect('error' in result && result.error).toMatch(message);
  });
});

describe('callerProblems', () => {
  it('uses the request validator: one kind per caller, valid narrowing', () => {
    expect(
      callerProblems([{ namespace: 'monitoring', ports: [15090] }]),
    ).toEqual([]);
    expect(
      callerProblems([
        { namespace: 'monitoring' },
        { namespace: 'a', workload: 'b/c' } as any,
        { namespace: 'ok', ports: [70000] },
      ]),
    ).toEqual([
      expect.stringMatching(/^caller \[1\]: names workload and namespace/),
      expect.stringMatching(/^caller \[2\]\.ports\[0\]: must be a port number/),
    ]);
  });
});

describe('callerLabel', () => {
  it('says what each kind admits', () => {
    expect(callerLabel({ namespace: 'monitoring' })).toBe(
      'any workload in namespace monitoring',
    );
    expect(callerLabel({ workload: 'bookinfo/productpage' })).toBe(
      'workload bookinfo/productpage',
    );
    expect(callerLabel({ entityRef: 'component:default/reviews' })).toBe(
      'component:default/reviews',
    );
  });
});
