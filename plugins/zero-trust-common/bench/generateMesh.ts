/**
 * A deterministic generator of synthetic Istio meshes for the engine benchmark: the
 * plain Kubernetes objects a snapshot folder or a GitOps checkout would hold, so the
 * benchmark measures `buildClusterState` too. The same options always give the same
 * objects (seeded PRNG, no clock, no Math.random).
 */
import { SourcedObject } from '../src';

/** mulberry32: a 32-bit seeded PRNG, fast and good enough for test data. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Up to `k` distinct items (fewer when the list is shorter). */
  sample<T>(items: readonly T[], k: number): T[] {
    const picked = new Set<T>();
    for (let tries = 0; picked.size < Math.min(k, items.length); tries++) {
      if (tries > 10 * k) break;
      picked.add(this.pick(items));
    }
    return [...picked];
  }

  /** A key drawn with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [key, w] of entries) {
      r -= w;
      if (r < 0) return key;
    }
    return entries[entries.length - 1][0];
  }
}

/** @public */
export interface MeshOptions {
  workloads: number;
  /** AuthorizationPolicies per workload, all scopes together (default 2). */
  policiesPerWorkload?: number;
  /** Workloads per namespace (default 20). */
  workloadsPerNamespace?: number;
  /** Overrides how often each extra policy shape appears (0 leaves it out). */
  extraPolicyWeights?: Partial<Record<ExtraPolicyKind, number>>;
  /**
   * Kubernetes NetworkPolicies too (see `emitNetworkPolicies`), drawn after everything
   * else, so the rest of the mesh is the same with or without them.
   */
  networkPolicies?: boolean;
  /**
   * Sidecar resources too (see `emitSidecars`), emitted after everything else, so the
   * rest of the mesh is the same with or without them.
   */
  sidecars?: boolean;
  seed?: number;
}

type Tier = 'frontend' | 'backend' | 'data';
type NamespaceMode = 'injection' | 'revision' | 'ambient' | 'none';

interface PortSpec {
  /** Service port name; its prefix declares the protocol (http-, grpc-, tcp-). */
  name: string;
  servicePort: number;
  containerPort: number;
  /** Refer to the container port by name, as many charts do. */
  namedTarget?: string;
}

interface Role {
  name: string;
  tier: Tier;
  /** Ports a Service exposes; none for a worker that only gets scraped. */
  ports: PortSpec[];
}

/** What a query generator needs to know about a workload. @public */
export interface GeneratedWorkload {
  namespace: string;
  name: string;
  app: string;
  serviceAccount: string;
  tier: Tier;
  /** Target (container) ports it listens on. */
  ports: number[];
  /** Indexes of the workloads its app's main ALLOW policy names. */
  peers: number[];
}

/** @public */
export interface GeneratedMesh {
  objects: SourcedObject[];
  workloads: GeneratedWorkload[];
}

const rootNamespace = 'istio-system';
const trustDomain = 'cluster.local';
const metricsPort = 9102;
const teams = [
  'payments',
  'orders',
  'catalog',
  'search',
  'identity',
  'media',
  'analytics',
  'platform',
];

// Weighted like a typical platform: mostly APIs and web front ends, some stores and
// some queue workers that expose nothing but metrics.
const roles: { role: Role; weight: number }[] = [
  {
    weight: 3,
    role: {
      name: 'web',
      tier: 'frontend',
      ports: [
        {
          name: 'http-web',
          servicePort: 80,
          containerPort: 8080,
          namedTarget: 'http',
        },
      ],
    },
  },
  {
    weight: 5,
    role: {
      name: 'api',
      tier: 'backend',
      ports: [
        { name: 'http-api', servicePort: 8080, containerPort: 8080 },
        { name: 'grpc-api', servicePort: 9090, containerPort: 9090 },
      ],
    },
  },
  { weight: 1, role: { name: 'worker', tier: 'backend', ports: [] } },
  {
    weight: 1,
    role: {
      name: 'db',
      tier: 'data',
      ports: [{ name: 'tcp-postgres', servicePort: 5432, containerPort: 5432 }],
    },
  },
  {
    weight: 1,
    role: {
      name: 'cache',
      tier: 'data',
      ports: [{ name: 'tcp-redis', servicePort: 6379, containerPort: 6379 }],
    },
  },
];

