import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/*
 * The contract's `check`, run as an outside suite runs it: `npx zero-trust check ...`
 * from the repository root, on the Node that runs the tests and on the system's Node.
 * Every expected answer comes from Istio's documentation or source (cited beside it),
 * not from what the engine answers. The snapshot is __fixtures__/conformance (its
 * README says what each folder holds); each run spawns a process, so the queries of
 * one snapshot go in one queries file.
 */

// A few processes per Node, each compiling the TypeScript sources on the fly.
jest.setTimeout(180_000);

const execute = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../../..');
const fixtures = path.join(__dirname, '__fixtures__');
const snapshot = path.join(fixtures, 'conformance');
const lax = path.join(fixtures, 'conformance-lax');
const argo = path.join(fixtures, 'conformance-argo');
const flux = path.join(fixtures, 'conformance-flux');
const examples = path.join(repoRoot, 'examples/clusters');

const nodes = [...new Set([process.execPath, '/usr/bin/node'])].filter(
  existsSync,
);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npx zero-trust ARGS` from the repository root, `node` first on PATH. */
async function npx(node: string, args: string[], input?: string): Promise<Run> {
  const env = {
    ...process.env,
    PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}`,
  };
  if (input !== undefined) {
    return new Promise((resolve, reject) => {
      const child = spawn('npx', ['zero-trust', ...args], {
        cwd: repoRoot,
        env,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', d => {
        stdout += d;
      });
      child.stderr.on('data', d => {
        stderr += d;
      });
      child.on('error', reject);
      child.on('close', code => resolve({ code: code ?? 1, stdout, stderr }));
      child.stdin.end(input);
    });
  }
  try {
    const { stdout, stderr } = await execute('npx', ['zero-trust', ...args], {
      cwd: repoRoot,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as { code: number; stdout: string; stderr: string };
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

interface Query {
  from: string;
  to: string;
  port?: number;
  method?: string;
  path?: string;
  host?: string;
}

interface Case {
  query: Query;
  decision: 'ALLOW' | 'DENY' | 'CONDITIONAL';
  mtls?: boolean;
  /** Policies that must be named as deciding it, and policies that must not be. */
  policies?: string[];
  notPolicies?: string[];
  network?: { decision: string; policies: string[] };
  /** Where Istio says so. */
  why: string;
}

const AP =
  'https://istio.io/latest/docs/reference/config/security/authorization-policy/';
const normalization =
  'https://istio.io/latest/docs/reference/config/security/normalization/ (BASE, the default: RFC 3986 normalization, `.` and `..` resolved; the query is not part of the path: pilot/pkg/security/authz/model/generator.go pathGenerator uses Envoy url_path, which excludes it)';
const tcp =
  'https://istio.io/latest/docs/tasks/security/authorization/authz-tcp/ and checkError in pilot/pkg/security/authz/model/model.go: on a TCP port an ALLOW rule with an HTTP-only field is ignored, a DENY rule is kept without the field (wider)';
const hosts = `${AP}#Operation (hosts: "the match is case-insensitive"); HostMatcher in pilot/pkg/security/authz/model/matcher/header.go: "*x" suffix, "x*" prefix, else exact, each ignoring case`;
const ztunnel =
  'handleRule and hasEffectiveRules in pilot/pkg/serviceregistry/ambient/authorization.go: an ALLOW rule with an HTTP field is dropped; a DENY keeps its L4 fields and a match left empty is skipped by ztunnel (Authorization::matches, ztunnel src/rbac.rs)';
const waypoint =
  'https://istio.io/latest/docs/ambient/usage/l7-features/ and convertAuthorizationPolicy in pilot/pkg/serviceregistry/ambient/authorization.go ("TargetRef is not intended for ztunnel"): a policy bound with targetRefs is enforced at the waypoint against the caller; ztunnel enforces selector policies and sees the waypoint';
const dryRun =
  'https://istio.io/latest/docs/tasks/security/authorization/authz-dry-run/ (istio.io/dry-run: shadow rules, logged, not enforced); ambient: convertAuthorizationPolicy drops it';
const trustDomain =
  'https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/ (trustDomainAliases) and pilot/pkg/features PILOT_SKIP_VALIDATE_TRUST_DOMAIN: the sidecar and ztunnel accept a peer certificate only from the trust domain or an alias';
const rejected =
  'https://istio.io/latest/docs/reference/config/security/normalization/';
const serviceEntry =
  'https://istio.io/latest/docs/reference/config/networking/service-entry/ (workloadSelector: "the endpoints of a service entry can also be dynamically selected ... Kubernetes pods"; the selector searches the ServiceEntry\'s namespace: https://istio.io/latest/docs/reference/config/type/workload-selector/)';
const peerAuthn =
  'https://istio.io/latest/docs/reference/config/security/peer_authentication/ (workload over namespace over mesh, UNSET inherits, portLevelMtls by target port)';

const cases: Case[] = [
  // Sidecar: rules, ports, methods, paths as Istio normalizes them.
  {
    query: {
      from: 'shop/web',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/public/a',
    },
    decision: 'ALLOW',
    mtls: true,
    policies: ['shop/api-allow'],
    notPolicies: ['shop/api-no-web'],
    why: `${AP} (rule 0 matches; auto mTLS between sidecars); api-no-web is dry-run: ${dryRun}`,
  },
  {
    query: {
      from: 'shop/web',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/public/a?x=1',
    },
    decision: 'ALLOW',
    why: normalization,
  },
  {
    query: {
      from: 'shop/web',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/public/a?next=../../admin',
    },
    decision: 'ALLOW',
    why: normalization,
  },
  {
    query: {
      from: 'shop/web',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/public/../admin',
    },
    decision: 'DENY',
    policies: ['shop/api-deny'],
    why: `${normalization}: /admin, which api-deny denies (DENY before ALLOW, ${AP})`,
  },
  {
    query: {
      from: 'shop/web',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/public/./b',
    },
    decision: 'ALLOW',
    why: normalization,
  },
  {
    query: {
      from: 'shop/web',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/PUBLIC/a',
    },
    decision: 'DENY',
    why: `${AP}: paths match case-sensitively (only hosts ignore case)`,
  },
  {
    query: {
      from: 'shop/web',
      to: 'shop/api',
      port: 8080,
      method: 'POST',
      path: '/public/a',
    },
    decision: 'DENY',
    why: `${AP}: ALLOW policies exist and none matches POST: deny`,
  },
  {
    query: { from: 'shop/web', to: 'shop/api', port: 8080, method: 'GET' },
    decision: 'CONDITIONAL',
    why: 'contract: it depends on the omitted path',
  },
  {
    query: {
      from: 'shop/web',
      to: 'shop/api',
      method: 'GET',
      path: '/public/a',
    },
    decision: 'CONDITIONAL',
    why: 'contract: it depends on the omitted port (rule 0 names 8080)',
  },
  {
    query: {
      from: 'shop/web',
      to: 'shop/cart',
      port: 8080,
      method: 'GET',
      path: '/private/x',
    },
    decision: 'CONDITIONAL',
    policies: ['shop/cart-ext'],
    why: `${AP} (CUSTOM is evaluated first and its provider decides)`,
  },
  // Requests the proxy answers 400 before any policy.
  {
    query: {
      from: 'shop/batch',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/public/a%00',
      host: 'api.shop.example',
    },
    decision: 'DENY',
    why: `${rejected} ("%00: the request will always be rejected with HTTP code 400"), though rule 1 admits batch on any path`,
  },
  {
    query: {
      from: 'shop/batch',
      to: 'shop/api',
      port: 8080,
      method: 'get',
      path: '/x',
      host: 'api.shop.example',
    },
    decision: 'DENY',
    why: `${rejected} ("If the verb in the HTTP request is not in upper case, Istio will reject the request with HTTP code 400")`,
  },
  {
    query: {
      from: 'shop/web',
      to: 'pay/ledger',
      port: 8080,
      method: 'get',
      path: '/v1/a',
    },
    decision: 'DENY',
    why: `${rejected}, at the waypoint`,
  },
  {
    query: { from: 'shop/batch', to: 'shop/api', port: 9000, method: 'get' },
    decision: 'ALLOW',
    why: `${rejected}: only where the proxy reads HTTP; port 9000 is TCP`,
  },
  // Protocols: appProtocol over the name's prefix; HTTP-only fields on TCP ports.
  {
    query: { from: 'shop/web', to: 'shop/api', port: 9000 },
    decision: 'DENY',
    why: `port 9000 is TCP (appProtocol: tcp wins over the name http-admin: ConvertProtocol in pkg/config/kube/conversion.go); ${tcp}`,
  },
  {
    query: { from: 'shop/batch', to: 'shop/api', port: 9000 },
    decision: 'ALLOW',
    mtls: true,
    policies: ['shop/api-allow'],
    why: `${AP} (rule 4, ports only)`,
  },
  {
    query: { from: 'shop/batch', to: 'shop/api', port: 9001 },
    decision: 'DENY',
    policies: ['shop/api-deny-tcp'],
    why: tcp,
  },
  // Hosts.
  {
    query: {
      from: 'shop/batch',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/',
      host: 'api.shop.example',
    },
    decision: 'ALLOW',
    why: hosts,
  },
  {
    query: {
      from: 'shop/batch',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/',
      host: 'API.Shop.Example',
    },
    decision: 'ALLOW',
    why: hosts,
  },
  {
    query: {
      from: 'shop/batch',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/',
      host: 'db.internal.example',
    },
    decision: 'ALLOW',
    why: hosts,
  },
  {
    query: {
      from: 'shop/batch',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/',
      host: 'legacy.shop.io',
    },
    decision: 'ALLOW',
    why: hosts,
  },
  {
    query: {
      from: 'shop/batch',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/',
      host: 'other.example',
    },
    decision: 'DENY',
    why: hosts,
  },
  {
    query: {
      from: 'shop/batch',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/',
    },
    decision: 'CONDITIONAL',
    why: 'contract: it depends on the omitted host',
  },
  // Identities: trust domains, aliases, wildcards, callers of every kind.
  {
    query: {
      from: 'principal:partner.example/ns/shop/sa/batch',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/',
      host: 'api.shop.example',
    },
    decision: 'DENY',
    why: `${trustDomain}: partner.example is neither td.example nor an alias, though */ns/shop/sa/batch would admit it`,
  },
  {
    query: {
      from: 'principal:old.example/ns/shop/sa/web',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/public/a',
    },
    decision: 'ALLOW',
    mtls: true,
    why: `https://istio.io/latest/docs/tasks/security/authorization/authz-td-migration/ (a principal of the trust domain matches its aliases: ReplaceTrustDomainAliases in pilot/pkg/security/trustdomain/bundle.go)`,
  },
  {
    query: {
      from: 'shop/node-agent',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/metrics',
    },
    decision: 'ALLOW',
    why: 'contract References: a DaemonSet without serviceAccountName runs as `default` (https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/)',
  },
  {
    query: { from: 'shop/debug', to: 'shop/api', port: 8080 },
    decision: 'DENY',
    mtls: false,
    why: `a Pod labelled sidecar.istio.io/inject=false has no sidecar (https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy), so it calls in plaintext, which STRICT rejects (${peerAuthn})`,
  },
  {
    query: { from: 'plaintext', to: 'shop/api', port: 8080 },
    decision: 'DENY',
    mtls: false,
    policies: ['istio-system/default'],
    why: peerAuthn,
  },
  {
    query: {
      from: 'ingress/ingress-gw',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/x',
    },
    decision: 'ALLOW',
    mtls: true,
    why: 'https://istio.io/latest/docs/setup/additional-setup/gateway/ (a gateway injected with the `gateway` template is a proxy with its own service account identity)',
  },
  {
    query: {
      from: 'shop/cart',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/x',
    },
    decision: 'CONDITIONAL',
    why: `${AP}#Condition (request.headers[x-canary] is not in the query)`,
  },
  {
    query: {
      from: 'tenant-a/app',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/tenant/x',
    },
    decision: 'ALLOW',
    why: `${AP}#Source (namespaces: "tenant-*" is a prefix match)`,
  },
  {
    query: {
      from: 'tenant-a/app',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/jwt/x',
    },
    decision: 'CONDITIONAL',
    why: `${AP}#Source (requestPrincipals: it depends on the request's JWT)`,
  },
  {
    query: {
      from: 'tenant-a/app',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/other',
    },
    decision: 'DENY',
    why: AP,
  },
  {
    query: { from: 'shop/web', to: 'shop/tdapi', port: 8080 },
    decision: 'ALLOW',
    policies: ['shop/tdapi-allow'],
    why: `${AP}#Source (trustDomains: the peer certificate's trust domain, td.example)`,
  },
  {
    query: {
      from: 'principal:evil.example/ns/shop/sa/web',
      to: 'shop/cart',
      port: 8080,
    },
    decision: 'DENY',
    why: `${trustDomain} (no policy refuses it: the handshake does)`,
  },
  // Policy scopes, defaults, not* fields, dry run.
  {
    query: {
      from: 'shop/batch',
      to: 'shop/cart',
      port: 8080,
      method: 'GET',
      path: '/public',
    },
    decision: 'ALLOW',
    mtls: true,
    notPolicies: ['shop/cart-only-web'],
    why: `${dryRun}: a dry-run ALLOW alone leaves no enforced ALLOW policy, so every request is allowed`,
  },
  {
    query: { from: 'quarantine/suspect', to: 'shop/cart', port: 8080 },
    decision: 'DENY',
    policies: ['istio-system/deny-quarantine'],
    why: `${AP} (a policy in the root namespace without a selector applies to every workload)`,
  },
  {
    query: { from: 'shop/web', to: 'locked/safe' },
    decision: 'DENY',
    policies: ['locked/allow-nothing'],
    why: `${AP} (spec {}: ALLOW with no rule, so nothing matches: deny all)`,
  },
  {
    query: { from: 'shop/web', to: 'open/board', port: 8080, method: 'POST' },
    decision: 'ALLOW',
    network: { decision: 'ALLOW', policies: ['open/board-ingress'] },
    why: `${AP}#Source (notNamespaces: web is in shop); https://kubernetes.io/docs/concepts/services-networking/network-policies/ (namespaceSelector admits shop)`,
  },
  {
    query: {
      from: 'tenant-a/app',
      to: 'open/board',
      port: 8080,
      method: 'POST',
    },
    decision: 'DENY',
    policies: ['open/board-deny'],
    why: `${AP}#Operation (notMethods GET: POST is denied for every namespace but shop)`,
  },
  {
    query: {
      from: 'tenant-a/app',
      to: 'open/board',
      port: 8080,
      method: 'GET',
    },
    decision: 'DENY',
    network: { decision: 'DENY', policies: ['open/board-ingress'] },
    why: 'Istio allows GET; https://kubernetes.io/docs/concepts/services-networking/network-policies/ (only pods of namespace shop may connect)',
  },
  {
    query: { from: 'tenant-a/app', to: 'kust/k-store', port: 8080 },
    decision: 'DENY',
    network: { decision: 'DENY', policies: ['tenant-a/app-egress'] },
    why: 'Istio allows it (no ALLOW policy); https://kubernetes.io/docs/concepts/services-networking/network-policies/ (an Egress policy selecting the source admits only connections its rules allow: namespace shop)',
  },
  {
    query: {
      from: 'tenant-a/app',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/tenant/y',
    },
    decision: 'ALLOW',
    network: { decision: 'ALLOW', policies: ['tenant-a/app-egress'] },
    why: `${AP}#Source; https://kubernetes.io/docs/concepts/services-networking/network-policies/ (egress to namespace shop admitted)`,
  },
  // PeerAuthentication precedence and client TLS.
  {
    query: { from: 'plaintext', to: 'legacy/legacy-api', port: 8080 },
    decision: 'ALLOW',
    mtls: false,
    why: `${peerAuthn}; injected by revision canary, named by the namespace's istio.io/rev (contract: every revision a label names is installed)`,
  },
  {
    query: { from: 'plaintext', to: 'legacy/legacy-api', port: 8443 },
    decision: 'DENY',
    mtls: false,
    why: peerAuthn,
  },
  {
    query: { from: 'plaintext', to: 'legacy/legacy-api' },
    decision: 'CONDITIONAL',
    why: 'contract: it depends on the omitted port',
  },
  {
    query: { from: 'shop/web', to: 'legacy/legacy-api', port: 8080 },
    decision: 'ALLOW',
    mtls: false,
    why: 'https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings-TLSmode (DISABLE: the client sends plaintext; auto mTLS applies only without a TLS setting), accepted by PERMISSIVE',
  },
  {
    query: { from: 'shop/web', to: 'legacy/legacy-api', port: 8443 },
    decision: 'DENY',
    mtls: false,
    why: `DestinationRule DISABLE against a STRICT port: ${peerAuthn}`,
  },
  // Ambient with a waypoint.
  {
    query: {
      from: 'shop/web',
      to: 'pay/ledger',
      port: 8080,
      method: 'GET',
      path: '/v1/a',
    },
    decision: 'ALLOW',
    mtls: true,
    policies: ['pay/ledger-callers'],
    notPolicies: ['pay/ledger-no-web'],
    why: `${waypoint}; ledger-l4 admits the waypoint's identity td.example/ns/pay/sa/waypoint; ledger-no-web is dry-run (${dryRun})`,
  },
  {
    query: {
      from: 'shop/web',
      to: 'pay/ledger',
      port: 8080,
      method: 'POST',
      path: '/v1/a',
    },
    decision: 'DENY',
    policies: ['pay/ledger-callers'],
    why: waypoint,
  },
  {
    query: {
      from: 'shop/batch',
      to: 'pay/ledger',
      port: 8080,
      method: 'GET',
      path: '/v1/a',
    },
    decision: 'DENY',
    why: waypoint,
  },
  {
    query: { from: 'shop/web', to: 'pay/ledger', port: 8080, method: 'GET' },
    decision: 'CONDITIONAL',
    why: `${waypoint}; it depends on the omitted path`,
  },
  {
    query: { from: 'plaintext', to: 'pay/ledger', port: 8080 },
    decision: 'DENY',
    mtls: false,
    why: `${peerAuthn} (ztunnel enforces the mesh's STRICT: convertedSelectorPeerAuthentications in ambient/authorization.go)`,
  },
  // Ambient without a waypoint: ztunnel only.
  {
    query: {
      from: 'shop/web',
      to: 'bank/vault',
      port: 8080,
      method: 'GET',
      path: '/',
    },
    decision: 'ALLOW',
    mtls: true,
    policies: ['bank/vault-allow'],
    why: ztunnel,
  },
  {
    query: {
      from: 'shop/web',
      to: 'bank/vault',
      port: 8080,
      method: 'DELETE',
      path: '/',
    },
    decision: 'ALLOW',
    notPolicies: ['bank/vault-deny-noop'],
    why: `${ztunnel}: vault-deny-noop keeps only an empty match ("this DENY policy has no enforceable rules at ztunnel and will have no effect")`,
  },
  {
    query: {
      from: 'shop/batch',
      to: 'bank/vault',
      port: 8080,
      method: 'GET',
      path: '/',
    },
    decision: 'DENY',
    policies: ['bank/vault-deny-mixed'],
    why: `${ztunnel}: vault-deny-mixed keeps port 8080 ("enforced without the HTTP rules ... more restrictive")`,
  },
  {
    query: { from: 'shop/batch', to: 'bank/vault', port: 8080 },
    decision: 'DENY',
    why: `${ztunnel}: ztunnel reads no method, so none needs to be given`,
  },
  {
    query: {
      from: 'shop/api',
      to: 'bank/vault',
      port: 8080,
      method: 'GET',
      path: '/',
    },
    decision: 'DENY',
    why: `${ztunnel}: vault-l7-allow's only rule names a method and is dropped (fail closed)`,
  },
  // A ServiceEntry with a workloadSelector: its endpoints are the pods it selects.
  {
    query: {
      from: 'shop/web',
      to: 'shop/api-internal',
      port: 8080,
      method: 'GET',
      path: '/public/a',
    },
    decision: 'ALLOW',
    mtls: true,
    policies: ['shop/api-allow'],
    why: `${serviceEntry}: the call reaches api's pods, whose sidecar's policies decide`,
  },
  {
    query: {
      from: 'shop/web',
      to: 'shop/api-internal',
      port: 8080,
      method: 'POST',
      path: '/public/a',
    },
    decision: 'DENY',
    why: `${serviceEntry}; ${AP} (no ALLOW rule admits POST)`,
  },
  // GitOps reading: a kustomization rendered as kustomize builds it.
  {
    query: { from: 'shop/web', to: 'kust/k-store' },
    decision: 'ALLOW',
    mtls: true,
    why: 'contract GitOps repositories: namespace and namePrefix applied (https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/nameprefix/); no ALLOW policy: allow',
  },
];

/** Cases of the cluster whose istiod skips trust domain validation, beside the first. */
const laxCases: Case[] = [
  {
    query: {
      from: 'principal:evil.example/ns/x/sa/y',
      to: 'lax/shop/open',
      port: 8080,
    },
    decision: 'ALLOW',
    mtls: true,
    why: `${trustDomain}: with PILOT_SKIP_VALIDATE_TRUST_DOMAIN (from the IstioOperator's values.pilot.env) the handshake accepts it, and no policy applies`,
  },
  {
    query: {
      from: 'principal:evil.example/ns/x/sa/y',
      to: 'lax/shop/tdapi',
      port: 8080,
    },
    decision: 'DENY',
    policies: ['shop/tdapi-deny'],
    why: `${AP}#Source (notTrustDomains: evil.example is not td.example)`,
  },
  {
    query: { from: 'main/shop/web', to: 'lax/shop/tdapi', port: 8080 },
    decision: 'ALLOW',
    why: `${AP}#Source (notTrustDomains: web's trust domain is td.example); contract: without root certificates clusters trust each other`,
  },
  {
    query: {
      from: 'principal:evil.example/ns/x/sa/y',
      to: 'main/shop/cart',
      port: 8080,
    },
    decision: 'DENY',
    why: `${trustDomain}: cluster main validates`,
  },
];

/** What the case asserts of an answer, from the answer and from the case. */
function compared(answer: any, c: Case) {
  const policies = answer.policies ?? [];
  const pick = (source: {
    decision: unknown;
    mtls?: unknown;
    network?: unknown;
    named: boolean[];
    unnamed: boolean[];
  }) => ({
    query: JSON.stringify(c.query),
    decision: source.decision,
    ...(c.mtls !== undefined ? { mtls: source.mtls } : {}),
    ...(c.network ? { network: source.network } : {}),
    ...(c.policies ? { names: source.named } : {}),
    ...(c.notPolicies ? { doesNotName: source.unnamed } : {}),
  });
  return {
    got: pick({
      decision: answer.decision,
      mtls: answer.mtls,
      network: answer.network,
      named: (c.policies ?? []).map(p => policies.includes(p)),
      unnamed: (c.notPolicies ?? []).map(p => !policies.includes(p)),
    }),
    want: pick({
      decision: c.decision,
      mtls: c.mtls,
      network: c.network,
      named: (c.policies ?? []).map(() => true),
      unnamed: (c.notPolicies ?? []).map(() => true),
    }),
  };
}

/** Every case at once, so that a failure lists each answer that differs. */
function expectAnswers(answers: any[], list: Case[]) {
  expect(answers).toHaveLength(list.length);
  const pairs = list.map((c, i) => compared(answers[i], c));
  expect(pairs.map(p => p.got)).toEqual(pairs.map(p => p.want));
  for (const answer of answers) {
    expect(answer.reason).toEqual(expect.stringMatching(/\w/));
  }
}

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'zero-trust-conformance-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function queriesFile(name: string, list: Case[]): Promise<string> {
  const file = path.join(tmp, name);
  await fs.writeFile(file, JSON.stringify(list.map(c => c.query)));
  return file;
}

/** Every file under a folder with its content's hash, to see that nothing was written. */
async function fingerprint(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, {
    recursive: true,
    withFileTypes: true,
  })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath ?? (entry as any).path, entry.name);
    const hash = createHash('sha256')
      .update(await fs.readFile(file))
      .digest('hex');
    out.push(`${path.relative(dir, file)} ${hash}`);
  }
  return out.sort();
}

