import { isObject } from '../kinds/fields';
import {
  dnsLabelProblem,
  dnsSubdomainProblem,
  labelKeyProblem,
  labelValueProblem,
} from './names';
import { OnboardingRequestError } from './OnboardingRequestError';
import { parseEgress, parseTraffic } from './parseEdges';
import {
  OnboardingCaller,
  OnboardingIssue,
  OnboardingPort,
  OnboardingProtocol,
  OnboardingRequest,
} from './types';

type Json = Record<string, unknown>;

/** The onboarding request's fields, in the contract's order. @public */
export const onboardingRequestFields = [
  'service',
  'namespace',
  'cluster',
  'serviceAccount',
  'selector',
  'ports',
  'dataplane',
  'revision',
  'mtlsMode',
  'namespaceDefaultDeny',
  'allowedCallers',
  'networkPolicy',
  'egress',
  'traffic',
  'rollout',
] as const;
const portFields = ['name', 'port', 'protocol'];
const callerKinds = [
  'workload',
  'principal',
  'namespace',
  'entityRef',
] as const;
const callerFields = [...callerKinds, 'ports', 'methods', 'paths'];
const protocols: OnboardingProtocol[] = ['HTTP', 'HTTP2', 'GRPC', 'TCP', 'TLS'];

// C0 and C1 control characters, and the Unicode line and paragraph separators: none
// belongs in a name, a method or a path, and each could break out of YAML or Markdown.
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const method = /^[A-Z]{1,32}$/;
// RFC 3986 path characters, without `[`, `]`, backticks, braces, `<`, `>`, `|` or
// spaces, so a path can never turn into Markdown, HTML or a template.
const pathCharacters = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]+$/;
const trustDomain = /^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$/;
const entityRef =
  /^(?:[A-Za-z][A-Za-z0-9-]*:)?(?:[A-Za-z0-9][A-Za-z0-9._-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/;

function key(parent: string, name: string): string {
  const safe = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
    ? `.${name}`
    : `[${JSON.stringify(name)}]`;
  return parent ? `${parent}${safe}` : safe.replace(/^\./, '');
}

/** Collects every issue, so one error can list them all. */
export class Checker {
  readonly issues: OnboardingIssue[] = [];

  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  unknownFields(value: Json, allowed: readonly string[], path: string): void {
    for (const name of Object.keys(value)) {
      if (!allowed.includes(name)) {
        this.add(
          key(path, name),
          `unknown field (allowed: ${allowed.join(', ')})`,
        );
      }
    }
  }

  /** A string that passes `problem`, or undefined (with an issue recorded). */
  string(
    value: unknown,
    path: string,
    problem: (s: string) => string | undefined,
  ): string | undefined {
    if (typeof value !== 'string') {
      this.add(path, 'must be a string');
      return undefined;
    }
    if (controlCharacters.test(value)) {
      this.add(path, 'must not contain control characters or line breaks');
      return undefined;
    }
    const message = problem(value);
    if (message) {
      this.add(path, message);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(
    value: unknown,
    allowed: readonly T[],
    path: string,
  ): T | undefined {
    if (typeof value !== 'string' || !allowed.includes(value as T)) {
      this.add(path, `must be one of ${allowed.join(', ')}`);
      return undefined;
    }
    return value as T;
  }

  port(value: unknown, path: string): number | undefined {
    if (
      typeof value !== 'number' ||
      !Number.isInteger(value) ||
      value < 1 ||
      value > 65535
    ) {
      this.add(path, 'must be a port number 1-65535');
      return undefined;
    }
    return value;
  }

  /** A non-empty array whose items each pass `item`. */
  list<T>(
    value: unknown,
    path: string,
    item: (v: unknown, p: string) => T | undefined,
  ): T[] | undefined {
    if (!Array.isArray(value)) {
      this.add(path, 'must be a list');
      return undefined;
    }
    if (value.length === 0) {
      this.add(path, 'must not be empty (leave the field out instead)');
      return undefined;
    }
    const items = value.map((v, i) => item(v, `${path}[${i}]`));
    return items.every(i => i !== undefined) ? (items as T[]) : undefined;
  }
}

function workloadRefProblem(ref: string): string | undefined {
  const parts = ref.split('/');
  const message =
    'must be NAMESPACE/NAME or CLUSTER/NAMESPACE/NAME with DNS-1123 names';
  if (parts.length !== 2 && parts.length !== 3) return message;
  const name = parts[parts.length - 1];
  const labels = parts.slice(0, -1);
  if (labels.some(p => dnsLabelProblem(p)) || dnsSubdomainProblem(name)) {
    return message;
  }
  return undefined;
}

function principalProblem(principal: string): string | undefined {
  const message =
    'must be TRUST_DOMAIN/ns/NAMESPACE/sa/SERVICE_ACCOUNT (no spiffe:// prefix, no wildcards)';
  const parts = principal.split('/');
  if (
    parts.length !== 5 ||
    parts[1] !== 'ns' ||
    parts[3] !== 'sa' ||
    parts[0].length > 255 ||
    !trustDomain.test(parts[0]) ||
    dnsLabelProblem(parts[2]) ||
    dnsSubdomainProblem(parts[4])
  ) {
    return message;
  }
  return undefined;
}

function pathProblem(path: string): string | undefined {
  if (path.length > 1024) return 'must be at most 1024 characters';
  if (!path.startsWith('/') && !path.startsWith('*')) {
    return 'must start with "/" (or "*" for a suffix match)';
  }
  if (!pathCharacters.test(path)) {
    return "may hold only URL path characters (letters, digits and -._~!$&'()*+,;=:@/%)";
  }
  if (path.slice(1, -1).includes('*')) {
    return 'may use "*" only as its first or last character (Istio prefix and suffix matches)';
  }
  return undefined;
}

function parsePort(c: Checker, value: unknown, path: string) {
  if (!isObject(value)) {
    c.add(path, 'must be an object { name?, port, protocol? }');
    return undefined;
  }
  c.unknownFields(value, portFields, path);
  const port: OnboardingPort = { port: 0 };
  if (value.name !== undefined) {
    const name = c.string(value.name, `${path}.name`, dnsLabelProblem);
    if (name !== undefined) port.name = name;
  }
  if (value.port === undefined) c.add(`${path}.port`, 'is required');
  else port.port = c.port(value.port, `${path}.port`) ?? 0;
  if (value.protocol !== undefined) {
    const protocol = c.oneOf(value.protocol, protocols, `${path}.protocol`);
    if (protocol) port.protocol = protocol;
  }
  return port;
}

function parseCaller(
  c: Checker,
  value: unknown,
  path: string,
): OnboardingCaller | undefined {
  if (!isObject(value)) {
    c.add(
      path,
      'must be an object naming one of workload, principal, namespace or entityRef',
    );
    return undefined;
  }
  c.unknownFields(value, callerFields, path);
  const kinds = callerKinds.filter(k => value[k] !== undefined);
  if (kinds.length !== 1) {
    c.add(
      path,
      kinds.length
        ? `names ${kinds.join(
            ' and ',
          )}: a caller names exactly one of workload, principal, namespace or entityRef`
        : 'must name exactly one of workload, principal, namespace or entityRef',
    );
    return undefined;
  }
  const kind = kinds[0];
  const problems = {
    workload: workloadRefProblem,
    principal: principalProblem,
    namespace: dnsLabelProblem,
    entityRef: (s: string) =>
      entityRef.test(s) && s.length <= 255
        ? undefined
        : 'must be an entity reference such as component:default/reviews',
  };
  const ref = c.string(value[kind], `${path}.${kind}`, problems[kind]);
  const caller = { [kind]: ref } as unknown as OnboardingCaller;
  if (value.ports !== undefined) {
    const ports = c.list(value.ports, `${path}.ports`, (v, p) => c.port(v, p));
    if (ports) caller.ports = ports;
  }
  if (value.methods !== undefined) {
    const methods = c.list(value.methods, `${path}.methods`, (v, p) =>
      c.string(v, p, s =>
        method.test(s)
          ? undefined
          : 'must be an HTTP method in capitals, such as GET',
      ),
    );
    if (methods) caller.methods = methods;
  }
  if (value.paths !== undefined) {
    const paths = c.list(value.paths, `${path}.paths`, (v, p) =>
      c.string(v, p, pathProblem),
    );
    if (paths) caller.paths = paths;
  }
  return caller;
}

function parseSelector(c: Checker, value: unknown, path: string) {
  if (!isObject(value)) {
    c.add(path, 'must be a non-empty map of label keys to values');
    return undefined;
  }
  // Not taken as "left out": the user wrote a selector, and an empty one would select
  // every pod of the namespace, which the default (app=<service>) never does.
  if (Object.keys(value).length === 0) {
    c.add(
      path,
      'must name at least one label: an empty selector would select every pod in the namespace (leave the field out for the default)',
    );
    return undefined;
  }
  const selector: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    const at = key(path, k);
    if (controlCharacters.test(k)) {
      c.add(at, 'label key must not contain control characters');
      continue;
    }
    const keyProblem = labelKeyProblem(k);
    if (keyProblem) {
      c.add(at, keyProblem);
      continue;
    }
    const label = c.string(v, at, labelValueProblem);
    if (label !== undefined) selector[k] = label;
  }
  return selector;
}

/**
 * Validates an onboarding request (this package's README) by hand: names,
 * labels, ports, methods and paths are checked so that nothing a user types can inject
 * YAML, Markdown or a template into the change. Unknown fields are an error.
 *
 * @throws OnboardingRequestError listing every issue with its JSON path
 * @public
 */
export function parseOnboardingRequest(input: unknown): OnboardingRequest {
  const c = new Checker();
  if (!isObject(input)) {
    throw new OnboardingRequestError([
      { path: '', message: 'the request must be a JSON object' },
    ]);
  }
  c.unknownFields(input, onboardingRequestFields, '');
  const request: OnboardingRequest = {
    service: '',
    namespace: '',
    allowedCallers: [],
  };
  for (const field of ['service', 'namespace'] as const) {
    if (input[field] === undefined) c.add(field, 'is required');
    else request[field] = c.string(input[field], field, dnsLabelProblem) ?? '';
  }
  if (input.cluster !== undefined) {
    request.cluster = c.string(input.cluster, 'cluster', dnsLabelProblem);
  }
  if (input.serviceAccount !== undefined) {
    request.serviceAccount = c.string(
      input.serviceAccount,
      'serviceAccount',
      dnsLabelProblem,
    );
  }
  if (input.selector !== undefined) {
    request.selector = parseSelector(c, input.selector, 'selector');
  }
  if (input.ports !== undefined) {
    const ports = c.list(input.ports, 'ports', (v, p) => parsePort(c, v, p));
    if (ports) {
      request.ports = ports;
      const seen = new Set<number>();
      ports.forEach((p, i) => {
        if (p.port && seen.has(p.port)) {
          c.add(`ports[${i}].port`, `port ${p.port} is listed twice`);
        }
        seen.add(p.port);
      });
    }
  }
  if (input.dataplane !== undefined) {
    request.dataplane = c.oneOf(
      input.dataplane,
      ['sidecar', 'ambient'] as const,
      'dataplane',
    );
  }
  if (input.revision !== undefined) {
    request.revision = c.string(input.revision, 'revision', dnsLabelProblem);
    if (input.dataplane === 'ambient') {
      c.add(
        'revision',
        'selects the sidecar injector; leave it out with dataplane "ambient"',
      );
    }
  }
  if (input.mtlsMode !== undefined) {
    request.mtlsMode = c.oneOf(
      input.mtlsMode,
      ['STRICT', 'PERMISSIVE'] as const,
      'mtlsMode',
    );
  }
  if (input.namespaceDefaultDeny !== undefined) {
    if (typeof input.namespaceDefaultDeny !== 'boolean') {
      c.add('namespaceDefaultDeny', 'must be true or false');
    } else {
      request.namespaceDefaultDeny = input.namespaceDefaultDeny;
    }
  }
  if (input.networkPolicy !== undefined) {
    if (typeof input.networkPolicy !== 'boolean') {
      c.add('networkPolicy', 'must be true or false');
    } else {
      request.networkPolicy = input.networkPolicy;
    }
  }
  if (input.egress !== undefined) {
    request.egress = parseEgress(c, input.egress, 'egress');
  }
  if (input.traffic !== undefined) {
    request.traffic = parseTraffic(c, input.traffic, 'traffic');
  }
  if (input.rollout !== undefined) {
    request.rollout = c.oneOf(
      input.rollout,
      ['enforce', 'dry-run'] as const,
      'rollout',
    );
  }
  if (input.allowedCallers !== undefined) {
    if (!Array.isArray(input.allowedCallers)) {
      c.add('allowedCallers', 'must be a list (an empty list means nobody)');
    } else {
      request.allowedCallers = input.allowedCallers
        .map((v, i) => parseCaller(c, v, `allowedCallers[${i}]`))
        .filter((v): v is OnboardingCaller => v !== undefined);
    }
  }
  if (c.issues.length) throw new OnboardingRequestError(c.issues);
  return dropUndefined(request);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}