const namespaceModes: Record<NamespaceMode, number> = {
  injection: 0.55,
  revision: 0.15,
  ambient: 0.15,
  none: 0.15,
};

interface Namespace {
  name: string;
  team: string;
  mode: NamespaceMode;
  /** Indexes of its workloads. */
  members: number[];
}

interface Workload extends GeneratedWorkload {
  namespaceIndex: number;
  role: Role;
  version: 'v1' | 'v2';
  labels: Record<string, string>;
}

/** Everything the emitters share. */
interface Context {
  rnd: Random;
  namespaces: Namespace[];
  workloads: Workload[];
  /** One entry per app: its first (v1) workload's index. */
  apps: number[];
  objects: SourcedObject[];
  policyCount: number;
  extraWeights: Record<ExtraPolicyKind, number>;
}

/** Extra AuthorizationPolicy shapes, with how often each appears. */
const extraPolicyKinds = {
  namespaces: 24,
  saWildcard: 10,
  namespacePrefix: 3,
  principalSuffix: 3,
  anyAuthenticated: 3,
  version: 12,
  deny: 25,
  conditional: 5,
  serviceAccounts: 5,
  ipBlocks: 2,
  audit: 1,
  unknownIdentity: 2,
  waypoint: 2,
};
/** @public */
export type ExtraPolicyKind = keyof typeof extraPolicyKinds;

const principal = (w: GeneratedWorkload) =>
  `${trustDomain}/ns/${w.namespace}/sa/${w.serviceAccount}`;

function emit(ctx: Context, object: Record<string, unknown>) {
  ctx.objects.push({ object });
}

function makeNamespaces(ctx: Context, count: number) {
  for (let i = 0; i < count; i++) {
    const team = teams[i % teams.length];
    // The first namespace hosts the scrapers the root policy lets in.
    const name = i === 0 ? 'monitoring' : `${team}-${i}`;
    const mode = i === 0 ? 'injection' : ctx.rnd.weighted(namespaceModes);
    ctx.namespaces.push({ name, team, mode, members: [] });
  }
}

function podLabels(
  ctx: Context,
  ns: Namespace,
  app: string,
  tier: Tier,
  version: string,
): Record<string, string> {
  const labels: Record<string, string> = { app, version, tier };
  // A few pods opt out of their namespace's data plane, as real meshes have.
  if (ns.mode === 'injection' && ctx.rnd.chance(0.02)) {
    labels['sidecar.istio.io/inject'] = 'false';
  }
  if (ns.mode === 'ambient' && ctx.rnd.chance(0.03)) {
    labels['istio.io/dataplane-mode'] = 'none';
  }
  return labels;
}

/** Most apps run as their own service account; some were left on `default`. */
function pickServiceAccount(ctx: Context, app: string): string {
  return ctx.rnd.chance(0.1) ? 'default' : app;
}

