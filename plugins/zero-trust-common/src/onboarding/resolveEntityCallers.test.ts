import { EntityIdentity, resolveEntityCallers } from './resolveEntityCallers';

const identity = (principal: string, entityRefs: string[]): EntityIdentity => ({
  principal,
  entityRefs,
});

const identities = [
  identity('internal.example/ns/bookinfo/sa/productpage', [
    'component:default/productpage',
  ]),
  // One entity whose workloads run as two service accounts.
  identity('internal.example/ns/bookinfo/sa/reviews-v1', [
    'component:default/Reviews',
  ]),
  identity('internal.example/ns/bookinfo/sa/reviews-v2', [
    'component:default/Reviews',
  ]),
];

describe('resolveEntityCallers', () => {
  it('replaces entity callers by their principals and keeps the narrowing', () => {
    const resolved = resolveEntityCallers(
      {
        service: 'ratings',
        namespace: 'bookinfo',
        allowedCallers: [
          { entityRef: 'component:reviews', ports: [9080], methods: ['GET'] },
          { namespace: 'monitoring' },
        ],
      },
      identities,
    );
    expect(resolved.allowedCallers).toEqual([
      {
        principal: 'internal.example/ns/bookinfo/sa/reviews-v1',
        ports: [9080],
        methods: ['GET'],
      },
      {
        principal: 'internal.example/ns/bookinfo/sa/reviews-v2',
        ports: [9080],
        methods: ['GET'],
      },
      { namespace: 'monitoring' },
    ]);
  });

  it('names every entity that has no mesh identity', () => {
    expect(() =>
      resolveEntityCallers(
        {
          service: 'ratings',
          namespace: 'bookinfo',
          allowedCallers: [
            { entityRef: 'component:default/productpage' },
            { entityRef: 'component:default/inventory-api' },
          ],
        },
        identities,
      ),
    ).toThrow(
      /allowedCallers\[1\]\.entityRef: component:default\/inventory-api has no mesh identity/,
    );
  });
});
