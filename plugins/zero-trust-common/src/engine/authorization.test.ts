import {
  K8sObject,
  authorizationPolicy,
  deployment,
  injected,
  meshApp,
  meshConfigMap,
  model,
  skipTrustDomainValidation,
  multiClusterModel,
  namespace,
  peerAuthentication,
} from '../__fixtures__/manifests';
import { Decision, expandPrincipal } from './authorization';
import { workloadView } from '../report/analyze';
import { CheckQuery, check } from './check';
import { pathMatches, stringMatches } from './match';

/**
 * The mesh every case runs in:
 * - client/c (sa caller) and client/other (sa other), sidecars;
 * - server/api (sa api): Service port 80 → target port 8080, HTTP;
 * - server/web (sa web): port 8080;
 * - server/db: `tcp-db` 5432, appProtocol tcp 5433, `http-admin` 8080;
 * - legacy/old and legacy/plain: no sidecar;
 * - amb/z: ambient, port 8080 (HTTP by name, but ztunnel reads no HTTP).
 */
const mesh: K8sObject[] = [
  namespace('client', injected),
  deployment('client', 'c', { sa: 'caller' }),
  deployment('client', 'other', { sa: 'other' }),
  namespace('server', injected),
  ...meshApp('server', 'api', {
    sa: 'api',
    servicePorts: [{ name: 'http', port: 80, targetPort: 8080 }],
  }),
  ...meshApp('server', 'web', { sa: 'web' }),
  ...meshApp('server', 'db', {
    servicePorts: [
      { name: 'tcp-db', port: 5432 },
      { name: 'pg', port: 5433, appProtocol: 'tcp' },
      { name: 'http-admin', port: 8080 },
    ],
  }),
  namespace('legacy'),
  deployment('legacy', 'old'),
  ...meshApp('legacy', 'plain'),
  namespace('amb', { 'istio.io/dataplane-mode': 'ambient' }),
  ...meshApp('amb', 'z'),
];

/** A policy in the server namespace selecting `app` (default api). */
function ap(name: string, spec: K8sObject, app = 'api'): K8sObject {
  return authorizationPolicy('server', name, {
    selector: { matchLabels: { app } },
    ...spec,
  });
}
const from = (source: K8sObject) => ({ from: [{ source }] });
const to = (operation: K8sObject) => ({ to: [{ operation }] });

type Query = Omit<CheckQuery, 'to'> & { to?: string };

interface AuthzCase {
  name: string;
  policies: K8sObject[];
  extra?: K8sObject[];
  checks: [Query, Decision][];
}

const c = 'client/c';
const other = 'client/other';
const web = 'server/web';
const pCaller = 'cluster.local/ns/client/sa/caller';
const pOther = 'cluster.local/ns/client/sa/other';

function run(cases: AuthzCase[]) {
  it.each(cases)('$name', ({ policies, extra = [], checks }) => {
    const m = model(...mesh, ...extra, ...policies);
    for (const [query, decision] of checks) {
      const q = { to: 'server/api', port: 8080, ...query };
      const result = check(m, q);
      expect({ query: q, decision: result.decision }).toEqual({
        query: q,
        decision,
      });
    }
  });
}

// https://istio.io/latest/docs/concepts/security/#authorization-policies
describe('policy actions and scope', () => {
  run([
    {
      name: 'no policy → ALLOW',
      policies: [],
      checks: [[{ from: c }, 'ALLOW']],
    },
    {
      name: 'spec: {} → DENY (allow nothing)',
      policies: [authorizationPolicy('server', 'allow-nothing', {})],
      checks: [
        [{ from: c }, 'DENY'],
        [{ from: c, to: web }, 'DENY'],
      ],
    },
    {
      name: 'ALLOW with an empty rules list → DENY',
      policies: [ap('p', { rules: [] })],
      checks: [[{ from: c }, 'DENY']],
    },
    {
      name: 'ALLOW with rules [{}] → ALLOW',
      policies: [ap('p', { rules: [{}] })],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: 'plaintext' }, 'ALLOW'],
      ],
    },
    {
      name: 'DENY with no rules denies nothing',
      policies: [ap('p', { action: 'DENY' })],
      checks: [[{ from: c }, 'ALLOW']],
    },
    {
      name: 'DENY wins over ALLOW',
      policies: [
        ap('allow-all', { rules: [{}] }),
        ap('deny-all', { action: 'DENY', rules: [{}] }),
      ],
      checks: [[{ from: c }, 'DENY']],
    },
    {
      name: 'AUDIT alone changes nothing',
      policies: [ap('audit', { action: 'AUDIT', rules: [{}] })],
      checks: [[{ from: c }, 'ALLOW']],
    },
    {
      name: 'AUDIT does not admit what an ALLOW policy leaves out',
      policies: [
        ap('audit', { action: 'AUDIT', rules: [{}] }),
        ap('allow-nothing', {}),
      ],
      checks: [[{ from: c }, 'DENY']],
    },
    {
      name: 'CUSTOM defers to the provider → CONDITIONAL',
      policies: [
        ap('ext', {
          action: 'CUSTOM',
          provider: { name: 'ext-authz' },
          rules: [to({ paths: ['/admin*'] })],
        }),
      ],
      checks: [
        [{ from: c, path: '/admin/x' }, 'CONDITIONAL'],
        [{ from: c, path: '/public' }, 'ALLOW'],
      ],
    },
    {
      name: 'a root-namespace policy without selector applies mesh-wide',
      policies: [authorizationPolicy('istio-system', 'deny-all', {})],
      checks: [
        [{ from: c }, 'DENY'],
        [{ from: c, to: 'amb/z' }, 'DENY'],
      ],
    },
    {
      name: 'a root-namespace selector matches in every namespace',
      policies: [
        authorizationPolicy('istio-system', 'api-only', {
          selector: { matchLabels: { app: 'api' } },
        }),
      ],
      checks: [
        [{ from: c }, 'DENY'],
        [{ from: c, to: web }, 'ALLOW'],
      ],
    },
    {
      name: 'a policy in another namespace does not apply',
      policies: [authorizationPolicy('client', 'allow-nothing', {})],
      checks: [[{ from: c }, 'ALLOW']],
    },
    {
      name: 'a selector that does not match does not apply',
      policies: [ap('p', {}, 'web')],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: c, to: web }, 'DENY'],
      ],
    },
    {
      name: 'a policy bound with targetRefs is not enforced by the sidecar',
      policies: [
        authorizationPolicy('server', 'waypoint', {
          targetRefs: [{ kind: 'Service', group: '', name: 'api' }],
          action: 'DENY',
          rules: [{}],
        }),
      ],
      checks: [[{ from: c }, 'ALLOW']],
    },
  ]);
});