function makeWorkloads(ctx: Context, count: number, perNamespace: number) {
  const roleWeights = Object.fromEntries(
    roles.map((r, i) => [String(i), r.weight]),
  );
  for (let i = 0; i < count; i++) {
    const namespaceIndex = Math.floor(i / perNamespace);
    const ns = ctx.namespaces[namespaceIndex];
    const previous = ctx.workloads[i - 1];
    // One in ten deployments is a v2 canary of the app before it, behind the same
    // Service and service account.
    const canary =
      previous !== undefined &&
      previous.namespace === ns.name &&
      previous.version === 'v1' &&
      ctx.rnd.chance(0.1);
    const role = canary
      ? previous.role
      : roles[Number(ctx.rnd.weighted(roleWeights))].role;
    const app = canary ? previous.app : `${role.name}-${i}`;
    const version = canary ? 'v2' : 'v1';
    const workload: Workload = {
      namespace: ns.name,
      namespaceIndex,
      name: canary ? `${app}-v2` : app,
      app,
      serviceAccount: canary
        ? previous.serviceAccount
        : pickServiceAccount(ctx, app),
      tier: role.tier,
      role,
      version,
      labels: podLabels(ctx, ns, app, role.tier, version),
      ports: [...role.ports.map(p => p.containerPort), metricsPort],
      peers: [],
    };
    ns.members.push(i);
    ctx.workloads.push(workload);
    if (!canary) ctx.apps.push(i);
  }
}

function emitControlPlane(ctx: Context) {
  emit(ctx, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: rootNamespace },
  });
  emit(ctx, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace: rootNamespace, name: 'istio' },
    data: {
      mesh: `trustDomain: ${trustDomain}\nrootNamespace: ${rootNamespace}\nenableAutoMtls: true\n`,
    },
  });
}

function namespaceLabels(mode: NamespaceMode): Record<string, string> {
  switch (mode) {
    case 'injection':
      return { 'istio-injection': 'enabled' };
    case 'revision':
      return { 'istio.io/rev': 'canary' };
    case 'ambient':
      return { 'istio.io/dataplane-mode': 'ambient' };
    default:
      return {};
  }
}

function emitNamespaces(ctx: Context) {
  for (const ns of ctx.namespaces) {
    emit(ctx, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns.name, labels: namespaceLabels(ns.mode) },
    });
  }
}

function containerPorts(w: Workload) {
  return [
    ...w.role.ports.map(p => ({
      containerPort: p.containerPort,
      ...(p.namedTarget ? { name: p.namedTarget } : {}),
    })),
    { containerPort: metricsPort, name: 'metrics' },
  ];
}

function emitWorkloads(ctx: Context) {
  for (const w of ctx.workloads) {
    emit(ctx, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      // Labelled like its pods, as charts do: Backstage's Kubernetes plugin finds
      // controllers by their own labels (the backend benchmark compares against it).
      metadata: { namespace: w.namespace, name: w.name, labels: w.labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: w.app, version: w.version } },
        template: {
          metadata: { labels: w.labels },
          spec: {
            serviceAccountName: w.serviceAccount,
            containers: [
              {
                name: 'app',
                image: `registry.example/${w.role.name}:1.0`,
                ports: containerPorts(w),
              },
            ],
          },
        },
      },
    });
  }
  for (const index of ctx.apps) {
    const w = ctx.workloads[index];
    if (w.serviceAccount !== 'default') {
      emit(ctx, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { namespace: w.namespace, name: w.serviceAccount },
      });
    }
    if (w.role.ports.length === 0) continue;
    emit(ctx, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: w.namespace, name: w.app, labels: { app: w.app } },
      spec: {
        selector: { app: w.app },
        ports: w.role.ports.map(p => ({
          name: p.name,
          port: p.servicePort,
          targetPort: p.namedTarget ?? p.containerPort,
          protocol: 'TCP',
        })),
      },
    });
  }
}

/** An ISO timestamp that orders objects by their index (Istio: oldest wins). */
function createdAt(index: number): string {
  return new Date(Date.UTC(2024, 0, 1) + index * 1000).toISOString();
}

