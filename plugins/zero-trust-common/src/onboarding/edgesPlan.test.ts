import {
  destinationRule,
  injected,
  meshApp,
  meshConfigMap,
  model,
  namespace,
  networking,
} from '../__fixtures__/manifests';
import { OnboardingRequestError } from './OnboardingRequestError';
import { parseOnboardingRequest } from './parseOnboardingRequest';
import { planOnboarding } from './planOnboarding';
import { OnboardingPlan } from './types';

const preset = {
  timeout: '30s',
  retries: {
    attempts: 3,
    perTryTimeout: '10s',
    retryOn: '5xx,reset,connect-failure',
  },
};

function bookinfo(extra: string = '') {
  return [
    meshConfigMap('internal.example', [], extra),
    namespace('bookinfo', injected),
    ...meshApp('bookinfo', 'ratings', {
      sa: 'bookinfo-ratings',
      labels: { app: 'ratings' },
      servicePorts: [{ name: 'http', port: 9080 }],
    }),
    ...meshApp('bookinfo', 'db', {
      sa: 'bookinfo-db',
      labels: { app: 'db' },
      servicePorts: [{ name: 'tcp-db', port: 5432 }],
    }),
  ];
}

const plan = (objects: unknown[], request: Record<string, unknown>) =>
  planOnboarding(
    parseOnboardingRequest({
      service: 'ratings',
      namespace: 'bookinfo',
      allowedCallers: [],
      ...request,
    }),
    model(...(objects as any[])),
  );

function issues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OnboardingRequestError);
    return (e as OnboardingRequestError).issues.map(
      i => `${i.path}: ${i.message}`,
    );
  }
  throw new Error('planned without an error');
}

const ofKind = (p: OnboardingPlan, kind: string) =>
  p.resources.filter(r => r.kind === kind);

describe('planOnboarding: egress', () => {
  it('adds one ServiceEntry per host, exported to the namespace only, outside the mesh, by DNS', () => {
    const p = plan(bookinfo('outboundTrafficPolicy:\n  mode: REGISTRY_ONLY'), {
      egress: [
        { host: 'api.stripe.com', ports: [443] },
        { host: 'mirror.example.org', ports: [80, 8443], protocol: 'HTTPS' },
      ],
    });
    expect(ofKind(p, 'ServiceEntry')).toEqual([
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        metadata: {
          name: 'ratings-egress-api-stripe-com',
          namespace: 'bookinfo',
        },
        spec: {
          hosts: ['api.stripe.com'],
          exportTo: ['.'],
          location: 'MESH_EXTERNAL',
          resolution: 'DNS',
          ports: [{ number: 443, name: 'tls-443', protocol: 'TLS' }],
        },
      },
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        metadata: {
          name: 'ratings-egress-mirror-example-org',
          namespace: 'bookinfo',
        },
        spec: {
          hosts: ['mirror.example.org'],
          exportTo: ['.'],
          location: 'MESH_EXTERNAL',
          resolution: 'DNS',
          ports: [
            { number: 80, name: 'https-80', protocol: 'HTTPS' },
            { number: 8443, name: 'https-8443', protocol: 'HTTPS' },
          ],
        },
      },
    ]);
    expect(p.notes).toContain(
      'The ServiceEntries for api.stripe.com, mirror.example.org are exported to namespace bookinfo only: every workload there may reach them, not only ratings.',
    );
    expect(p.notes.join('\n')).not.toContain('ALLOW_ANY');
  });

  it('says that under ALLOW_ANY the entry documents the egress rather than restricts it', () => {
    const p = plan(bookinfo(), {
      egress: [{ host: 'api.stripe.com', ports: [443] }],
    });
    expect(p.notes).toContain(
      'Cluster c1 has outboundTrafficPolicy ALLOW_ANY: sidecars reach any external host already, so the ServiceEntries document the egress rather than restrict it.',
    );
  });
});