// https://istio.io/latest/docs/reference/config/security/authorization-policy/#Source
describe('sources', () => {
  run([
    {
      name: 'principals: exact',
      policies: [ap('p', { rules: [from({ principals: [pCaller] })] })],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: other }, 'DENY'],
        [{ from: `principal:${pCaller}` }, 'ALLOW'],
      ],
    },
    {
      name: 'principals: prefix*',
      policies: [
        ap('p', {
          rules: [from({ principals: ['cluster.local/ns/client/*'] })],
        }),
      ],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: other }, 'ALLOW'],
        [{ from: web }, 'DENY'],
      ],
    },
    {
      name: 'principals: *suffix',
      extra: [skipTrustDomainValidation],
      policies: [ap('p', { rules: [from({ principals: ['*/sa/caller'] })] })],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: other }, 'DENY'],
        [{ from: 'principal:elsewhere.example/ns/x/sa/caller' }, 'ALLOW'],
      ],
    },
    {
      name: 'principals: * is any authenticated caller; plaintext fails it',
      extra: [skipTrustDomainValidation],
      policies: [ap('p', { rules: [from({ principals: ['*'] })] })],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: 'principal:foreign.example/ns/x/sa/y' }, 'ALLOW'],
        [{ from: 'plaintext' }, 'DENY'],
        [{ from: 'legacy/old' }, 'DENY'],
      ],
    },
    {
      name: 'notPrincipals: a plaintext caller (no principal) passes it',
      policies: [ap('p', { rules: [from({ notPrincipals: [pOther] })] })],
      checks: [
        [{ from: 'plaintext' }, 'ALLOW'],
        [{ from: c }, 'ALLOW'],
        [{ from: other }, 'DENY'],
      ],
    },
    {
      name: 'namespaces',
      policies: [ap('p', { rules: [from({ namespaces: ['client'] })] })],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: web }, 'DENY'],
        [{ from: 'plaintext' }, 'DENY'],
      ],
    },
    {
      name: 'namespaces with prefix and suffix wildcards',
      policies: [
        ap('p', {
          rules: [
            from({ namespaces: ['cli*'] }),
            from({ namespaces: ['*gacy'] }),
          ],
        }),
      ],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: web }, 'DENY'],
      ],
    },
    {
      name: 'notNamespaces (plaintext passes it)',
      policies: [ap('p', { rules: [from({ notNamespaces: ['client'] })] })],
      checks: [
        [{ from: c }, 'DENY'],
        [{ from: web }, 'ALLOW'],
        [{ from: 'plaintext' }, 'ALLOW'],
      ],
    },
    {
      name: 'namespaces and principals in one source must both match',
      policies: [
        ap('p', {
          rules: [from({ namespaces: ['client'], notPrincipals: [pOther] })],
        }),
      ],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: other }, 'DENY'],
      ],
    },
    {
      name: 'serviceAccounts NAMESPACE/NAME',
      extra: [skipTrustDomainValidation],
      policies: [
        ap('p', { rules: [from({ serviceAccounts: ['client/caller'] })] }),
      ],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: other }, 'DENY'],
        [{ from: 'principal:other.example/ns/client/sa/caller' }, 'ALLOW'],
      ],
    },
    {
      // A bare name is a ServiceAccount of the policy's namespace (serviceAccountRegex
      // in pilot/pkg/security/authz/model/generator.go).
      name: 'serviceAccounts NAME is in the policy namespace',
      policies: [ap('p', { rules: [from({ serviceAccounts: ['web'] })] })],
      checks: [
        [{ from: web }, 'ALLOW'],
        [{ from: c }, 'DENY'],
      ],
    },
    {
      name: 'notServiceAccounts',
      policies: [
        ap('p', { rules: [from({ notServiceAccounts: ['client/other'] })] }),
      ],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: other }, 'DENY'],
      ],
    },
    {
      name: 'several sources: any one matches',
      policies: [
        ap('p', {
          rules: [
            {
              from: [
                { source: { principals: [pOther] } },
                { source: { namespaces: ['server'] } },
              ],
            },
          ],
        }),
      ],
      checks: [
        [{ from: c }, 'DENY'],
        [{ from: other }, 'ALLOW'],
        [{ from: web }, 'ALLOW'],
      ],
    },
    {
      name: 'ipBlocks cannot be known → CONDITIONAL',
      policies: [ap('p', { rules: [from({ ipBlocks: ['10.0.0.0/8'] })] })],
      checks: [[{ from: c }, 'CONDITIONAL']],
    },
  ]);
});

