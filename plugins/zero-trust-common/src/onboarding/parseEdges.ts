import { isObject } from '../kinds/fields';
import { dnsSubdomainProblem } from './names';
import type { Checker } from './parseOnboardingRequest';
import {
  OnboardingEgress,
  OnboardingEgressProtocol,
  OnboardingOutlierDetection,
  OnboardingRetries,
  OnboardingTraffic,
} from './types';

const egressFields = ['host', 'ports', 'protocol'];
const trafficFields = ['timeout', 'retries', 'outlierDetection'];
const retryFields = ['attempts', 'perTryTimeout', 'retryOn'];
const outlierFields = [
  'consecutive5xxErrors',
  'consecutiveGatewayErrors',
  'interval',
  'baseEjectionTime',
  'maxEjectionPercent',
];

/** ServiceEntry port protocols (https://istio.io/latest/docs/reference/config/networking/service-entry/#ServicePort). */
export const egressProtocols: OnboardingEgressProtocol[] = [
  'HTTP',
  'HTTPS',
  'HTTP2',
  'GRPC',
  'TLS',
  'TCP',
];

/** The protocol an egress port gets where the request names none. */
export function defaultEgressProtocol(
  port: number,
): OnboardingEgressProtocol | undefined {
  if (port === 443) return 'TLS';
  if (port === 80) return 'HTTP';
  return undefined;
}

/**
 * The retry policies Istio accepts in `retryOn`: Envoy's x-envoy-retry-on and
 * x-envoy-retry-grpc-on values, and HTTP status codes (supportedRetryOnPolicies and
 * ValidateHTTPRetry in istio/istio pkg/config/validation/agent/validation.go;
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRetry).
 */
export const retryOnPolicies = [
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'envoy-ratelimited',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
];

const durationUnits: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};

/**
 * A duration in milliseconds, or undefined. Istio reads a Duration field with the legacy
 * jsonpb unmarshaler (istio/istio pkg/util/protomarshal), which takes Go's
 * time.ParseDuration syntax (`30s`, `1.5s`, `500ms`, `1m30s`), and its CRDs check
 * `duration(self) >= duration('1ms')`; ValidateDuration (pkg/config/validation/agent)
 * also wants millisecond precision.
 */
export function durationMillis(text: string): number | undefined {
  const part = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;
  let total = 0;
  let at = 0;
  if (!text) return undefined;
  while (at < text.length) {
    part.lastIndex = at;
    const m = part.exec(text);
    if (!m) return undefined;
    // In microseconds, rounded, so that 1.1s is 1100 ms and not 1100.0000000000002.
    total += Math.round(Number(m[1]) * durationUnits[m[2]] * 1000);
    at = part.lastIndex;
  }
  return total / 1000;
}

function durationProblem(text: string): string | undefined {
  const ms = durationMillis(text);
  if (ms === undefined) {
    return 'must be a duration such as 30s, 1.5s, 500ms or 1m30s (units h, m, s, ms)';
  }
  if (ms < 1) return 'must be at least 1ms';
  if (!Number.isInteger(ms)) {
    return 'must be whole milliseconds (Istio supports ms precision)';
  }
  return undefined;
}

function egressHostProblem(host: string): string | undefined {
  if (host.includes('*')) {
    return 'must be one host name without a wildcard (a ServiceEntry with DNS resolution needs a fully qualified name)';
  }
  if (host.length > 200) return 'must be at most 200 characters';
  if (dnsSubdomainProblem(host) || !host.includes('.')) {
    return 'must be a fully qualified DNS name in lower case, such as api.stripe.com';
  }
  if (/\.(svc|svc\.cluster\.local|cluster\.local)$/.test(host)) {
    return 'names a service inside the cluster; egress is for hosts outside the mesh';
  }
  return undefined;
}

function parseEgressItem(
  c: Checker,
  value: unknown,
  path: string,
): OnboardingEgress | undefined {
  if (!isObject(value)) {
    c.add(path, 'must be an object { host, ports, protocol? }');
    return undefined;
  }
  c.unknownFields(value, egressFields, path);
  const egress: OnboardingEgress = { host: '', ports: [] };
  if (value.host === undefined) c.add(`${path}.host`, 'is required');
  else
    egress.host = c.string(value.host, `${path}.host`, egressHostProblem) ?? '';
  if (value.ports === undefined) c.add(`${path}.ports`, 'is required');
  else {
    egress.ports =
      c.list(value.ports, `${path}.ports`, (v, p) => c.port(v, p)) ?? [];
  }
  if (value.protocol !== undefined) {
    const protocol = c.oneOf(
      value.protocol,
      egressProtocols,
      `${path}.protocol`,
    );
    if (protocol) egress.protocol = protocol;
  } else {
    const other = egress.ports.find(p => !defaultEgressProtocol(p));
    if (other !== undefined) {
      c.add(
        `${path}.protocol`,
        `is required for port ${other} (the default is TLS on 443 and HTTP on 80): one of ${egressProtocols.join(
          ', ',
        )}`,
      );
    }
  }
  return egress;
}

