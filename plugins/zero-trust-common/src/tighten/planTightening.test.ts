import {
  K8sObject,
  authorizationPolicy,
  deployment,
  injected,
  meshApp,
  meshConfigMap,
  model,
  namespace,
} from '../__fixtures__/manifests';
import { check } from '../engine/check';
import { MeshModel } from '../engine/MeshModel';
import { ObservedTraffic, UsageWindow } from '../usage/types';
import { workloadUsage } from '../usage/workloadUsage';
import { planTightening } from './planTightening';

const window: UsageWindow = {
  duration: '7d',
  start: '2026-11-25T00:00:00.000Z',
  end: '2026-12-02T00:00:00.000Z',
};

const base: K8sObject[] = [
  meshConfigMap('td'),
  namespace('web', injected),
  deployment('web', 'frontend', { sa: 'frontend' }),
  deployment('web', 'admin', { sa: 'admin' }),
  namespace('monitoring', injected),
  deployment('monitoring', 'prom', { sa: 'prom' }),
  deployment('monitoring', 'grafana', { sa: 'grafana' }),
  namespace('shop', injected),
  ...meshApp('shop', 'cart', {
    sa: 'cart',
    servicePorts: [
      { name: 'http', port: 8080 },
      { name: 'http-admin', port: 9090 },
    ],
  }),
];

const callers = authorizationPolicy('shop', 'cart-callers', {
  selector: { matchLabels: { app: 'cart' } },
  action: 'ALLOW',
  rules: [
    {
      from: [
        {
          source: {
            principals: ['td/ns/web/sa/frontend', 'td/ns/web/sa/admin'],
          },
        },
      ],
      to: [{ operation: { methods: ['GET'] } }],
    },
    { from: [{ source: { namespaces: ['monitoring'] } }] },
    { from: [{ source: { principals: ['td/ns/legacy/sa/*'] } }] },
  ],
});

function seen(
  ns: string,
  workload: string,
  sa: string,
  count: number,
  port?: number,
): ObservedTraffic {
  return {
    cluster: 'c1',
    destination: {
      namespace: 'shop',
      workload: 'cart',
      ...(port ? { port } : {}),
    },
    source: { principal: `td/ns/${ns}/sa/${sa}`, namespace: ns, workload },
    protocol: 'http',
    count,
    denied: 0,
    plaintext: 0,
    lastSeen: '2026-12-01T10:00:00.000Z',
  };
}

/** The model with the plan's rules in place of the policies' own. */
function applied(m: MeshModel, plan: ReturnType<typeof planTightening>) {
  const rules = new Map(plan.policies.map(p => [p.policy, p.rules]));
  const objects = [...base, callers].map(o => {
    const key = `${o.metadata?.namespace}/${o.metadata?.name}`;
    return o.kind === 'AuthorizationPolicy' && rules.has(key)
      ? { ...o, spec: { ...(o.spec as object), rules: rules.get(key) } }
      : o;
  });
  expect(m.clusters).toHaveLength(1);
  return model(...objects);
}

describe('planTightening', () => {
  it('narrows each rule to the principals and ports seen, drops what nobody used, and check agrees', () => {
    const m = model(...base, callers);
    const cart = m.resolveWorkload('shop/cart');
    const usage = workloadUsage(
      m,
      cart,
      [
        seen('web', 'frontend', 'frontend', 12, 8080),
        seen('monitoring', 'prom', 'prom', 40, 9090),
      ],
      window,
    );
    const plan = planTightening(m, cart, usage);

    expect(plan.policies).toEqual([
      {
        policy: 'shop/cart-callers',
        namespace: 'shop',
        name: 'cart-callers',
        rules: [
          {
            from: [{ source: { principals: ['td/ns/web/sa/frontend'] } }],
            to: [{ operation: { methods: ['GET'], ports: ['8080'] } }],
          },
          {
            from: [{ source: { principals: ['td/ns/monitoring/sa/prom'] } }],
            to: [{ operation: { ports: ['9090'] } }],
          },
        ],
      },
    ]);
    expect(plan.kept.map(k => [k.label, k.count, k.principals])).toEqual(
      expect.arrayContaining([
        [expect.stringContaining('frontend'), 12, ['td/ns/web/sa/frontend']],
        [
          expect.stringContaining('monitoring'),
          40,
          ['td/ns/monitoring/sa/prom'],
        ],
      ]),
    );
    expect(plan.removed).toEqual(
      expect.arrayContaining([expect.stringContaining('admin')]),
    );
    // The diff: admin and the legacy pattern lost, the namespace narrowed to prom.
    const lost = plan.diff.workloads[0].callersLost.map(c => c.label);
    expect(lost.join('\n')).toContain('admin');
    expect(lost.join('\n')).toContain('monitoring');

    const after = applied(m, plan);
    const decide = (from: string, port: number, method = 'GET') =>
      check(after, { from, to: 'shop/cart', port, method, path: '/' }).decision;
    expect(decide('web/frontend', 8080)).toBe('ALLOW');
    expect(decide('web/frontend', 9090)).toBe('DENY');
    expect(decide('web/admin', 8080)).toBe('DENY');
    expect(decide('monitoring/prom', 9090)).toBe('ALLOW');
    expect(decide('monitoring/grafana', 9090)).toBe('DENY');
    expect(decide('principal:td/ns/legacy/sa/old', 8080)).toBe('DENY');
  });

  it('keeps every rule where nothing was unused, and leaves what it cannot narrow', () => {
    const odd = authorizationPolicy('shop', 'cart-callers', {
      selector: { matchLabels: { app: 'cart' } },
      action: 'ALLOW',
      rules: [
        {
          from: [
            {
              source: {
                namespaces: ['web'],
                notPrincipals: ['td/ns/web/sa/admin'],
              },
            },
          ],
        },
      ],
    });
    const m = model(...base, odd);
    const cart = m.resolveWorkload('shop/cart');
    const usage = workloadUsage(
      m,
      cart,
      [seen('web', 'frontend', 'frontend', 3)],
      window,
    );
    const plan = planTightening(m, cart, usage);
    expect(plan.policies).toEqual([]);
    expect(plan.untouched).toEqual([
      {
        policy: 'shop/cart-callers',
        rule: 0,
        why: expect.stringContaining('say more than who'),
      },
    ]);
    expect(plan.diff.workloads).toEqual([]);
  });
});