// https://istio.io/latest/docs/tasks/security/authorization/authz-td-migration/ and
// pilot/pkg/security/trustdomain/bundle.go
describe('trust domains', () => {
  const td = [meshConfigMap('new.td', ['old.td'])];
  run([
    {
      name: 'a policy for an alias trust domain matches the local one',
      extra: td,
      policies: [
        ap('p', {
          rules: [from({ principals: ['old.td/ns/client/sa/caller'] })],
        }),
      ],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: other }, 'DENY'],
      ],
    },
    {
      name: 'a caller from an alias trust domain matches a policy for the local one',
      extra: td,
      policies: [
        ap('p', {
          rules: [from({ principals: ['new.td/ns/client/sa/caller'] })],
        }),
      ],
      checks: [
        [{ from: 'principal:old.td/ns/client/sa/caller' }, 'ALLOW'],
        [{ from: 'principal:new.td/ns/client/sa/caller' }, 'ALLOW'],
        [{ from: 'principal:third.td/ns/client/sa/caller' }, 'DENY'],
      ],
    },
    {
      name: 'cluster.local in a policy stands for the local trust domain',
      extra: td,
      policies: [ap('p', { rules: [from({ principals: [pCaller] })] })],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: 'principal:old.td/ns/client/sa/caller' }, 'ALLOW'],
      ],
    },
    {
      name: 'a foreign trust domain is kept literal',
      extra: [...td, skipTrustDomainValidation],
      policies: [
        ap('p', {
          rules: [from({ principals: ['foreign.td/ns/client/sa/caller'] })],
        }),
      ],
      checks: [
        [{ from: c }, 'DENY'],
        [{ from: 'principal:foreign.td/ns/client/sa/caller' }, 'ALLOW'],
      ],
    },
    {
      name: 'source.principal conditions are rewritten too',
      extra: td,
      policies: [
        ap('p', {
          rules: [
            {
              when: [
                {
                  key: 'source.principal',
                  values: ['old.td/ns/client/sa/caller'],
                },
              ],
            },
          ],
        }),
      ],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: other }, 'DENY'],
      ],
    },
    {
      name: 'notPrincipals are rewritten too',
      extra: td,
      policies: [
        ap('p', {
          rules: [from({ notPrincipals: ['old.td/ns/client/sa/other'] })],
        }),
      ],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: other }, 'DENY'],
      ],
    },
    {
      // isTrustDomainBeingEnforced: only TD/ns/NS/sa/SA (five parts) is rewritten.
      name: 'a principal of another shape is kept literal (TD/ns/NS/*)',
      extra: [...td, skipTrustDomainValidation],
      policies: [
        ap('p', {
          rules: [from({ principals: ['cluster.local/ns/client/*'] })],
        }),
      ],
      checks: [
        [{ from: c }, 'DENY'],
        [{ from: 'principal:cluster.local/ns/client/sa/caller' }, 'ALLOW'],
      ],
    },
    {
      name: 'TD/ns/NS/sa/* is rewritten',
      extra: td,
      policies: [
        ap('p', {
          rules: [from({ principals: ['cluster.local/ns/client/sa/*'] })],
        }),
      ],
      checks: [[{ from: c }, 'ALLOW']],
    },
  ]);

  it.each([
    ['td1/ns/a/sa/b', ['td1/ns/a/sa/b', 'td0/ns/a/sa/b']],
    ['td0/ns/a/sa/b', ['td1/ns/a/sa/b', 'td0/ns/a/sa/b']],
    ['cluster.local/ns/a/sa/b', ['td1/ns/a/sa/b', 'td0/ns/a/sa/b']],
    ['cluster.local/ns/a/sa/*', ['td1/ns/a/sa/*', 'td0/ns/a/sa/*']],
    ['other/ns/a/sa/b', ['other/ns/a/sa/b']],
    ['*/ns/a/sa/b', ['*/ns/a/sa/b']],
    ['*td1/ns/a/sa/b', ['*td1/ns/a/sa/b']],
    ['cluster.local/ns/a/*', ['cluster.local/ns/a/*']],
    ['td1/ns/a/sa/b/c', ['td1/ns/a/sa/b/c']],
    ['*', ['*']],
    ['prefix*', ['prefix*']],
  ])('expandPrincipal(%s) = %j', (pattern, want) => {
    expect(expandPrincipal(pattern, { local: ['td1', 'td0'] })).toEqual(want);
  });
});

// Source.trust_domains / not_trust_domains in istio/api security/v1beta1/authorization_policy.proto
// (release-1.31); srcTrustDomainGenerator in pilot/pkg/security/authz/model/generator.go;
// ExpandTrustDomainAliases in pilot/pkg/security/trustdomain/bundle.go.
describe('trustDomains and notTrustDomains', () => {
  const td = [meshConfigMap('new.td', ['old.td'])];
  const foreign = 'principal:foreign.td/ns/client/sa/caller';
  run([
    {
      name: 'trustDomains: the local trust domain admits its workloads; plaintext fails it',
      extra: td,
      policies: [ap('p', { rules: [from({ trustDomains: ['new.td'] })] })],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: 'plaintext' }, 'DENY'],
      ],
    },
    {
      name: 'trustDomains: an alias expands to the local trust domain and every alias',
      extra: td,
      policies: [ap('p', { rules: [from({ trustDomains: ['old.td'] })] })],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: 'principal:old.td/ns/x/sa/y' }, 'ALLOW'],
      ],
    },
    {
      // Unlike in principals, cluster.local is no pointer to the local trust domain.
      name: 'trustDomains: cluster.local is literal where it is not the trust domain',
      extra: td,
      policies: [
        ap('p', { rules: [from({ trustDomains: ['cluster.local'] })] }),
      ],
      checks: [[{ from: c }, 'DENY']],
    },
    {
      name: 'trustDomains: a foreign trust domain, prefix and suffix (peer validation skipped)',
      extra: [...td, skipTrustDomainValidation],
      policies: [
        ap('p', {
          rules: [from({ trustDomains: ['foreign.td', 'pre*', '*.suffix'] })],
        }),
      ],
      checks: [
        [{ from: foreign }, 'ALLOW'],
        [{ from: 'principal:prefixed/ns/a/sa/b' }, 'ALLOW'],
        [{ from: 'principal:a.suffix/ns/a/sa/b' }, 'ALLOW'],
        [{ from: c }, 'DENY'],
      ],
    },
    {
      name: 'notTrustDomains: denies the named domain, admits the rest',
      extra: td,
      policies: [
        ap('p', {
          action: 'DENY',
          rules: [from({ notTrustDomains: ['new.td'] })],
        }),
      ],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: 'principal:old.td/ns/x/sa/y' }, 'ALLOW'],
        [{ from: 'plaintext' }, 'DENY'],
      ],
    },
    {
      name: 'when source.trustDomain is read the same way',
      extra: td,
      policies: [
        ap('p', {
          rules: [
            { when: [{ key: 'source.trustDomain', values: ['old.td'] }] },
          ],
        }),
      ],
      checks: [[{ from: c }, 'ALLOW']],
    },
  ]);
});

