import { entityWorkloadSelector } from './kubernetesAnnotations';

describe('entityWorkloadSelector', () => {
  it('reads the id, the label selector, the namespace and the cluster, trimmed', () => {
    expect(
      entityWorkloadSelector({
        'backstage.io/kubernetes-id': ' reviews ',
        'backstage.io/kubernetes-namespace': 'bookinfo',
        'backstage.io/kubernetes-cluster': 'backend',
      }),
    ).toEqual({
      kubernetesId: 'reviews',
      namespace: 'bookinfo',
      cluster: 'backend',
    });
    expect(
      entityWorkloadSelector({
        'backstage.io/kubernetes-label-selector': 'app=inventory',
      }),
    ).toEqual({ labelSelector: 'app=inventory' });
  });

  it('finds nothing without the id or the label selector, or with blank ones', () => {
    expect(entityWorkloadSelector(undefined)).toBeUndefined();
    expect(
      entityWorkloadSelector({
        'backstage.io/kubernetes-namespace': 'bookinfo',
      }),
    ).toBeUndefined();
    expect(
      entityWorkloadSelector({
        'backstage.io/kubernetes-id': '  ',
        'backstage.io/kubernetes-label-selector': '',
      }),
    ).toBeUndefined();
  });
});
