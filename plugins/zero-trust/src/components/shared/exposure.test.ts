import {
  authorizationPolicy,
  bookinfoModel,
  entitySecurity,
  peerAuthentication,
} from '../../__fixtures__/security';
import { openCallers, plaintextExposure } from './exposure';

/** billing (legacy/billing) with one extra ALLOW policy admitting `source`. */
function billingWith(source: Record<string, string[]>, extra: any[] = []) {
  const model = bookinfoModel({
    backend: [
      authorizationPolicy('legacy', 'billing-callers', {
        selector: { matchLabels: { app: 'billing' } },
        action: 'ALLOW',
        rules: [{ from: [{ source }] }],
      }),
      ...extra,
    ],
  });
  return entitySecurity(model, {
    entityRef: 'component:default/billing',
    workloads: ['backend/legacy/billing'],
  }).clusters[0].workloads[0];
}

describe('openCallers', () => {
  it('flags a namespace pattern as wide', () => {
    const w = billingWith({ namespaces: ['team-*'] });
    expect(openCallers(w).map(o => [o.level, o.caller.source.kind])).toEqual([
      ['wide', 'namespacePattern'],
    ]);
  });

  it('flags a principal pattern that leaves the namespace open, not one that pins it', () => {
    expect(
      openCallers(billingWith({ principals: ['cluster.local/ns/*'] })).map(
        o => o.level,
      ),
    ).toEqual(['wide']);
    expect(
      openCallers(billingWith({ principals: ['cluster.local/ns/bookinfo/*'] })),
    ).toEqual([]);
    expect(
      openCallers(
        billingWith({ principals: ['*/ns/bookinfo/sa/bookinfo-reviews'] }),
      ),
    ).toEqual([]);
  });

  it('does not flag named workloads or a named namespace', () => {
    expect(openCallers(billingWith({ namespaces: ['bookinfo'] }))).toEqual([]);
  });

  it('flags a rule with no source as open to every authenticated caller under STRICT', () => {
    const w = billingWith({});
    expect(openCallers(w).map(o => o.level)).toEqual(['authenticated']);
  });
});

describe('plaintextExposure', () => {
  it('is empty for a STRICT workload', () => {
    expect(
      plaintextExposure(billingWith({ namespaces: ['bookinfo'] })),
    ).toEqual({
      outsideMesh: false,
      ports: [],
    });
  });

  it('takes each port’s override over the workload mode', () => {
    const w = billingWith({ namespaces: ['bookinfo'] }, [
      peerAuthentication('legacy', 'billing-ports', {
        selector: { app: 'billing' },
        mode: 'STRICT',
        portLevelMtls: { 8080: 'PERMISSIVE' },
      }),
    ]);
    expect(plaintextExposure(w).ports).toEqual([
      {
        port: 8080,
        mode: 'PERMISSIVE',
        decidedBy: expect.stringContaining('legacy/billing-ports'),
      },
    ]);
  });
});