// TrustDomainsForValidation in pilot/pkg/networking/plugin/authn/util.go (the sidecar's
// SAN matchers); ztunnel's TrustDomainVerifier in src/tls/workload.rs (release-1.31).
describe("the peer's trust domain at the handshake", () => {
  const td = meshConfigMap('new.td', ['old.td']);
  const z = { to: 'amb/z' };
  run([
    {
      name: 'a sidecar refuses a peer of another trust domain, whatever the policies say',
      extra: [td],
      policies: [ap('p', { rules: [{}] })],
      checks: [
        [{ from: 'principal:foreign.td/ns/client/sa/caller' }, 'DENY'],
        [{ from: 'principal:old.td/ns/client/sa/caller' }, 'ALLOW'],
        [{ from: 'principal:new.td/ns/client/sa/caller' }, 'ALLOW'],
      ],
    },
    {
      // TrustDomainsForValidation adds meshConfig caCertificates[].trustDomains.
      name: "a sidecar accepts the trust domain of one of the mesh's caCertificates",
      extra: [
        meshConfigMap(
          'new.td',
          [],
          'caCertificates:\n  - spiffeBundleUrl: https://foreign.td/bundle\n    trustDomains: [foreign.td]',
        ),
      ],
      policies: [ap('p', { rules: [from({ principals: [pCaller] })] })],
      checks: [
        [{ from: 'principal:foreign.td/ns/client/sa/caller' }, 'DENY'],
        [
          { from: 'principal:foreign.td/ns/client/sa/caller', to: web },
          'ALLOW',
        ],
        [{ from: 'principal:third.td/ns/client/sa/caller', to: web }, 'DENY'],
      ],
    },
    {
      name: 'with PILOT_SKIP_VALIDATE_TRUST_DOMAIN the sidecar accepts it',
      extra: [td, skipTrustDomainValidation],
      policies: [],
      checks: [[{ from: 'principal:foreign.td/ns/client/sa/caller' }, 'ALLOW']],
    },
    {
      name: 'a plaintext peer on a PERMISSIVE port carries no trust domain',
      extra: [td],
      policies: [],
      checks: [[{ from: 'plaintext' }, 'ALLOW']],
    },
    {
      name: 'ztunnel accepts only its own trust domain: no alias, no istiod flag',
      extra: [td, skipTrustDomainValidation],
      policies: [],
      checks: [
        [{ from: 'principal:new.td/ns/client/sa/caller', ...z }, 'ALLOW'],
        [{ from: 'principal:old.td/ns/client/sa/caller', ...z }, 'DENY'],
        [{ from: 'principal:foreign.td/ns/client/sa/caller', ...z }, 'DENY'],
      ],
    },
  ]);

  it('says why in the reason', () => {
    const m = model(...mesh, td);
    const result = check(m, {
      from: 'principal:foreign.td/ns/a/sa/b',
      to: 'server/api',
      port: 8080,
    });
    expect(result.reason).toMatch(
      /accepts only trust domains new.td, old.td .*handshake with trust domain foreign.td fails/,
    );
  });
});

describe('ambient server: principals and trust domains as ztunnel reads them', () => {
  const z = { to: 'amb/z' };
  const td = meshConfigMap('new.td', ['old.td']);
  run([
    {
      // stringToMatch in pilot/pkg/serviceregistry/ambient/authorization.go: no
      // trust domain rewriting, unlike the sidecar's ReplaceTrustDomainAliases.
      name: 'cluster.local in a principal is literal for ztunnel',
      extra: [td],
      policies: [
        authorizationPolicy('amb', 'p', {
          rules: [from({ principals: ['cluster.local/ns/client/sa/caller'] })],
        }),
      ],
      checks: [[{ from: c, ...z }, 'DENY']],
    },
    {
      name: 'the written trust domain matches for ztunnel',
      extra: [td],
      policies: [
        authorizationPolicy('amb', 'p', {
          rules: [from({ principals: ['new.td/ns/client/sa/caller'] })],
        }),
      ],
      checks: [[{ from: c, ...z }, 'ALLOW']],
    },
    {
      // handleRule does not carry trustDomains: the source is an empty match, which
      // ztunnel skips, so the rule never matches.
      name: 'trustDomains alone: the ALLOW rule never matches on ztunnel',
      extra: [td],
      policies: [
        authorizationPolicy('amb', 'p', {
          rules: [from({ trustDomains: ['new.td'] })],
        }),
      ],
      checks: [[{ from: c, ...z }, 'DENY']],
    },
    {
      name: 'trustDomains beside namespaces: ztunnel reads only the namespaces',
      extra: [td],
      policies: [
        authorizationPolicy('amb', 'p', {
          rules: [
            from({ namespaces: ['client'], notTrustDomains: ['new.td'] }),
          ],
        }),
      ],
      checks: [[{ from: c, ...z }, 'ALLOW']],
    },
    {
      name: 'an ALLOW rule with a when key ztunnel cannot read is dropped',
      policies: [
        authorizationPolicy('amb', 'p', {
          rules: [
            {
              from: [{ source: { namespaces: ['client'] } }],
              when: [
                { key: 'source.serviceAccount', values: ['client/caller'] },
              ],
            },
          ],
        }),
      ],
      checks: [[{ from: c, ...z }, 'DENY']],
    },
  ]);
});

// https://istio.io/latest/docs/setup/additional-setup/gateway/: a gateway Deployment is
// injected with the `gateway` template (inject.istio.io/templates) and runs as its own
// service account, so its proxy presents that identity to the services it calls.
describe('gateways as callers', () => {
  const gatewayDeployment = deployment('ingress', 'gw', {
    sa: 'ingress-gw',
    labels: { istio: 'ingressgateway', 'sidecar.istio.io/inject': 'true' },
    annotations: { 'inject.istio.io/templates': 'gateway' },
  });
  run([
    {
      name: "a gateway calls with its own service account's identity",
      extra: [namespace('ingress'), gatewayDeployment],
      policies: [
        ap('p', {
          rules: [
            from({ principals: ['cluster.local/ns/ingress/sa/ingress-gw'] }),
          ],
        }),
      ],
      checks: [
        [{ from: 'ingress/gw' }, 'ALLOW'],
        [{ from: c }, 'DENY'],
      ],
    },
    {
      name: 'a policy naming another identity does not admit the gateway',
      extra: [namespace('ingress'), gatewayDeployment],
      policies: [
        ap('p', {
          rules: [
            from({ principals: ['cluster.local/ns/ingress/sa/default'] }),
          ],
        }),
      ],
      checks: [[{ from: 'ingress/gw' }, 'DENY']],
    },
  ]);

  it('its connection is mTLS, like a sidecar client', () => {
    const m = model(...mesh, namespace('ingress'), gatewayDeployment);
    const result = check(m, {
      from: 'ingress/gw',
      to: 'server/api',
      port: 8080,
    });
    expect(result.mtls).toBe(true);
    expect(result.reason).toMatch(/auto mTLS/);
  });
});