/** `egress`: a non-empty list of external hosts, each named once. */
export function parseEgress(
  c: Checker,
  value: unknown,
  path: string,
): OnboardingEgress[] | undefined {
  const list = c.list(value, path, (v, p) => parseEgressItem(c, v, p));
  list?.forEach((e, i) => {
    if (e.host && list.findIndex(o => o.host === e.host) !== i) {
      c.add(`${path}[${i}].host`, `host ${e.host} is listed twice`);
    }
  });
  return list;
}

function count(
  c: Checker,
  value: unknown,
  path: string,
  min: number,
  max = 2 ** 31 - 1,
): number | undefined {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < min ||
    value > max
  ) {
    c.add(path, `must be a whole number from ${min} to ${max}`);
    return undefined;
  }
  return value;
}

function retryOnProblem(text: string): string | undefined {
  const bad = text
    .split(',')
    .filter(
      policy =>
        !retryOnPolicies.includes(policy) &&
        !(/^[1-5]\d\d$/.test(policy) && Number(policy) >= 100),
    );
  return bad.length
    ? `has ${bad
        .map(b => `"${b}"`)
        .join(', ')}: list Envoy retry policies (${retryOnPolicies.join(
        ', ',
      )}) or HTTP status codes, separated by commas without spaces`
    : undefined;
}

function parseRetries(
  c: Checker,
  value: unknown,
  path: string,
): OnboardingRetries | undefined {
  if (!isObject(value)) {
    c.add(path, 'must be an object { attempts, perTryTimeout?, retryOn? }');
    return undefined;
  }
  c.unknownFields(value, retryFields, path);
  const retries: OnboardingRetries = { attempts: 0 };
  if (value.attempts === undefined) c.add(`${path}.attempts`, 'is required');
  else retries.attempts = count(c, value.attempts, `${path}.attempts`, 0) ?? 0;
  if (value.perTryTimeout !== undefined) {
    retries.perTryTimeout = c.string(
      value.perTryTimeout,
      `${path}.perTryTimeout`,
      durationProblem,
    );
  }
  if (value.retryOn !== undefined) {
    retries.retryOn = c.string(
      value.retryOn,
      `${path}.retryOn`,
      retryOnProblem,
    );
  }
  // ValidateHTTPRetry: "http retry policy configured when attempts are set to 0 (disabled)".
  if (
    value.attempts === 0 &&
    (value.perTryTimeout !== undefined || value.retryOn !== undefined)
  ) {
    c.add(
      `${path}.attempts`,
      'is 0, which turns retries off: leave out perTryTimeout and retryOn',
    );
  }
  return dropUndefined(retries);
}

function parseOutlierDetection(
  c: Checker,
  value: unknown,
  path: string,
): OnboardingOutlierDetection | undefined {
  if (!isObject(value) || Object.keys(value).length === 0) {
    c.add(path, `must be a non-empty object of ${outlierFields.join(', ')}`);
    return undefined;
  }
  c.unknownFields(value, outlierFields, path);
  const out: OnboardingOutlierDetection = {};
  for (const field of [
    'consecutive5xxErrors',
    'consecutiveGatewayErrors',
  ] as const) {
    if (value[field] !== undefined) {
      out[field] = count(c, value[field], `${path}.${field}`, 0);
    }
  }
  for (const field of ['interval', 'baseEjectionTime'] as const) {
    if (value[field] !== undefined) {
      out[field] = c.string(value[field], `${path}.${field}`, durationProblem);
    }
  }
  if (value.maxEjectionPercent !== undefined) {
    out.maxEjectionPercent = count(
      c,
      value.maxEjectionPercent,
      `${path}.maxEjectionPercent`,
      0,
      100,
    );
  }
  return dropUndefined(out);
}

/** `traffic`: at least one of timeout, retries and outlierDetection. */
export function parseTraffic(
  c: Checker,
  value: unknown,
  path: string,
): OnboardingTraffic | undefined {
  if (
    !isObject(value) ||
    !trafficFields.some(
      f => (value as Record<string, unknown>)[f] !== undefined,
    )
  ) {
    c.add(
      path,
      `must be an object with at least one of ${trafficFields.join(', ')}`,
    );
    return undefined;
  }
  c.unknownFields(value, trafficFields, path);
  const traffic: OnboardingTraffic = {};
  if (value.timeout !== undefined) {
    traffic.timeout = c.string(
      value.timeout,
      `${path}.timeout`,
      durationProblem,
    );
  }
  if (value.retries !== undefined) {
    traffic.retries = parseRetries(c, value.retries, `${path}.retries`);
  }
  if (value.outlierDetection !== undefined) {
    traffic.outlierDetection = parseOutlierDetection(
      c,
      value.outlierDetection,
      `${path}.outlierDetection`,
    );
  }
  const perTry = traffic.retries?.perTryTimeout;
  if (traffic.timeout && perTry) {
    if (durationMillis(perTry)! > durationMillis(traffic.timeout)!) {
      c.add(
        `${path}.retries.perTryTimeout`,
        `is longer than the whole request's timeout ${traffic.timeout}, so no retry could ever start`,
      );
    }
  }
  return dropUndefined(traffic);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}