describe.each(nodes)('npx zero-trust check on %s', node => {
  it("answers the Istio 1.31 cases as Istio does, in the contract's JSON, in query order", async () => {
    const copy = path.join(tmp, `snapshot-${path.basename(node)}`);
    await fs.cp(snapshot, copy, { recursive: true });
    const before = await fingerprint(copy);
    const rootBefore = (await fs.readdir(repoRoot)).sort();

    const file = await queriesFile(
      `queries-${path.basename(node)}.json`,
      cases,
    );
    const run = await npx(node, [
      'check',
      copy,
      '--queries',
      file,
      '--format',
      'json',
    ]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 0,
      // The chart folder is skipped with one line naming it (contract GitOps repositories).
      stderr: `note: skipped Helm chart ${path.join(
        copy,
        'chart',
      )}: charts are not rendered (render it with helm template and pass the output with -)\n`,
    });
    const answers = JSON.parse(run.stdout);
    // In query order, each echoing its query.
    expect(answers.map((a: any) => ({ ...a, reason: undefined }))).toEqual(
      cases.map(c => expect.objectContaining(c.query)),
    );
    expectAnswers(answers, cases);
    // The contract's fields, and `network` only where a NetworkPolicy applies.
    expect(Object.keys(answers[0]).sort()).toEqual(
      [
        'decision',
        'from',
        'method',
        'mtls',
        'path',
        'policies',
        'port',
        'reason',
        'to',
      ].sort(),
    );
    expect(answers[0].network).toBeUndefined();

    // Nothing is written anywhere (contract Invocation).
    expect(await fingerprint(copy)).toEqual(before);
    expect((await fs.readdir(repoRoot)).sort()).toEqual(rootBefore);
  });

  it('answers across clusters given with --cluster NAME=PATH, one of them skipping trust domain validation', async () => {
    const file = await queriesFile(`lax-${path.basename(node)}.json`, laxCases);
    const run = await npx(node, [
      'check',
      '--cluster',
      `main=${snapshot}`,
      '--cluster',
      `lax=${lax}`,
      '--queries',
      file,
      '--format',
      'json',
    ]);
    expect(run.code).toBe(0);
    expectAnswers(JSON.parse(run.stdout), laxCases);
  });
});