describe('planOnboarding: traffic', () => {
  it('adds a VirtualService for the host with the timeout and retries, and outlier detection on the DestinationRule', () => {
    const p = plan(bookinfo(), {
      traffic: {
        ...preset,
        outlierDetection: { consecutive5xxErrors: 5, interval: '10s' },
      },
    });
    expect(ofKind(p, 'VirtualService')).toEqual([
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'ratings', namespace: 'bookinfo' },
        spec: {
          hosts: ['ratings.bookinfo.svc.cluster.local'],
          http: [
            {
              route: [
                { destination: { host: 'ratings.bookinfo.svc.cluster.local' } },
              ],
              timeout: '30s',
              retries: preset.retries,
            },
          ],
        },
      },
    ]);
    expect(ofKind(p, 'DestinationRule')[0].spec).toEqual({
      host: 'ratings.bookinfo.svc.cluster.local',
      trafficPolicy: {
        tls: { mode: 'ISTIO_MUTUAL' },
        outlierDetection: { consecutive5xxErrors: 5, interval: '10s' },
      },
    });
    // 5xx and reset retry requests that reached the service: the reviewer checks idempotency.
    expect(p.notes.join('\n')).toContain(
      'retryOn 5xx,reset,connect-failure retries requests that may have reached ratings',
    );
  });

  it('adds no VirtualService for outlier detection alone', () => {
    const p = plan(bookinfo(), {
      traffic: { outlierDetection: { consecutive5xxErrors: 5 } },
    });
    expect(ofKind(p, 'VirtualService')).toEqual([]);
    expect(ofKind(p, 'DestinationRule')[0].spec.trafficPolicy).toMatchObject({
      outlierDetection: { consecutive5xxErrors: 5 },
    });
  });

  it('in ambient mode, writes a DestinationRule without TLS only for outlier detection, and says a waypoint applies it', () => {
    const objects = bookinfo();
    objects[1] = namespace('bookinfo', {});
    const p = plan(objects, {
      dataplane: 'ambient',
      traffic: { ...preset, outlierDetection: { consecutive5xxErrors: 5 } },
    });
    expect(ofKind(p, 'DestinationRule')[0].spec.trafficPolicy).toEqual({
      outlierDetection: { consecutive5xxErrors: 5 },
    });
    expect(p.notes).toContain(
      'Ambient: ztunnel does not apply VirtualService timeouts and retries; they take effect once the service uses a waypoint.',
    );
  });

  it('refuses timeouts for a service without an HTTP port', () => {
    expect(
      issues(() =>
        plan(bookinfo(), { service: 'db', traffic: { timeout: '5s' } }),
      ),
    ).toEqual([
      'traffic.timeout: timeouts and retries apply to HTTP routes, and db has no HTTP, HTTP2 or GRPC port',
    ]);
  });

  it('refuses a second VirtualService for a host one already routes (Istio merges none on sidecars)', () => {
    const existing = networking('VirtualService', 'bookinfo', 'ratings-route', {
      hosts: ['ratings'],
      http: [{ route: [{ destination: { host: 'ratings' } }] }],
    });
    expect(
      issues(() => plan([...bookinfo(), existing], { traffic: preset })),
    ).toEqual([
      'traffic.timeout: VirtualService bookinfo/ratings-route already routes ratings.bookinfo.svc.cluster.local for the mesh, and Istio does not merge two for one host: set the timeout and retries on it by hand',
    ]);
    // A gateway's VirtualService for the same host is no conflict.
    const ingress = networking(
      'VirtualService',
      'bookinfo',
      'ratings-ingress',
      {
        hosts: ['ratings.example.com'],
        gateways: ['bookinfo-gateway'],
        http: [{ route: [{ destination: { host: 'ratings' } }] }],
      },
    );
    expect(
      ofKind(
        plan([...bookinfo(), ingress], { traffic: preset }),
        'VirtualService',
      ),
    ).toHaveLength(1);
  });

  it('refuses outlier detection where another DestinationRule holds the host', () => {
    const other = destinationRule('bookinfo', 'ratings-tls', {
      host: 'ratings.bookinfo.svc.cluster.local',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    });
    expect(
      issues(() =>
        plan([...bookinfo(), other], {
          traffic: { outlierDetection: { consecutive5xxErrors: 5 } },
        }),
      ),
    ).toEqual([
      "traffic.outlierDetection: DestinationRule bookinfo/ratings-tls already sets the traffic policy for ratings.bookinfo.svc.cluster.local, and Istio keeps the oldest rule's traffic policy for a host; add the outlier detection to it by hand",
    ]);
  });
});
