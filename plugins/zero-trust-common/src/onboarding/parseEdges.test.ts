import { OnboardingRequestError } from './OnboardingRequestError';
import { durationMillis } from './parseEdges';
import { parseOnboardingRequest } from './parseOnboardingRequest';

const base = { service: 'ratings', namespace: 'bookinfo', allowedCallers: [] };

function issuesOf(patch: Record<string, unknown>): string[] {
  try {
    parseOnboardingRequest({ ...base, ...patch });
  } catch (e) {
    expect(e).toBeInstanceOf(OnboardingRequestError);
    return (e as OnboardingRequestError).issues.map(
      i => `${i.path}: ${i.message}`,
    );
  }
  throw new Error(`accepted ${JSON.stringify(patch)}`);
}

describe('egress', () => {
  it('keeps the hosts as written; the protocol defaults later, by port', () => {
    const egress = [
      { host: 'api.stripe.com', ports: [443] },
      { host: 'example.org', ports: [80, 8080], protocol: 'HTTP' },
    ];
    expect(parseOnboardingRequest({ ...base, egress }).egress).toEqual(egress);
  });

  it.each([
    [[], 'egress: must not be empty (leave the field out instead)'],
    [{}, 'egress: must be a list'],
    [
      ['api.stripe.com'],
      'egress[0]: must be an object { host, ports, protocol? }',
    ],
    [[{ ports: [443] }], 'egress[0].host: is required'],
    [[{ host: 'api.stripe.com' }], 'egress[0].ports: is required'],
    // A ServiceEntry with DNS resolution needs a fully qualified name (ValidateServiceEntry).
    [
      [{ host: '*.stripe.com', ports: [443] }],
      'egress[0].host: must be one host name without a wildcard (a ServiceEntry with DNS resolution needs a fully qualified name)',
    ],
    [
      [{ host: 'API.stripe.com', ports: [443] }],
      'egress[0].host: must be a fully qualified DNS name in lower case, such as api.stripe.com',
    ],
    [
      [{ host: 'stripe', ports: [443] }],
      'egress[0].host: must be a fully qualified DNS name in lower case, such as api.stripe.com',
    ],
    [
      [
        {
          host: 'ratings.bookinfo.svc.cluster.local',
          ports: [9080],
          protocol: 'HTTP',
        },
      ],
      'egress[0].host: names a service inside the cluster; egress is for hosts outside the mesh',
    ],
    [
      [{ host: 'db.example.com', ports: [5432] }],
      'egress[0].protocol: is required for port 5432 (the default is TLS on 443 and HTTP on 80): one of HTTP, HTTPS, HTTP2, GRPC, TLS, TCP',
    ],
    [
      [{ host: 'db.example.com', ports: [5432], protocol: 'MONGO' }],
      'egress[0].protocol: must be one of HTTP, HTTPS, HTTP2, GRPC, TLS, TCP',
    ],
    [
      [{ host: 'api.stripe.com', ports: [0] }],
      'egress[0].ports[0]: must be a port number 1-65535',
    ],
    [
      [{ host: 'api.stripe.com', ports: [443], sni: 'x' }],
      'egress[0].sni: unknown field (allowed: host, ports, protocol)',
    ],
    [
      [
        { host: 'api.stripe.com', ports: [443] },
        { host: 'api.stripe.com', ports: [443] },
      ],
      'egress[1].host: host api.stripe.com is listed twice',
    ],
  ])('refuses %j', (egress, issue) => {
    expect(issuesOf({ egress })).toEqual([issue]);
  });
});

describe('traffic', () => {
  it('accepts the seed preset and durations as Istio reads them', () => {
    const traffic = {
      timeout: '1m30s',
      retries: {
        attempts: 3,
        perTryTimeout: '1.5s',
        retryOn: '5xx,503,unavailable',
      },
      outlierDetection: {
        consecutive5xxErrors: 5,
        consecutiveGatewayErrors: 2,
        interval: '500ms',
        baseEjectionTime: '3m',
        maxEjectionPercent: 50,
      },
    };
    expect(parseOnboardingRequest({ ...base, traffic }).traffic).toEqual(
      traffic,
    );
  });

  it.each([
    [
      {},
      'traffic: must be an object with at least one of timeout, retries, outlierDetection',
    ],
    [{ timeout: 30 }, 'traffic.timeout: must be a string'],
    [
      { timeout: '30' },
      'traffic.timeout: must be a duration such as 30s, 1.5s, 500ms or 1m30s (units h, m, s, ms)',
    ],
    [
      { timeout: '30 s' },
      'traffic.timeout: must be a duration such as 30s, 1.5s, 500ms or 1m30s (units h, m, s, ms)',
    ],
    // The CRDs: duration(self) >= duration('1ms'); ValidateDuration: ms precision.
    [{ timeout: '0s' }, 'traffic.timeout: must be at least 1ms'],
    [
      { timeout: '0.0015s' },
      'traffic.timeout: must be whole milliseconds (Istio supports ms precision)',
    ],
    [{ retries: {} }, 'traffic.retries.attempts: is required'],
    [
      { retries: { attempts: -1 } },
      'traffic.retries.attempts: must be a whole number from 0 to 2147483647',
    ],
    // ValidateHTTPRetry: "http retry policy configured when attempts are set to 0".
    [
      { retries: { attempts: 0, retryOn: '5xx' } },
      'traffic.retries.attempts: is 0, which turns retries off: leave out perTryTimeout and retryOn',
    ],
    [
      { retries: { attempts: 2, retryOn: '5xx,timeout' } },
      expect.stringMatching(
        /^traffic\.retries\.retryOn: has "timeout": list Envoy retry policies \(5xx, gateway-error, .*\) or HTTP status codes/,
      ),
    ],
    [
      { retries: { attempts: 2, retryOn: '5xx, reset' } },
      expect.stringMatching(/^traffic\.retries\.retryOn: has " reset"/),
    ],
    [
      { retries: { attempts: 2, retryOn: '600' } },
      expect.stringMatching(/^traffic\.retries\.retryOn: has "600"/),
    ],
    [
      { timeout: '5s', retries: { attempts: 2, perTryTimeout: '10s' } },
      "traffic.retries.perTryTimeout: is longer than the whole request's timeout 5s, so no retry could ever start",
    ],
    [
      { outlierDetection: {} },
      'traffic.outlierDetection: must be a non-empty object of consecutive5xxErrors, consecutiveGatewayErrors, interval, baseEjectionTime, maxEjectionPercent',
    ],
    [
      { outlierDetection: { maxEjectionPercent: 101 } },
      'traffic.outlierDetection.maxEjectionPercent: must be a whole number from 0 to 100',
    ],
    [
      { outlierDetection: { consecutiveErrors: 5 } },
      'traffic.outlierDetection.consecutiveErrors: unknown field (allowed: consecutive5xxErrors, consecutiveGatewayErrors, interval, baseEjectionTime, maxEjectionPercent)',
    ],
    [
      { connectionPool: {} },
      'traffic: must be an object with at least one of timeout, retries, outlierDetection',
    ],
  ])('refuses %j', (traffic, issue) => {
    expect(issuesOf({ traffic })).toEqual([issue]);
  });

  it.each([
    ['30s', 30_000],
    ['1.1s', 1100],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['250ms', 250],
    ['', undefined],
    ['s', undefined],
    ['10', undefined],
    ['1d', undefined],
  ])('reads the duration %j as %j ms', (text, ms) => {
    expect(durationMillis(text)).toBe(ms);
  });
});