/** Where the mesh settings come from istiod's chart values, and Applications are followed. */
const gitopsCases: Case[] = [
  {
    query: {
      from: 'argo/rev-shop/client',
      to: 'argo/rev-shop/server',
      port: 8080,
    },
    decision: 'ALLOW',
    mtls: true,
    policies: ['rev-shop/server-allow'],
    why: `contract Mesh settings: the revision tag stable (the istiod chart's revisionTags in the Application's helm.valuesObject) injects rev-shop (https://istio.io/latest/docs/setup/upgrade/canary/#stable-revision-labels); the trust domain argo.example from its meshConfig; objects without a namespace in the Application's destination namespace; ${AP}`,
  },
  {
    query: {
      from: 'principal:foreign.example/ns/x/sa/y',
      to: 'argo/rev-shop/open',
      port: 8080,
    },
    decision: 'ALLOW',
    mtls: true,
    why: `${trustDomain}: the chart's pilot.env sets PILOT_SKIP_VALIDATE_TRUST_DOMAIN`,
  },
  {
    query: {
      from: 'principal:foreign.example/ns/x/sa/y',
      to: 'argo/rev-shop/server',
      port: 8080,
    },
    decision: 'DENY',
    policies: ['rev-shop/server-allow'],
    why: AP,
  },
  {
    query: {
      from: 'principal:legacy.flux.example/ns/x/sa/y',
      to: 'flux/app/server',
      port: 8080,
    },
    decision: 'ALLOW',
    mtls: true,
    why: `${trustDomain}: an alias from the Flux HelmRelease's values (meshConfig.trustDomainAliases)`,
  },
  {
    query: {
      from: 'principal:cluster.local/ns/x/sa/y',
      to: 'flux/app/server',
      port: 8080,
    },
    decision: 'DENY',
    why: `${trustDomain}: the trust domain is flux.example, from the HelmRelease's meshConfig`,
  },
];