function emitPeerAuthentications(ctx: Context) {
  const pa = (
    namespace: string,
    name: string,
    spec: Record<string, unknown>,
    index: number,
  ) =>
    emit(ctx, {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { namespace, name, creationTimestamp: createdAt(index) },
      spec,
    });
  pa(rootNamespace, 'default', { mtls: { mode: 'STRICT' } }, 0);
  // Namespaces still migrating accept plaintext.
  ctx.namespaces.forEach((ns, i) => {
    if (ctx.rnd.chance(0.1)) {
      pa(ns.name, 'default', { mtls: { mode: 'PERMISSIVE' } }, i + 1);
    }
  });
  // Port-level exceptions: a scraper outside the mesh, a legacy database client.
  ctx.apps.forEach((index, i) => {
    const w = ctx.workloads[index];
    const selector = { matchLabels: { app: w.app } };
    if (ctx.rnd.chance(0.03)) {
      pa(
        w.namespace,
        `${w.app}-metrics`,
        {
          selector,
          mtls: { mode: 'UNSET' },
          portLevelMtls: { [metricsPort]: { mode: 'PERMISSIVE' } },
        },
        i,
      );
    } else if (w.tier === 'data' && ctx.rnd.chance(0.02)) {
      pa(
        w.namespace,
        `${w.app}-legacy`,
        {
          selector,
          mtls: { mode: 'STRICT' },
          portLevelMtls: { [w.ports[0]]: { mode: 'DISABLE' } },
        },
        i,
      );
    }
  });
}

function emitDestinationRules(ctx: Context) {
  const dr = (namespace: string, name: string, spec: Record<string, unknown>) =>
    emit(ctx, {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { namespace, name },
      spec,
    });
  for (const ns of ctx.namespaces) {
    if (ctx.rnd.chance(0.03)) {
      dr(ns.name, 'namespace-mtls', {
        host: `*.${ns.name}.svc.cluster.local`,
        exportTo: ['.'],
        trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
      });
    }
  }
  for (const index of ctx.apps) {
    const w = ctx.workloads[index];
    if (w.role.ports.length === 0) continue;
    const host = `${w.app}.${w.namespace}.svc.cluster.local`;
    const r = ctx.rnd.next();
    if (r < 0.05) {
      dr(w.namespace, w.app, {
        host,
        trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
      });
    } else if (r < 0.06) {
      // A leftover from before the mesh: plaintext toward a STRICT server.
      dr(w.namespace, `${w.app}-plain`, {
        host: w.app,
        trafficPolicy: { tls: { mode: 'DISABLE' } },
      });
    } else if (r < 0.07) {
      dr(w.namespace, `${w.app}-ports`, {
        host,
        trafficPolicy: {
          portLevelSettings: [
            {
              port: { number: w.role.ports[0].servicePort },
              tls: { mode: 'ISTIO_MUTUAL' },
            },
          ],
        },
      });
    }
  }
}

function authorizationPolicy(
  ctx: Context,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
) {
  ctx.policyCount++;
  emit(ctx, {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { namespace, name },
    spec,
  });
}

const from = (source: Record<string, unknown>) => [{ source }];
const to = (...operations: Record<string, unknown>[]) =>
  operations.map(operation => ({ operation }));

/** A few callers: mostly neighbours in the same namespace, some from elsewhere. */
function pickPeers(ctx: Context, index: number): number[] {
  const w = ctx.workloads[index];
  const ns = ctx.namespaces[w.namespaceIndex];
  const peers = new Set<number>();
  const wanted = 1 + ctx.rnd.int(3);
  for (let tries = 0; peers.size < wanted && tries < 10; tries++) {
    const candidate = ctx.rnd.chance(0.7)
      ? ctx.rnd.pick(ns.members)
      : ctx.rnd.int(ctx.workloads.length);
    if (ctx.workloads[candidate].app !== w.app) peers.add(candidate);
  }
  return [...peers];
}

/** The operations an app's main ALLOW rule admits, by what it serves. */
function operationsFor(ctx: Context, w: Workload): Record<string, unknown>[] {
  const ports = w.role.ports.map(p => String(p.containerPort));
  if (w.tier === 'frontend' && ctx.rnd.chance(0.5)) {
    return [{ ports, methods: ['GET', 'HEAD', 'POST'] }];
  }
  if (w.role.name === 'api' && ctx.rnd.chance(0.6)) {
    return [
      { ports: ['8080'], methods: ['GET', 'POST'], paths: ['/api/*'] },
      { ports: ['9090'] },
    ];
  }
  return [{ ports }];
}