describe('across clusters', () => {
  const clusters = (policy: K8sObject) =>
    multiClusterModel({
      a: [
        meshConfigMap('a.example'),
        skipTrustDomainValidation,
        namespace('server', injected),
        ...meshApp('server', 'api'),
        policy,
      ],
      b: [
        meshConfigMap('b.example'),
        namespace('x', injected),
        deployment('x', 'c', { sa: 'y' }),
      ],
    });

  it('a caller of another trust domain is refused without PILOT_SKIP_VALIDATE_TRUST_DOMAIN', () => {
    const m = multiClusterModel({
      a: [
        meshConfigMap('a.example'),
        namespace('server', injected),
        ...meshApp('server', 'api'),
      ],
      b: [
        meshConfigMap('b.example'),
        namespace('x', injected),
        deployment('x', 'c', { sa: 'y' }),
      ],
    });
    expect(
      check(m, { from: 'b/x/c', to: 'a/server/api', port: 8080 }).decision,
    ).toBe('DENY');
  });

  it.each([
    [
      'principals b.example/ns/x/sa/y',
      { principals: ['b.example/ns/x/sa/y'] },
      'ALLOW',
    ],
    [
      'principals a.example/ns/x/sa/y',
      { principals: ['a.example/ns/x/sa/y'] },
      'DENY',
    ],
    [
      'principals cluster.local/ns/x/sa/y',
      { principals: ['cluster.local/ns/x/sa/y'] },
      'DENY',
    ],
    ['namespaces x (any trust domain)', { namespaces: ['x'] }, 'ALLOW'],
    [
      'serviceAccounts x/y (any trust domain)',
      { serviceAccounts: ['x/y'] },
      'ALLOW',
    ],
  ])(
    'a caller in cluster b against %s in cluster a → %s',
    (_, source, decision) => {
      const m = clusters(
        authorizationPolicy('server', 'p', { rules: [from(source)] }),
      );
      const result = check(m, {
        from: 'b/x/c',
        to: 'a/server/api',
        port: 8080,
      });
      expect(result.decision).toBe(decision);
      expect(result.mtls).toBe(true);
    },
  );
});

// isDryRun and build in pilot/pkg/security/authz/builder/builder.go (release-1.31): a
// dry-run policy goes into the RBAC filter's shadow rules;
// https://istio.io/latest/docs/tasks/security/authorization/authz-dry-run/
describe('dry-run policies (istio.io/dry-run)', () => {
  const dry = (policy: K8sObject, value = 'true') => ({
    ...policy,
    metadata: {
      ...policy.metadata,
      annotations: { 'istio.io/dry-run': value },
    },
  });
  const z = { to: 'amb/z' };
  run([
    {
      name: 'a dry-run DENY denies nothing',
      policies: [dry(ap('deny', { action: 'DENY', rules: [{}] }))],
      checks: [[{ from: c }, 'ALLOW']],
    },
    {
      name: 'a dry-run ALLOW alone does not make the workload deny-by-default',
      policies: [dry(ap('allow', { rules: [from({ principals: [pOther] })] }))],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: 'plaintext' }, 'ALLOW'],
      ],
    },
    {
      name: 'a dry-run allow-nothing policy does not deny the namespace',
      policies: [dry(authorizationPolicy('server', 'allow-nothing', {}))],
      checks: [[{ from: c, to: web }, 'ALLOW']],
    },
    {
      name: 'an enforced ALLOW beside a dry-run ALLOW decides alone',
      policies: [
        ap('allow', { rules: [from({ principals: [pCaller] })] }),
        dry(ap('allow-other', { rules: [from({ principals: [pOther] })] })),
      ],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: other }, 'DENY'],
      ],
    },
    {
      // strconv.ParseBool: "True" and "1" are true; anything unparsable is false.
      name: 'the annotation is read as Go parses a bool',
      policies: [
        dry(ap('deny-1', { action: 'DENY', rules: [{}] }), '1'),
        dry(ap('deny-true', { action: 'DENY', rules: [{}] }), 'True'),
        dry(
          ap('deny-yes', {
            action: 'DENY',
            rules: [from({ principals: [pOther] })],
          }),
          'yes',
        ),
      ],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: other }, 'DENY'],
      ],
    },
    {
      // "limitation: dry-run CUSTOM policies still call ext_authz" (builder.go).
      name: 'a dry-run CUSTOM policy still defers to its provider on a sidecar',
      policies: [
        dry(
          ap('ext', {
            action: 'CUSTOM',
            provider: { name: 'ext-authz' },
            rules: [{}],
          }),
        ),
      ],
      checks: [[{ from: c }, 'CONDITIONAL']],
    },
    {
      // convertAuthorizationPolicy (pilot/pkg/serviceregistry/ambient/authorization.go)
      // drops it unless AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY, then ztunnel logs it.
      name: 'ztunnel does not enforce a dry-run DENY',
      policies: [
        dry(
          authorizationPolicy('amb', 'deny', { action: 'DENY', rules: [{}] }),
        ),
      ],
      checks: [[{ from: c, ...z }, 'ALLOW']],
    },
  ]);

  it('analyze shows dry-run policies apart, with the callers they would deny', () => {
    const m = model(
      ...mesh,
      dry(ap('allow', { rules: [from({ principals: [pCaller] })] })),
    );
    const view = workloadView(m.resolveWorkload('server/api'), m);
    expect(view.policies).toEqual([]);
    expect(view.dryRun?.policies).toEqual(['server/allow']);
    expect(view.dryRun?.wouldDeny).toEqual(
      expect.arrayContaining([
        'c1/client/other',
        'c1/server/web',
        'anyone, plaintext callers included',
      ]),
    );
    expect(view.dryRun?.wouldDeny).not.toContain('c1/client/c');
    expect(view.dryRun?.wouldAllow).toEqual([]);
    expect(workloadView(m.resolveWorkload('server/web'), m).dryRun).toBe(
      undefined,
    );
  });
});

