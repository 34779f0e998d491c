import fc from 'fast-check';
import { parse as parseYaml, stringify } from 'yaml';
import { escapeMarkdown } from '../report/markdown';
import { OnboardingRequestError } from './OnboardingRequestError';
import { parseOnboardingRequest } from './parseOnboardingRequest';

// Includes a property test over generated requests: CPU-bound.
jest.setTimeout(30_000);

const valid = {
  service: 'ratings',
  namespace: 'bookinfo',
  cluster: 'backend',
  serviceAccount: 'bookinfo-ratings',
  selector: { app: 'ratings', 'app.kubernetes.io/part-of': 'bookinfo' },
  ports: [{ name: 'http', port: 9080, protocol: 'HTTP' }],
  dataplane: 'sidecar',
  revision: '1-24',
  mtlsMode: 'STRICT',
  namespaceDefaultDeny: true,
  allowedCallers: [
    {
      workload: 'bookinfo/productpage',
      methods: ['GET'],
      paths: ['/ratings/*'],
    },
    { principal: 'external.example/ns/edge/sa/edge-gateway', ports: [9080] },
    { namespace: 'monitoring', ports: [15090] },
    { entityRef: 'component:default/reviews' },
  ],
  networkPolicy: true,
  egress: [{ host: 'api.stripe.com', ports: [443], protocol: 'TLS' }],
  traffic: {
    timeout: '30s',
    retries: {
      attempts: 3,
      perTryTimeout: '10s',
      retryOn: '5xx,reset,connect-failure',
    },
    outlierDetection: {
      consecutive5xxErrors: 5,
      interval: '10s',
      baseEjectionTime: '30s',
    },
  },
};