function emitMainPolicies(ctx: Context) {
  for (const index of ctx.apps) {
    const w = ctx.workloads[index];
    if (w.role.ports.length === 0 || !ctx.rnd.chance(0.92)) continue;
    const peers = pickPeers(ctx, index);
    // An app's canary directly follows its v1 Deployment.
    for (let i = index; ctx.workloads[i]?.app === w.app; i++) {
      ctx.workloads[i].peers = peers;
    }
    const operations = operationsFor(ctx, w);
    const rules: Record<string, unknown>[] = [
      {
        from: from({
          principals: [...new Set(peers.map(p => principal(ctx.workloads[p])))],
        }),
        to: to(...operations),
      },
    ];
    if (ctx.rnd.chance(0.25)) {
      rules.push({
        from: from({ namespaces: [ctx.rnd.pick(ctx.namespaces).name] }),
        to: to(...operations),
      });
    }
    authorizationPolicy(ctx, w.namespace, w.app, {
      selector: { matchLabels: { app: w.app } },
      action: 'ALLOW',
      rules,
    });
  }
}

function emitNamespacePolicies(ctx: Context) {
  for (const ns of ctx.namespaces) {
    // Most onboarded namespaces deny by default; a few forgot (finding ZT013).
    if (ns.mode === 'none' || ctx.rnd.chance(0.1)) continue;
    authorizationPolicy(ctx, ns.name, 'allow-nothing', {});
  }
}

function emitRootPolicies(ctx: Context) {
  const web = ctx.workloads.find(w => w.role.name === 'web');
  authorizationPolicy(ctx, rootNamespace, 'deny-quarantine', {
    action: 'DENY',
    rules: [{ from: from({ namespaces: ['quarantine'] }) }],
  });
  authorizationPolicy(ctx, rootNamespace, 'allow-monitoring-scrape', {
    selector: { matchLabels: { tier: 'backend' } },
    action: 'ALLOW',
    rules: [
      {
        from: from({ namespaces: ['monitoring'] }),
        to: to({ ports: [String(metricsPort)] }),
      },
    ],
  });
  authorizationPolicy(ctx, rootNamespace, 'deny-admin-paths', {
    selector: { matchLabels: { tier: 'frontend' } },
    action: 'DENY',
    rules: [{ to: to({ ports: ['8080'], paths: ['/admin/*'] }) }],
  });
  authorizationPolicy(ctx, rootNamespace, 'audit-data', {
    selector: { matchLabels: { tier: 'data' } },
    action: 'AUDIT',
    rules: [{}],
  });
  if (web) {
    authorizationPolicy(ctx, rootNamespace, 'ext-authz-login', {
      selector: { matchLabels: { app: web.app } },
      action: 'CUSTOM',
      provider: { name: 'ext-authz' },
      rules: [{ to: to({ paths: ['/login'] }) }],
    });
  }
}

