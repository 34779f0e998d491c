import {
  authorizationPolicy,
  meshApp,
  meshConfigMap,
  model,
  namespace,
  injected,
} from '../__fixtures__/manifests';
import { check } from './check';
import { PathNormalization, normalizePath } from './paths';

// https://istio.io/latest/docs/reference/config/security/normalization/ and the table in
// https://istio.io/latest/docs/ops/best-practices/security/#understand-path-normalization-in-authorization-policy;
// the modes as pilot/pkg/networking/core/listener_builder.go sets Envoy's options.
describe('normalizePath', () => {
  it.each<[string, PathNormalization, string]>([
    ['/a/b?x=1', 'BASE', '/a/b'],
    ['/a/b?x=/admin', 'NONE', '/a/b'],
    ['/a/b#frag', 'BASE', '/a/b'],
    ['/a/../b', 'BASE', '/b'],
    ['/a/./b', 'BASE', '/a/b'],
    ['/../../a', 'BASE', '/a'],
    ['/a/b/..', 'BASE', '/a/'],
    ['/a/%2e%2e/b', 'BASE', '/b'],
    ['/%61dmin', 'BASE', '/admin'],
    ['/a%2fb', 'BASE', '/a%2Fb'],
    ['\\da', 'BASE', '/da'],
    ['/a//b', 'BASE', '/a//b'],
    ['/a//b', 'MERGE_SLASHES', '/a/b'],
    ['/a%2fb', 'MERGE_SLASHES', '/a%2Fb'],
    ['/a%2fb', 'DECODE_AND_MERGE_SLASHES', '/a/b'],
    ['/a%5c..%5cb', 'DECODE_AND_MERGE_SLASHES', '/b'],
    ['/a/../b', 'NONE', '/a/../b'],
  ])('%s with %s → %s', (raw, mode, want) => {
    expect(normalizePath(raw, mode)).toBe(want);
  });
});

describe('paths in check are read as the server normalizes them', () => {
  const mesh = (extra = '') => [
    meshConfigMap('cluster.local', [], extra),
    namespace('client', injected),
    ...meshApp('client', 'c'),
    namespace('server', injected),
    ...meshApp('server', 'api'),
    authorizationPolicy('server', 'deny-admin', {
      action: 'DENY',
      rules: [{ to: [{ operation: { paths: ['/admin', '/admin/*'] } }] }],
    }),
  ];
  const query = (path: string) => ({
    from: 'client/c',
    to: 'server/api',
    port: 8080,
    path,
  });

  it.each([
    ['/admin?debug=1', 'DENY'],
    ['/public/../admin', 'DENY'],
    ['/%61dmin/users', 'DENY'],
    ['/public?next=/admin', 'ALLOW'],
    ['/public', 'ALLOW'],
  ])('BASE (the default): %s → %s', (path, decision) => {
    expect(check(model(...mesh()), query(path)).decision).toBe(decision);
  });

  it('NONE leaves the dot segments in (and the DENY misses)', () => {
    const m = model(...mesh('pathNormalization:\n  normalization: NONE'));
    expect(check(m, query('/public/../admin')).decision).toBe('ALLOW');
    expect(check(m, query('/admin?x')).decision).toBe('DENY');
  });

  it('MERGE_SLASHES merges //', () => {
    const m = model(
      ...mesh('pathNormalization:\n  normalization: MERGE_SLASHES'),
    );
    expect(check(m, query('//admin')).decision).toBe('DENY');
    expect(check(model(...mesh()), query('//admin')).decision).toBe('ALLOW');
  });

  // hostGenerator and HostMatcher (pilot/pkg/security/authz/model/generator.go,
  // matcher/header.go): exact, prefix or suffix, case-insensitive, on the authority.
  it.each([
    ['API.example.com', 'DENY'],
    ['other.example.com', 'ALLOW'],
  ])('a given host decides a hosts rule: %s → %s', (host, decision) => {
    const m = model(
      ...mesh(),
      authorizationPolicy('server', 'deny-api-host', {
        action: 'DENY',
        rules: [{ to: [{ operation: { hosts: ['api.example.com'] } }] }],
      }),
    );
    expect(check(m, { ...query('/public'), host }).decision).toBe(decision);
    expect(check(m, query('/public')).decision).toBe('CONDITIONAL');
  });
});