/** The issues of a rejected input, as `path: message` lines. */
function issuesOf(input: unknown): string[] {
  try {
    parseOnboardingRequest(input);
  } catch (e) {
    expect(e).toBeInstanceOf(OnboardingRequestError);
    const error = e as OnboardingRequestError;
    expect(error.name).toBe('OnboardingRequestError');
    // The message lists every issue with its path.
    for (const issue of error.issues) {
      expect(error.message).toContain(`${issue.path}: ${issue.message}`);
    }
    return error.issues.map(i => `${i.path}: ${i.message}`);
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

const withField = (patch: Record<string, unknown>) => ({ ...valid, ...patch });
const withCaller = (caller: unknown) =>
  withField({ allowedCallers: [valid.allowedCallers[0], caller] });

describe('parseOnboardingRequest', () => {
  it('accepts the contract example and returns exactly its fields', () => {
    expect(parseOnboardingRequest(valid)).toEqual(valid);
  });

  it('needs only service and namespace; no callers means nobody', () => {
    expect(
      parseOnboardingRequest({ service: 'ratings', namespace: 'bookinfo' }),
    ).toEqual({
      service: 'ratings',
      namespace: 'bookinfo',
      allowedCallers: [],
    });
  });

  it('lists every problem at once, each with its JSON path', () => {
    const issues = issuesOf({
      service: 'Ratings',
      namespace: 'book_info',
      ports: [{ port: 0 }, { port: 9080, protocol: 'UDP' }],
      allowedCallers: [
        { namespace: 'ok' },
        { namespace: 'ok', ports: [70000] },
      ],
    });
    expect(issues).toEqual([
      expect.stringMatching(/^service: must be a DNS-1123 label/),
      expect.stringMatching(/^namespace: must be a DNS-1123 label/),
      'ports[0].port: must be a port number 1-65535',
      'ports[1].protocol: must be one of HTTP, HTTP2, GRPC, TCP, TLS',
      'allowedCallers[1].ports[0]: must be a port number 1-65535',
    ]);
  });

  it.each([
    ['an upper-case name', { service: 'Ratings' }, 'service'],
    ['an underscore', { service: 'ratings_v1' }, 'service'],
    ['a leading dash', { namespace: '-bookinfo' }, 'namespace'],
    ['a 64-character label', { cluster: 'a'.repeat(64) }, 'cluster'],
    ['a dotted service account', { serviceAccount: 'a.b' }, 'serviceAccount'],
    ['a revision with a space', { revision: '1 24' }, 'revision'],
    ['a number for a name', { service: 42 }, 'service'],
  ])('rejects %s', (_what, patch, path) => {
    expect(issuesOf(withField(patch))).toEqual([
      expect.stringMatching(new RegExp(`^${path}: must be`)),
    ]);
  });

  it.each([
    [
      'YAML injection in a name',
      { service: 'ratings\nkind: Secret' },
      'service',
    ],
    ['a template in a name', { namespace: '{{ .Values.ns }}' }, 'namespace'],
    ['a carriage return', { cluster: 'backend\r' }, 'cluster'],
    ['a Unicode line separator', { service: 'ratings\u2028x' }, 'service'],
  ])('rejects %s', (_what, patch, path) => {
    const [issue] = issuesOf(withField(patch));
    expect(issue.startsWith(`${path}: `)).toBe(true);
  });

  it.each([
    [
      'a newline',
      '/ratings\nkind: Secret',
      'must not contain control characters',
    ],
    [
      'a Markdown link',
      '/[click](https://evil.example)',
      'URL path characters',
    ],
    ['backticks', '/`rm -rf`', 'URL path characters'],
    ['HTML', '/<script>alert(1)</script>', 'URL path characters'],
    ['a template', '/{{ .Values.path }}', 'URL path characters'],
    ['a pipe (Markdown table)', '/a|b', 'URL path characters'],
    ['no leading slash', 'ratings', 'must start with "/"'],
    ['a wildcard in the middle', '/a/*/b', '"*" only as its first or last'],
  ])('rejects a path with %s', (_what, path, message) => {
    expect(issuesOf(withCaller({ namespace: 'x', paths: [path] }))).toEqual([
      expect.stringContaining(`allowedCallers[1].paths[0]: `),
    ]);
    expect(
      issuesOf(withCaller({ namespace: 'x', paths: [path] }))[0],
    ).toContain(message);
  });

  it('accepts Istio prefix, suffix and presence paths', () => {
    const request = parseOnboardingRequest(
      withCaller({
        namespace: 'x',
        paths: ['/api/*', '*/info', '*', '/a%20b'],
      }),
    );
    expect(request.allowedCallers[1]).toEqual({
      namespace: 'x',
      paths: ['/api/*', '*/info', '*', '/a%20b'],
    });
  });

  it.each([
    ['lower case', 'get'],
    ['a newline', 'GET\nPOST'],
    ['a space', 'GET POST'],
  ])('rejects a method in %s', (_what, method) => {
    expect(issuesOf(withCaller({ namespace: 'x', methods: [method] }))).toEqual(
      [expect.stringMatching(/^allowedCallers\[1\]\.methods\[0\]: must/)],
    );
  });

  it('rejects unknown fields at every level', () => {
    expect(
      issuesOf({
        ...valid,
        team: 'x',
        ports: [{ port: 9080, targetPort: 1 }],
        allowedCallers: [{ namespace: 'x', verbs: ['GET'] }],
      }),
    ).toEqual([
      expect.stringMatching(
        /^team: unknown field \(allowed: service, namespace/,
      ),
      expect.stringMatching(/^ports\[0\]\.targetPort: unknown field/),
      expect.stringMatching(/^allowedCallers\[0\]\.verbs: unknown field/),
    ]);
  });

  it('quotes an unknown key so that it cannot break the message', () => {
    const [issue] = issuesOf({ ...valid, 'a\nb': 1 });
    expect(issue).toBe(
      '["a\\nb"]: unknown field (allowed: service, namespace, cluster, serviceAccount, selector, ports, dataplane, revision, mtlsMode, namespaceDefaultDeny, allowedCallers, networkPolicy, egress, traffic, rollout)',
    );
  });

  it('needs exactly one of workload, principal, namespace or entityRef per caller', () => {
    expect(
      issuesOf(withCaller({ workload: 'bookinfo/reviews', namespace: 'x' })),
    ).toEqual([
      'allowedCallers[1]: names workload and namespace: a caller names exactly one of workload, principal, namespace or entityRef',
    ]);
    expect(issuesOf(withCaller({ ports: [80] }))).toEqual([
      'allowedCallers[1]: must name exactly one of workload, principal, namespace or entityRef',
    ]);
  });

  it.each([
    ['workload', 'bookinfo'],
    ['workload', 'a/b/c/d'],
    ['workload', 'Bookinfo/reviews'],
    ['principal', 'spiffe://td/ns/a/sa/b'],
    ['principal', 'td/ns/a/sa'],
    ['principal', '*'],
    ['namespace', 'Monitoring'],
    ['entityRef', 'component:default/re views'],
  ])('rejects a %s caller "%s"', (kind, value) => {
    expect(issuesOf(withCaller({ [kind]: value }))).toEqual([
      expect.stringMatching(
        new RegExp(`^allowedCallers\\[1\\]\\.${kind}: must be`),
      ),
    ]);
  });

  it('checks selectors, port lists and switches', () => {
    expect(
      issuesOf(
        withField({
          selector: { 'bad key!': 'x', app: 'has space', ok: 7 },
          ports: [{ port: 9080 }, { port: 9080 }],
          dataplane: 'ambient',
          mtlsMode: 'DISABLE',
          namespaceDefaultDeny: 'yes',
          allowedCallers: { workload: 'a/b' },
        }),
      ),
    ).toEqual([
      expect.stringMatching(/^selector\["bad key!"\]: must be a label key/),
      expect.stringMatching(/^selector\.app: must be a label value/),
      'selector.ok: must be a string',
      'ports[1].port: port 9080 is listed twice',
      expect.stringMatching(/^revision: selects the sidecar injector/),
      'mtlsMode: must be one of STRICT, PERMISSIVE',
      'namespaceDefaultDeny: must be true or false',
      'allowedCallers: must be a list (an empty list means nobody)',
    ]);
    expect(issuesOf(withField({ selector: {} }))).toEqual([
      'selector: must name at least one label: an empty selector would select every pod in the namespace (leave the field out for the default)',
    ]);
    expect(issuesOf(withField({ selector: ['app=ratings'] }))).toEqual([
      'selector: must be a non-empty map of label keys to values',
    ]);
    expect(issuesOf(withCaller({ namespace: 'x', methods: [] }))).toEqual([
      'allowedCallers[1].methods: must not be empty (leave the field out instead)',
    ]);
  });

  it('rejects an unknown dataplane', () => {
    expect(issuesOf(withField({ dataplane: 'proxyless' }))).toEqual([
      'dataplane: must be one of sidecar, ambient',
    ]);
  });

  it('rejects what is not an object', () => {
    for (const input of [null, [], 'ratings', 42]) {
      expect(issuesOf(input)).toEqual([': the request must be a JSON object']);
    }
  });

  // Whatever a user types, an accepted value can go into YAML as is and into
  // Markdown once escaped: it reads back unchanged, and escaping leaves no markup.
  it('accepts only values that YAML and Markdown cannot be tricked by', () => {
    let accepted = 0;
    let rejected = 0;
    const text = (plausible: fc.Arbitrary<string>) =>
      fc.oneof(fc.string({ maxLength: 20 }), plausible);
    fc.assert(
      fc.property(
        text(fc.stringMatching(/^[a-z0-9-]{1,12}$/)),
        text(fc.stringMatching(/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]{0,15}$/)),
        text(fc.constantFrom('GET', 'POST', 'get')),
        (service, path, method) => {
          let request;
          try {
            request = parseOnboardingRequest({
              service,
              namespace: 'ns',
              allowedCallers: [
                { namespace: 'x', paths: [path], methods: [method] },
              ],
            });
          } catch (e) {
            rejected++;
            return e instanceof OnboardingRequestError;
          }
          accepted++;
          const caller = request.allowedCallers[0];
          return [request.service, ...caller.paths!, ...caller.methods!].every(
            value =>
              parseYaml(stringify({ value })).value === value &&
              !/(^|[^\\])[[\]`<>|{}]/.test(escapeMarkdown(value)) &&
              !/\s/.test(value),
          );
        },
      ),
      // A fixed seed: the counts below must not depend on the draw.
      { numRuns: 500, seed: 20261123 },
    );
    // Both sides were exercised.
    expect(accepted).toBeGreaterThan(10);
    expect(rejected).toBeGreaterThan(10);
  });
});