/** One extra policy of the given shape on the app of workload `w`. */
function extraPolicy(
  ctx: Context,
  kind: ExtraPolicyKind,
  w: Workload,
): Record<string, unknown> {
  const selector = { matchLabels: { app: w.app } };
  const peer = ctx.workloads[ctx.rnd.int(ctx.workloads.length)];
  const ports = (w.role.ports.length ? w.role.ports : [undefined]).map(p =>
    String(p?.containerPort ?? metricsPort),
  );
  const otherNamespace = () => ctx.rnd.pick(ctx.namespaces).name;
  switch (kind) {
    case 'namespaces':
      return {
        selector,
        rules: [
          {
            from: from({
              namespaces: [
                ...new Set([otherNamespace(), otherNamespace(), w.namespace]),
              ],
            }),
            to: to({ ports }),
          },
        ],
      };
    case 'saWildcard':
      return {
        selector,
        rules: [
          {
            from: from({
              principals: [`${trustDomain}/ns/${peer.namespace}/sa/*`],
            }),
          },
        ],
      };
    case 'namespacePrefix':
      return {
        selector,
        rules: [
          {
            from: from({
              namespaces: [`${ctx.rnd.pick(teams)}-*`],
            }),
            to: to({ ports: [ports[0]] }),
          },
        ],
      };
    case 'principalSuffix':
      return {
        selector,
        rules: [{ from: from({ principals: [`*/sa/${peer.app}`] }) }],
      };
    case 'anyAuthenticated':
      return {
        selector,
        rules: [
          {
            from: from({ principals: ['*'] }),
            to: to({ methods: ['GET'], paths: ['/healthz'] }),
          },
        ],
      };
    case 'version':
      return {
        selector: { matchLabels: { app: w.app, version: 'v2' } },
        rules: [{ from: from({ principals: [principal(peer)] }) }],
      };
    case 'deny':
      return { selector, action: 'DENY', rules: [denyRule(ctx, w, peer)] };
    case 'conditional':
      return {
        selector,
        rules: [
          {
            from: from({ principals: [principal(peer)] }),
            when: ctx.rnd.chance(0.5)
              ? [{ key: 'request.headers[x-tenant]', values: ['blue'] }]
              : [{ key: 'source.namespace', values: [peer.namespace] }],
          },
        ],
      };
    case 'serviceAccounts':
      return {
        selector,
        rules: [
          {
            from: from({
              serviceAccounts: [`${peer.namespace}/${peer.serviceAccount}`],
            }),
          },
        ],
      };
    case 'ipBlocks':
      return {
        selector,
        rules: [{ from: from({ ipBlocks: ['10.0.0.0/8'] }) }],
      };
    case 'audit':
      return { selector, action: 'AUDIT', rules: [{}] };
    case 'unknownIdentity':
      return {
        selector,
        rules: [
          {
            from: from({
              principals: [
                ctx.rnd.chance(0.5)
                  ? 'partner.example/ns/billing/sa/exporter'
                  : `${trustDomain}/ns/${peer.namespace}/sa/retired-job`,
              ],
            }),
          },
        ],
      };
    default:
      // Bound to a waypoint: the workload's own proxy does not enforce it.
      return {
        targetRefs: [{ kind: 'Service', group: '', name: w.app }],
        rules: [{ from: from({ principals: [principal(peer)] }) }],
      };
  }
}

function denyRule(
  ctx: Context,
  w: Workload,
  peer: Workload,
): Record<string, unknown> {
  const variant = ctx.rnd.int(3);
  if (variant === 0) {
    return {
      from: from({ notNamespaces: [w.namespace, 'monitoring'] }),
      to: to({ ports: ['8080'], paths: ['/internal/*'] }),
    };
  }
  if (variant === 1) return { from: from({ principals: [principal(peer)] }) };
  return { to: to({ methods: ['DELETE'], paths: ['/admin/*'] }) };
}

/** Fills up to the policy budget with varied per-workload policies. */
function emitExtraPolicies(ctx: Context, target: number) {
  const canaries = ctx.workloads.filter(w => w.version === 'v2');
  for (let n = 0; ctx.policyCount < target; n++) {
    const kind = ctx.rnd.weighted(ctx.extraWeights);
    // Version policies go where a canary exists, or they would select nothing.
    const candidates =
      kind === 'version' && canaries.length ? canaries : ctx.workloads;
    const w = ctx.rnd.pick(candidates);
    authorizationPolicy(ctx, w.namespace, `${w.app}-${kind}-${n}`, {
      action: 'ALLOW',
      ...extraPolicy(ctx, kind, w),
    });
  }
}

const byName = (namespace: string) => ({
  matchLabels: { 'kubernetes.io/metadata.name': namespace },
});

