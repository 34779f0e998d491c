import type {
  OnboardingChangeSummary,
  SourcedObject,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { changeAsRendered } from './renderedChange';

const policy = (name: string, principals: string[]) => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name, namespace: 'inventory' },
  spec: {
    selector: { matchLabels: { app: 'inventory-api' } },
    rules: [{ from: [{ source: { principals } }] }],
  },
});

const change: OnboardingChangeSummary = {
  namespace: 'inventory',
  namespaceLabels: { 'istio-injection': 'enabled' },
  resources: [policy('inventory-api', ['td/ns/a/sa/b'])],
};

const sourced = (...objects: object[]): SourcedObject[] =>
  objects.map(object => ({ object }));

const namespace = (labels: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'inventory', labels },
});

describe('changeAsRendered', () => {
  const legacy = policy('inventory-api-legacy', ['td/ns/old/sa/old']);

  it('takes each resource as the desired state renders it under its own name', async () => {
    const patched = policy('inventory-api', ['td/ns/a/sa/b', 'td/ns/c/sa/d']);
    const before = jest.fn(async () => []);
    const rendered = await changeAsRendered(
      change,
      sourced(namespace({ 'istio-injection': 'enabled' }), patched, legacy),
      before,
    );
    expect(rendered.resources).toEqual([patched]);
    // Found under its own name: the state before the change is not read.
    expect(before).not.toHaveBeenCalled();
  });

  it('finds a resource the rendering renamed among what the change added', async () => {
    const prefixed = policy('backend-inventory-api', ['td/ns/a/sa/b']);
    const rendered = await changeAsRendered(
      change,
      sourced(namespace({ 'istio-injection': 'enabled' }), prefixed, legacy),
      // legacy was there before the change; only the prefixed policy is new.
      async () => sourced(legacy),
    );
    expect(rendered.resources.map(r => r.metadata)).toEqual([
      { name: 'backend-inventory-api', namespace: 'inventory' },
    ]);
  });

  it('keeps a resource the desired state lacks as generated, so that its absence shows', async () => {
    for (const before of [async () => sourced(legacy), async () => undefined]) {
      const rendered = await changeAsRendered(change, sourced(legacy), before);
      expect(rendered.resources).toEqual(change.resources);
    }
    // Without the state before the change, no rename is guessed.
    const guessed = await changeAsRendered(
      change,
      sourced(policy('backend-inventory-api', ['td/ns/a/sa/b'])),
      async () => undefined,
    );
    expect(guessed.resources).toEqual(change.resources);
  });

  it('takes the namespace labels the rendered Namespace gives their keys', async () => {
    const rendered = await changeAsRendered(
      { ...change, resources: [] },
      sourced(namespace({ 'istio-injection': 'disabled', team: 'supply' })),
      async () => [],
    );
    expect(rendered.namespaceLabels).toEqual({ 'istio-injection': 'disabled' });
  });
});