// https://istio.io/latest/docs/reference/config/security/authorization-policy/#Operation
describe('operations', () => {
  run([
    {
      name: 'ports are target ports (Service port 80 → targetPort 8080)',
      policies: [ap('p', { rules: [to({ ports: ['8080'] })] })],
      checks: [[{ from: c, port: 8080 }, 'ALLOW']],
    },
    {
      name: 'a Service port in ports does not match',
      policies: [ap('p', { rules: [to({ ports: ['80'] })] })],
      checks: [[{ from: c, port: 8080 }, 'DENY']],
    },
    {
      name: 'notPorts',
      policies: [ap('p', { rules: [to({ notPorts: ['8080'] })] })],
      checks: [[{ from: c, port: 8080 }, 'DENY']],
    },
    {
      name: 'methods',
      policies: [ap('p', { rules: [to({ methods: ['GET', 'HEAD'] })] })],
      checks: [
        [{ from: c, method: 'GET' }, 'ALLOW'],
        [{ from: c, method: 'POST' }, 'DENY'],
        [{ from: c }, 'CONDITIONAL'],
      ],
    },
    {
      name: 'notMethods',
      policies: [ap('p', { rules: [to({ notMethods: ['DELETE'] })] })],
      checks: [
        [{ from: c, method: 'GET' }, 'ALLOW'],
        [{ from: c, method: 'DELETE' }, 'DENY'],
        [{ from: c }, 'CONDITIONAL'],
      ],
    },
    {
      name: 'methods given to a DENY policy, request method omitted → CONDITIONAL',
      policies: [
        ap('p', { action: 'DENY', rules: [to({ methods: ['DELETE'] })] }),
      ],
      checks: [
        [{ from: c }, 'CONDITIONAL'],
        [{ from: c, method: 'GET' }, 'ALLOW'],
        [{ from: c, method: 'DELETE' }, 'DENY'],
      ],
    },
    {
      name: 'paths: prefix',
      policies: [ap('p', { rules: [to({ paths: ['/api/*'] })] })],
      checks: [
        [{ from: c, path: '/api/v1' }, 'ALLOW'],
        [{ from: c, path: '/other' }, 'DENY'],
        [{ from: c }, 'CONDITIONAL'],
      ],
    },
    {
      name: 'paths: suffix',
      policies: [ap('p', { rules: [to({ paths: ['*/health'] })] })],
      checks: [
        [{ from: c, path: '/v1/health' }, 'ALLOW'],
        [{ from: c, path: '/v1/healthz' }, 'DENY'],
      ],
    },
    {
      name: 'paths: exact',
      policies: [ap('p', { rules: [to({ paths: ['/exact'] })] })],
      checks: [
        [{ from: c, path: '/exact' }, 'ALLOW'],
        [{ from: c, path: '/exact/more' }, 'DENY'],
      ],
    },
    {
      name: 'paths: template {*} is one segment',
      policies: [ap('p', { rules: [to({ paths: ['/users/{*}/profile'] })] })],
      checks: [
        [{ from: c, path: '/users/7/profile' }, 'ALLOW'],
        [{ from: c, path: '/users/7/8/profile' }, 'DENY'],
        [{ from: c, path: '/users//profile' }, 'DENY'],
      ],
    },
    {
      name: 'paths: template {**} is one or more segments',
      policies: [ap('p', { rules: [to({ paths: ['/files/{**}'] })] })],
      checks: [
        [{ from: c, path: '/files/a' }, 'ALLOW'],
        [{ from: c, path: '/files/a/b/c' }, 'ALLOW'],
        [{ from: c, path: '/other/a' }, 'DENY'],
      ],
    },
    {
      name: 'notPaths',
      policies: [ap('p', { rules: [to({ notPaths: ['/admin*'] })] })],
      checks: [
        [{ from: c, path: '/public' }, 'ALLOW'],
        [{ from: c, path: '/admin/users' }, 'DENY'],
      ],
    },
    {
      name: 'hosts are case-insensitive',
      policies: [ap('p', { rules: [to({ hosts: ['API.Example.com'] })] })],
      checks: [
        [{ from: c, host: 'api.example.COM' }, 'ALLOW'],
        [{ from: c, host: 'other.example.com' }, 'DENY'],
        [{ from: c }, 'CONDITIONAL'],
      ],
    },
    {
      name: 'hosts with a wildcard, case-insensitive',
      policies: [ap('p', { rules: [to({ hosts: ['*.example.com'] })] })],
      checks: [
        [{ from: c, host: 'API.EXAMPLE.COM' }, 'ALLOW'],
        [{ from: c, host: 'api.example.org' }, 'DENY'],
      ],
    },
    {
      name: 'notHosts',
      policies: [
        ap('p', { rules: [to({ notHosts: ['internal.example.com'] })] }),
      ],
      checks: [
        [{ from: c, host: 'Internal.Example.com' }, 'DENY'],
        [{ from: c, host: 'public.example.com' }, 'ALLOW'],
      ],
    },
    {
      name: 'from and to must both match',
      policies: [
        ap('p', {
          rules: [
            { ...from({ principals: [pCaller] }), ...to({ methods: ['GET'] }) },
          ],
        }),
      ],
      checks: [
        [{ from: c, method: 'GET' }, 'ALLOW'],
        [{ from: c, method: 'POST' }, 'DENY'],
        [{ from: other, method: 'GET' }, 'DENY'],
        [{ from: other }, 'DENY'],
      ],
    },
  ]);
});