/**
 * NetworkPolicies as a team keeps them beside Istio's: in nine namespaces in ten a
 * default deny for ingress, an allow for the namespace's own pods, and one allow policy
 * with a rule per app admitting its callers' pods from other namespaces on its ports
 * (plus HBONE's 15008 in an ambient namespace), one caller in twenty forgotten (a path
 * Istio allows and the network drops, ZT018); the metrics port open to the monitoring
 * namespace; and in one namespace in five an egress policy that keeps traffic in the
 * cluster, with the cluster DNS.
 */
function emitNetworkPolicies(ctx: Context) {
  const networkPolicy = (
    namespace: string,
    name: string,
    spec: Record<string, unknown>,
  ) =>
    emit(ctx, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { namespace, name },
      spec,
    });
  for (const ns of ctx.namespaces) {
    if (ctx.rnd.chance(0.1)) continue;
    networkPolicy(ns.name, 'default-deny', {
      podSelector: {},
      policyTypes: ['Ingress'],
    });
    networkPolicy(ns.name, 'allow-same-namespace', {
      podSelector: {},
      ingress: [
        { from: [{ podSelector: {} }] },
        {
          from: [{ namespaceSelector: byName('monitoring') }],
          ports: [{ protocol: 'TCP', port: metricsPort }],
        },
      ],
    });
    const rules: Record<string, unknown>[] = [];
    for (const index of ns.members) {
      const w = ctx.workloads[index];
      if (w.version !== 'v1' || !w.role.ports.length) continue;
      const callers = w.peers
        .map(p => ctx.workloads[p])
        .filter(c => c.namespace !== ns.name && !ctx.rnd.chance(0.05));
      if (!callers.length) continue;
      const ports = w.role.ports.map(p => p.containerPort);
      if (ns.mode === 'ambient') ports.push(15008);
      rules.push({
        from: callers.map(c => ({
          namespaceSelector: byName(c.namespace),
          podSelector: { matchLabels: { app: c.app } },
        })),
        ports: ports.map(port => ({ protocol: 'TCP', port })),
      });
    }
    if (rules.length) {
      networkPolicy(ns.name, 'allow-callers', {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: rules,
      });
    }
    if (ctx.rnd.chance(0.2)) {
      networkPolicy(ns.name, 'egress-in-cluster', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          { to: [{ namespaceSelector: {} }] },
          {
            to: [{ namespaceSelector: byName('kube-system') }],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      });
    }
  }
}

/**
 * Every other ambient namespace gets a waypoint for its Services (the namespace's
 * `istio.io/use-waypoint`), and half of those admit it at ztunnel; the Service-bound
 * policies of the extra shapes are then enforced there. Chosen by position, not by the
 * random stream, so the rest of the mesh is the same with or without them.
 */
function emitWaypoints(ctx: Context) {
  const ambient = ctx.namespaces.filter(ns => ns.mode === 'ambient');
  ambient.forEach((ns, i) => {
    if (i % 2 === 1) return;
    const object = ctx.objects.find(
      o =>
        (o.object as any).kind === 'Namespace' &&
        (o.object as any).metadata.name === ns.name,
    )!.object as any;
    object.metadata.labels['istio.io/use-waypoint'] = 'waypoint';
    emit(ctx, {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: {
        namespace: ns.name,
        name: 'waypoint',
        // One in four also takes traffic addressed to the pods.
        ...(i % 4 === 2 ? { labels: { 'istio.io/waypoint-for': 'all' } } : {}),
      },
      spec: {
        gatewayClassName: 'istio-waypoint',
        listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
      },
    });
    if (i % 4 === 0) {
      emit(ctx, {
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { namespace: ns.name, name: 'allow-waypoint' },
        spec: {
          action: 'ALLOW',
          rules: [
            {
              from: [
                {
                  source: {
                    principals: [`${trustDomain}/ns/${ns.name}/sa/waypoint`],
                  },
                },
              ],
            },
          ],
        },
      });
    }
  });
}