describe('npx zero-trust check on GitOps repositories', () => {
  const [node] = nodes;

  it("reads the mesh settings from istiod's chart values and follows this repository's Applications", async () => {
    const checkout = path.join(tmp, 'argo-checkout');
    await fs.cp(argo, checkout, { recursive: true });
    // Applications' paths start at the repository's root: a work tree without a commit.
    await execute('git', ['init', '--quiet'], { cwd: checkout });
    const file = await queriesFile('gitops.json', gitopsCases);
    const run = await npx(node, [
      'check',
      '--cluster',
      `argo=${path.join(checkout, 'cluster')}`,
      '--cluster',
      `flux=${flux}`,
      '--repo-url',
      'https://git.example.com/conformance.git',
      '--queries',
      file,
      '--format',
      'json',
    ]);
    expect(run.code).toBe(0);
    expectAnswers(JSON.parse(run.stdout), gitopsCases);
    // The charts are named as not rendered, each once per check.
    expect(run.stderr).toContain('chart istiod (Application istiod in');
    expect(run.stderr).toContain(
      'HelmRelease istio-system/istiod chart istiod',
    );
  });

  it("refuses a caller whose cluster's root the server's cluster does not trust (the demo's snapshots)", async () => {
    const run = await npx(node, [
      'check',
      '--cluster',
      `backend=${path.join(examples, 'backend')}`,
      '--cluster',
      `analytics=${path.join(examples, 'analytics')}`,
      '--from',
      'analytics/reporting/order-reports',
      '--to',
      'backend/orders/orders-api',
      '--port',
      '8080',
      '--method',
      'GET',
      '--path',
      '/api/orders/1',
      '--format',
      'json',
    ]);
    expect(run.code).toBe(0);
    // The handshake verifies the peer's chain against the server's trust bundle before
    // any policy is read (https://istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/):
    // orders-api-callers names order-reports, but analytics' own root is not backend's.
    expect(JSON.parse(run.stdout)).toMatchObject({
      decision: 'DENY',
      mtls: false,
      reason: expect.stringContaining('root'),
    });
  });

  it('says on stderr that a snapshot holds no workload, so that an empty answer is not taken for a clean one', async () => {
    const empty = path.join(tmp, 'no-workloads');
    await fs.mkdir(empty, { recursive: true });
    await fs.writeFile(
      path.join(empty, 'ns.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n',
    );
    const run = await npx(node, [
      'check',
      empty,
      '--from',
      'plaintext',
      '--to',
      'x/y',
    ]);
    expect(run.stderr).toContain(`note: no workload found in ${empty}`);
    expect(run.code).toBe(2);
  });
});

describe('npx zero-trust check, invocation', () => {
  const [node] = nodes;

  it('answers one query as one JSON object with host, and as text', async () => {
    const json = await npx(node, [
      'check',
      snapshot,
      '--from',
      'shop/batch',
      '--to',
      'shop/api',
      '--port',
      '8080',
      '--method',
      'GET',
      '--path',
      '/',
      '--host',
      'api.shop.example',
      '--format',
      'json',
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      from: 'shop/batch',
      to: 'shop/api',
      port: 8080,
      method: 'GET',
      path: '/',
      host: 'api.shop.example',
      decision: 'ALLOW',
      mtls: true,
      reason: expect.any(String),
      policies: ['shop/api-allow'],
    });

    const text = await npx(node, [
      'check',
      snapshot,
      '--from',
      'plaintext',
      '--to',
      'default/shop/api',
      '--port',
      '8080',
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^DENY\s+plaintext -> default\/shop\/api:8080/);
    expect(text.stdout).toContain('mtls: false');
    expect(text.stdout).toContain('policies: istio-system/default');
  });

  it('names the workloads a ServiceEntry with a workloadSelector stands for', async () => {
    const json = await npx(node, [
      'check',
      snapshot,
      '--from',
      'shop/batch',
      '--to',
      'shop/api-internal',
      '--port',
      '9000',
      '--format',
      'json',
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      decision: 'ALLOW',
      policies: ['shop/api-allow'],
      services: {
        to: {
          service: 'default/shop/api-internal',
          kind: 'ServiceEntry',
          workloads: ['default/shop/api'],
        },
      },
    });
  });

  it('reads a snapshot from standard input with -', async () => {
    const input = await fs.readFile(
      path.join(snapshot, 'others/locked.yaml'),
      'utf8',
    );
    const run = await npx(
      node,
      [
        'check',
        '-',
        '--from',
        'plaintext',
        '--to',
        'locked/safe',
        '--format',
        'json',
      ],
      input,
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      decision: 'DENY',
      mtls: false,
      policies: ['locked/allow-nothing'],
    });
  });

  it('prints usage with --help, exit 0', async () => {
    const top = await npx(node, ['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('check');
    const help = await npx(node, ['check', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(
      'zero-trust check PATH... --from REF --to WORKLOAD [--port N] [--method M] [--path P] [--host H] [--format json|text]',
    );
    expect(help.stdout).toContain(
      'zero-trust check PATH... --queries FILE.json [--format json|text]',
    );
  });

  it.each([
    ['no --to', ['--from', 'shop/web'], /--to/],
    [
      'port 0',
      ['--from', 'shop/web', '--to', 'shop/api', '--port', '0'],
      /port/,
    ],
    [
      'an unknown option',
      ['--from', 'shop/web', '--to', 'shop/api', '--colour'],
      /colour/,
    ],
    [
      'an unknown workload',
      ['--from', 'shop/web', '--to', 'shop/nope'],
      /shop\/nope/,
    ],
    [
      'a malformed principal',
      ['--from', 'principal:nope', '--to', 'shop/api'],
      /principal/,
    ],
    [
      'a ServiceEntry without a workloadSelector',
      ['--from', 'shop/web', '--to', 'shop/payments-ext'],
      /ServiceEntry default\/shop\/payments-ext has no workloadSelector/,
    ],
    [
      "a ServiceEntry bound to an ambient namespace's waypoint",
      ['--from', 'shop/web', '--to', 'pay/ledger-internal'],
      /is bound to waypoint pay\/waypoint/,
    ],
    [
      'an unknown format',
      ['--from', 'shop/web', '--to', 'shop/api', '--format', 'yaml'],
      /--format/,
    ],
  ])(
    'exits 2 with one line on stderr for %s',
    async (_label, args, message) => {
      const run = await npx(node, ['check', snapshot, ...(args as string[])]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trim().split('\n');
      expect(lines.filter(l => !l.startsWith('note: '))).toEqual([
        expect.stringMatching(message),
      ]);
    },
  );

  it('names the file and line of malformed YAML, exit 2', async () => {
    const bad = path.join(tmp, 'bad');
    await fs.mkdir(bad, { recursive: true });
    await fs.writeFile(
      path.join(bad, 'broken.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [x\n',
    );
    const run = await npx(node, [
      'check',
      bad,
      '--from',
      'plaintext',
      '--to',
      'x/y',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/broken\.yaml:\d+/);
  });
});