// https://istio.io/latest/docs/reference/config/security/conditions/
describe('conditions', () => {
  run([
    {
      name: 'when source.namespace values',
      policies: [
        ap('p', {
          rules: [{ when: [{ key: 'source.namespace', values: ['client'] }] }],
        }),
      ],
      checks: [
        [{ from: c }, 'ALLOW'],
        [{ from: web }, 'DENY'],
      ],
    },
    {
      name: 'when source.namespace notValues',
      policies: [
        ap('p', {
          rules: [
            { when: [{ key: 'source.namespace', notValues: ['client'] }] },
          ],
        }),
      ],
      checks: [
        [{ from: c }, 'DENY'],
        [{ from: web }, 'ALLOW'],
      ],
    },
    {
      name: 'when destination.port',
      policies: [
        ap(
          'p',
          {
            rules: [{ when: [{ key: 'destination.port', values: ['8080'] }] }],
          },
          'db',
        ),
      ],
      checks: [
        [{ from: c, to: 'server/db', port: 8080 }, 'ALLOW'],
        [{ from: c, to: 'server/db', port: 5432 }, 'DENY'],
      ],
    },
    {
      name: 'when request.headers → CONDITIONAL',
      policies: [
        ap('p', {
          rules: [
            { when: [{ key: 'request.headers[x-user]', values: ['a'] }] },
          ],
        }),
      ],
      checks: [[{ from: c }, 'CONDITIONAL']],
    },
    {
      name: 'when request.auth.claims and requestPrincipals → CONDITIONAL',
      policies: [
        ap('p', {
          rules: [
            {
              ...from({ requestPrincipals: ['https://issuer/*'] }),
              when: [
                { key: 'request.auth.claims[iss]', values: ['https://issuer'] },
              ],
            },
          ],
        }),
      ],
      checks: [[{ from: c }, 'CONDITIONAL']],
    },
    {
      name: 'a known condition that fails beats an unknown one',
      policies: [
        ap('p', {
          rules: [
            {
              when: [
                { key: 'source.namespace', values: ['server'] },
                { key: 'request.headers[x-user]', values: ['a'] },
              ],
            },
          ],
        }),
      ],
      checks: [
        [{ from: c }, 'DENY'],
        [{ from: web }, 'CONDITIONAL'],
      ],
    },
  ]);
});

// pilot/pkg/security/authz/model/model.go (checkError) and
// https://istio.io/latest/docs/ops/configuration/security/security-policy-examples/
describe('HTTP-only fields on a TCP port', () => {
  const db = (port: number) => ({ to: 'server/db', port });
  run([
    {
      name: 'an ALLOW rule with methods never matches on a tcp-… port',
      policies: [ap('p', { rules: [to({ methods: ['GET'] })] }, 'db')],
      checks: [
        [{ from: c, ...db(5432), method: 'GET' }, 'DENY'],
        [{ from: c, ...db(5433), method: 'GET' }, 'DENY'],
        [{ from: c, ...db(8080), method: 'GET' }, 'ALLOW'],
      ],
    },
    {
      name: 'an ALLOW rule with a principal and methods never matches on TCP',
      policies: [
        ap(
          'p',
          {
            rules: [
              {
                ...from({ principals: [pCaller] }),
                ...to({ methods: ['GET'] }),
              },
            ],
          },
          'db',
        ),
      ],
      checks: [[{ from: c, ...db(5432), method: 'GET' }, 'DENY']],
    },
    {
      name: 'an ALLOW rule with requestPrincipals or request.headers never matches on TCP',
      policies: [
        ap(
          'p',
          {
            rules: [
              from({ requestPrincipals: ['*'] }),
              { when: [{ key: 'request.headers[x]', values: ['y'] }] },
            ],
          },
          'db',
        ),
      ],
      checks: [
        [{ from: c, ...db(5432) }, 'DENY'],
        [{ from: c, ...db(8080) }, 'CONDITIONAL'],
      ],
    },
    {
      name: 'other rules of the ALLOW policy still match on TCP',
      policies: [
        ap(
          'p',
          {
            rules: [to({ methods: ['GET'] }), from({ namespaces: ['client'] })],
          },
          'db',
        ),
      ],
      checks: [
        [{ from: c, ...db(5432) }, 'ALLOW'],
        [{ from: web, ...db(5432) }, 'DENY'],
      ],
    },
    {
      name: 'an ALLOW rule with only ports works on TCP',
      policies: [ap('p', { rules: [to({ ports: ['5432'] })] }, 'db')],
      checks: [
        [{ from: c, ...db(5432) }, 'ALLOW'],
        [{ from: c, ...db(5433) }, 'DENY'],
      ],
    },
    {
      name: 'a DENY rule with methods drops them and denies everything on a TCP port',
      policies: [
        ap('p', { action: 'DENY', rules: [to({ methods: ['POST'] })] }, 'db'),
      ],
      checks: [
        [{ from: c, ...db(5432), method: 'GET' }, 'DENY'],
        [{ from: c, ...db(5433) }, 'DENY'],
        [{ from: c, ...db(8080), method: 'GET' }, 'ALLOW'],
        [{ from: c, ...db(8080), method: 'POST' }, 'DENY'],
      ],
    },
    {
      name: 'a DENY rule keeps its TCP fields when its HTTP ones are dropped',
      policies: [
        ap(
          'p',
          {
            action: 'DENY',
            rules: [
              {
                ...from({ principals: [pOther] }),
                ...to({ methods: ['POST'] }),
              },
            ],
          },
          'db',
        ),
      ],
      checks: [
        [{ from: c, ...db(5432), method: 'GET' }, 'ALLOW'],
        [{ from: other, ...db(5432), method: 'GET' }, 'DENY'],
      ],
    },
  ]);
});

// pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go (handleRule)
describe('ambient server (ztunnel, no waypoint)', () => {
  const z = { to: 'amb/z' };
  run([
    {
      name: 'an ALLOW rule with methods never matches',
      policies: [
        authorizationPolicy('amb', 'p', { rules: [to({ methods: ['GET'] })] }),
      ],
      checks: [[{ from: c, ...z, method: 'GET' }, 'DENY']],
    },
    {
      name: 'an ALLOW rule with paths never matches',
      policies: [
        authorizationPolicy('amb', 'p', { rules: [to({ paths: ['/api/*'] })] }),
      ],
      checks: [[{ from: c, ...z, path: '/api/x' }, 'DENY']],
    },
    {
      // istiod's status says such a DENY is "enforced without the HTTP rules", but the
      // `to` entry left without a field is an empty match, which ztunnel's
      // Authorization::matches skips (src/rbac.rs): the clause, and the rule, never
      // match. The code is what runs.
      name: 'a DENY rule whose operation has only methods never matches',
      policies: [
        authorizationPolicy('amb', 'p', {
          action: 'DENY',
          rules: [to({ methods: ['POST'] })],
        }),
      ],
      checks: [[{ from: c, ...z, method: 'POST' }, 'ALLOW']],
    },
    {
      name: 'a DENY rule keeps its ports and drops its methods (matches more)',
      policies: [
        authorizationPolicy('amb', 'p', {
          action: 'DENY',
          rules: [to({ ports: ['8080'], methods: ['POST'] })],
        }),
      ],
      checks: [[{ from: c, ...z, method: 'GET' }, 'DENY']],
    },
    {
      name: 'L4 sources are enforced',
      policies: [
        authorizationPolicy('amb', 'p', {
          rules: [from({ namespaces: ['client'] })],
        }),
      ],
      checks: [
        [{ from: c, ...z }, 'ALLOW'],
        [{ from: web, ...z }, 'DENY'],
      ],
    },
    {
      // ztunnel supports only ALLOW and DENY; convertAuthorizationPolicy drops the rest.
      name: 'ztunnel ignores a CUSTOM policy',
      policies: [
        authorizationPolicy('amb', 'ext', {
          action: 'CUSTOM',
          provider: { name: 'ext-authz' },
          rules: [{}],
        }),
      ],
      checks: [[{ from: c, ...z }, 'ALLOW']],
    },
  ]);
});

describe('mTLS and mesh membership', () => {
  const strict = peerAuthentication('server', 'default', { mode: 'STRICT' });
  run([
    {
      name: 'plaintext to a STRICT server → DENY',
      policies: [strict],
      checks: [
        [{ from: 'plaintext' }, 'DENY'],
        [{ from: 'legacy/old' }, 'DENY'],
        [{ from: c }, 'ALLOW'],
      ],
    },
    {
      name: 'plaintext to a PERMISSIVE server with no policy → ALLOW',
      policies: [],
      checks: [
        [{ from: 'plaintext' }, 'ALLOW'],
        [{ from: 'legacy/old' }, 'ALLOW'],
      ],
    },
    {
      name: 'plaintext to PERMISSIVE is evaluated with no principal',
      policies: [ap('p', { rules: [from({ namespaces: ['legacy'] })] })],
      checks: [
        [{ from: 'legacy/old' }, 'DENY'],
        [{ from: 'plaintext' }, 'DENY'],
      ],
    },
    {
      name: 'a server outside the mesh enforces nothing',
      policies: [authorizationPolicy('legacy', 'allow-nothing', {})],
      checks: [
        [{ from: c, to: 'legacy/plain' }, 'ALLOW'],
        [{ from: 'plaintext', to: 'legacy/plain' }, 'ALLOW'],
      ],
    },
    {
      name: 'omitted port with ports that differ → CONDITIONAL',
      policies: [ap('p', { rules: [to({ ports: ['8080'] })] }, 'db')],
      checks: [
        [{ from: c, to: 'server/db', port: undefined }, 'CONDITIONAL'],
        [{ from: c, to: 'server/db', port: 8080 }, 'ALLOW'],
        [{ from: c, to: 'server/db', port: 5432 }, 'DENY'],
      ],
    },
    {
      name: 'omitted port with the same answer everywhere',
      policies: [ap('p', { rules: [{}] }, 'db')],
      checks: [[{ from: c, to: 'server/db', port: undefined }, 'ALLOW']],
    },
  ]);

  it.each([
    ['plaintext', 'STRICT', { decision: 'DENY', mtls: false }],
    ['plaintext', 'PERMISSIVE', { decision: 'ALLOW', mtls: false }],
    ['legacy/old', 'PERMISSIVE', { decision: 'ALLOW', mtls: false }],
    ['client/c', 'STRICT', { decision: 'ALLOW', mtls: true }],
    ['client/c', 'DISABLE', { decision: 'ALLOW', mtls: false }],
  ])('%s → %s server: %j', (caller, mode, want) => {
    const m = model(...mesh, peerAuthentication('server', 'default', { mode }));
    const result = check(m, { from: caller, to: 'server/api', port: 8080 });
    expect({ decision: result.decision, mtls: result.mtls }).toEqual(want);
  });

  it('names the policies that decided', () => {
    const m = model(
      ...mesh,
      ap('allow-callers', { rules: [from({ principals: [pCaller] })] }),
      ap('deny-other', {
        action: 'DENY',
        rules: [from({ principals: [pOther] })],
      }),
    );
    expect(
      check(m, { from: other, to: 'server/api', port: 8080 }),
    ).toMatchObject({ decision: 'DENY', policies: ['server/deny-other'] });
    expect(check(m, { from: c, to: 'server/api', port: 8080 })).toMatchObject({
      decision: 'ALLOW',
      policies: ['server/allow-callers'],
    });
  });
});

describe('string and path matching', () => {
  it.each([
    ['*', 'anything', true],
    ['*', '', false],
    ['abc*', 'abcdef', true],
    ['abc*', 'xabc', false],
    ['*def', 'abcdef', true],
    ['*def', 'defx', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
  ])('stringMatches(%p, %p) = %p', (pattern, value, want) => {
    expect(stringMatches(pattern, value)).toBe(want);
  });

  it.each([
    ['/a/{*}', '/a/b', true],
    ['/a/{*}', '/a/b/c', false],
    ['/a/{*}/c', '/a/b/c', true],
    ['/a/{**}', '/a/b/c/d', true],
    ['/a/{**}', '/a', false],
    ['/a/{*}/{**}', '/a/b/c', true],
    ['/a/{*}/{**}', '/a/b', false],
    ['/a/*', '/a/b/c', true],
  ])('pathMatches(%p, %p) = %p', (pattern, path, want) => {
    expect(pathMatches(pattern, path)).toBe(want);
  });
});