/**
 * Sidecars scoping what sidecar clients see: a root-namespace default importing every
 * namespace but the last (`*\/*` and a `~` exclusion), a namespace default in every third
 * namespace importing `./*`, `istio-system/*` and the next namespace (under REGISTRY_ONLY
 * in every other one of those), there a Sidecar selecting the namespace's first app
 * that imports everything and a VirtualService routing to an app two namespaces on (so
 * imported through it). Chosen by position, not by the random stream.
 */
function emitSidecars(ctx: Context) {
  const sidecar = (
    namespace: string,
    name: string,
    spec: Record<string, unknown>,
  ) =>
    emit(ctx, {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { namespace, name },
      spec,
    });
  const names = ctx.namespaces.map(ns => ns.name);
  sidecar(rootNamespace, 'default', {
    egress: [{ hosts: ['*/*', `~${names[names.length - 1]}/*`] }],
  });
  ctx.namespaces.forEach((ns, i) => {
    if (i % 3 !== 1) return;
    sidecar(ns.name, 'default', {
      egress: [
        {
          hosts: [
            './*',
            `${rootNamespace}/*`,
            `${names[(i + 1) % names.length]}/*`,
          ],
        },
      ],
      ...(i % 6 === 1
        ? { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } }
        : {}),
    });
    const first = ns.members.length ? ctx.workloads[ns.members[0]] : undefined;
    if (first) {
      sidecar(ns.name, 'wide', {
        workloadSelector: { labels: { app: first.app } },
        egress: [{ hosts: ['*/*'] }],
      });
    }
    // A route of its own to a Service two namespaces on, which the Sidecar imports
    // through the VirtualService alone.
    const target = ctx.namespaces[(i + 2) % ctx.namespaces.length].members
      .map(m => ctx.workloads[m])
      .find(w => w.role.ports.length > 0);
    if (target) {
      emit(ctx, {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { namespace: ns.name, name: 'partner' },
        spec: {
          hosts: [`partner.${ns.name}.example`],
          http: [
            {
              route: [
                {
                  destination: {
                    host: `${target.app}.${target.namespace}.svc.cluster.local`,
                  },
                },
              ],
            },
          ],
        },
      });
    }
  });
}

/**
 * A synthetic mesh of `workloads` Deployments in namespaces of about 20, with
 * `policiesPerWorkload × workloads` AuthorizationPolicies (namespace allow-nothing,
 * per-app ALLOW with exact principals, namespace and wildcard sources, HTTP
 * operations, DENY, conditions, a few root-namespace policies).
 *
 * @public
 */
export function generateMesh(options: MeshOptions): GeneratedMesh {
  const perNamespace = options.workloadsPerNamespace ?? 20;
  const ctx: Context = {
    rnd: new Random(options.seed ?? 1),
    namespaces: [],
    workloads: [],
    apps: [],
    objects: [],
    policyCount: 0,
    extraWeights: { ...extraPolicyKinds, ...options.extraPolicyWeights },
  };
  makeNamespaces(ctx, Math.ceil(options.workloads / perNamespace));
  makeWorkloads(ctx, options.workloads, perNamespace);
  emitControlPlane(ctx);
  emitNamespaces(ctx);
  emitWorkloads(ctx);
  emitPeerAuthentications(ctx);
  emitDestinationRules(ctx);
  emitNamespacePolicies(ctx);
  emitRootPolicies(ctx);
  emitMainPolicies(ctx);
  emitExtraPolicies(
    ctx,
    Math.round((options.policiesPerWorkload ?? 2) * options.workloads),
  );
  if (options.networkPolicies) emitNetworkPolicies(ctx);
  emitWaypoints(ctx);
  if (options.sidecars) emitSidecars(ctx);
  const workloads = ctx.workloads.map(
    ({ namespace, name, app, serviceAccount, tier, ports, peers }) => ({
      namespace,
      name,
      app,
      serviceAccount,
      tier,
      ports,
      peers,
    }),
  );
  return { objects: ctx.objects, workloads };
}
