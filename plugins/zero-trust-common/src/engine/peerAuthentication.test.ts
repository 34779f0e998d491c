import {
  K8sObject,
  deployment,
  injected,
  meshConfigMap,
  model,
  namespace,
  peerAuthentication,
  service,
} from '../__fixtures__/manifests';
import { mtlsOnPort } from './peerAuthentication';

const ns = 'apps';
const root = 'istio-system';
const sel = { app: 'w' };

interface PaCase {
  name: string;
  policies: K8sObject[];
  mode: string;
  decidedBy?: string;
  /** Target port → expected mode on it. */
  ports?: Record<number, string>;
}

// Precedence as ComposePeerAuthentication (pilot/pkg/security/authn/policy_applier.go) and
// https://istio.io/latest/docs/reference/config/security/peer_authentication/
const cases: PaCase[] = [
  { name: 'no policy → PERMISSIVE', policies: [], mode: 'PERMISSIVE' },
  {
    name: 'mesh STRICT',
    policies: [peerAuthentication(root, 'default', { mode: 'STRICT' })],
    mode: 'STRICT',
    decidedBy: 'istio-system/default',
  },
  {
    name: 'mesh DISABLE',
    policies: [peerAuthentication(root, 'default', { mode: 'DISABLE' })],
    mode: 'DISABLE',
    decidedBy: 'istio-system/default',
  },
  {
    name: 'namespace PERMISSIVE overrides mesh STRICT',
    policies: [
      peerAuthentication(root, 'default', { mode: 'STRICT' }),
      peerAuthentication(ns, 'ns-wide', { mode: 'PERMISSIVE' }),
    ],
    mode: 'PERMISSIVE',
    decidedBy: 'apps/ns-wide',
  },
  {
    name: 'workload DISABLE overrides namespace STRICT',
    policies: [
      peerAuthentication(ns, 'ns-wide', { mode: 'STRICT' }),
      peerAuthentication(ns, 'w', { selector: sel, mode: 'DISABLE' }),
    ],
    mode: 'DISABLE',
    decidedBy: 'apps/w',
  },
  {
    name: 'namespace UNSET inherits mesh STRICT',
    policies: [
      peerAuthentication(root, 'default', { mode: 'STRICT' }),
      peerAuthentication(ns, 'ns-wide', {}),
    ],
    mode: 'STRICT',
    decidedBy: 'istio-system/default',
  },
  {
    name: 'namespace explicit UNSET inherits mesh STRICT',
    policies: [
      peerAuthentication(root, 'default', { mode: 'STRICT' }),
      peerAuthentication(ns, 'ns-wide', { mode: 'UNSET' }),
    ],
    mode: 'STRICT',
    decidedBy: 'istio-system/default',
  },
  {
    name: 'workload UNSET inherits namespace DISABLE over mesh STRICT',
    policies: [
      peerAuthentication(root, 'default', { mode: 'STRICT' }),
      peerAuthentication(ns, 'ns-wide', { mode: 'DISABLE' }),
      peerAuthentication(ns, 'w', { selector: sel, mode: 'UNSET' }),
    ],
    mode: 'DISABLE',
    decidedBy: 'apps/ns-wide',
  },
  {
    name: 'workload UNSET and namespace UNSET inherit mesh STRICT',
    policies: [
      peerAuthentication(root, 'default', { mode: 'STRICT' }),
      peerAuthentication(ns, 'ns-wide', {}),
      peerAuthentication(ns, 'w', { selector: sel }),
    ],
    mode: 'STRICT',
    decidedBy: 'istio-system/default',
  },
  {
    name: 'port-level PERMISSIVE under a STRICT workload policy (target port)',
    policies: [
      peerAuthentication(ns, 'w', {
        selector: sel,
        mode: 'STRICT',
        portLevelMtls: { 8080: 'PERMISSIVE' },
      }),
    ],
    mode: 'STRICT',
    decidedBy: 'apps/w',
    ports: { 8080: 'PERMISSIVE', 9090: 'STRICT', 80: 'STRICT' },
  },
  {
    name: 'port-level UNSET inherits the workload-level mode (itself inherited)',
    policies: [
      peerAuthentication(ns, 'ns-wide', { mode: 'STRICT' }),
      peerAuthentication(ns, 'w', {
        selector: sel,
        portLevelMtls: { 8080: 'DISABLE', 9090: 'UNSET' },
      }),
    ],
    mode: 'STRICT',
    decidedBy: 'apps/ns-wide',
    ports: { 8080: 'DISABLE', 9090: 'STRICT' },
  },
  {
    name: 'port-level UNSET inherits the workload policy’s own mode',
    policies: [
      peerAuthentication(ns, 'ns-wide', { mode: 'STRICT' }),
      peerAuthentication(ns, 'w', {
        selector: sel,
        mode: 'PERMISSIVE',
        portLevelMtls: { 9090: undefined },
      }),
    ],
    mode: 'PERMISSIVE',
    decidedBy: 'apps/w',
    ports: { 9090: 'PERMISSIVE', 8080: 'PERMISSIVE' },
  },
  {
    name: 'a selector policy in the root namespace is ignored',
    policies: [
      peerAuthentication(root, 'w', { selector: sel, mode: 'STRICT' }),
    ],
    mode: 'PERMISSIVE',
  },
  {
    name: 'a selector policy that does not match is ignored',
    policies: [
      peerAuthentication(ns, 'other', {
        selector: { app: 'other' },
        mode: 'STRICT',
      }),
    ],
    mode: 'PERMISSIVE',
  },
  {
    name: 'a namespace-wide policy of another namespace is ignored',
    policies: [peerAuthentication('other', 'default', { mode: 'STRICT' })],
    mode: 'PERMISSIVE',
  },
  {
    name: 'an empty selector is namespace-wide',
    policies: [
      peerAuthentication(ns, 'empty-selector', {
        selector: {},
        mode: 'STRICT',
      }),
    ],
    mode: 'STRICT',
    decidedBy: 'apps/empty-selector',
  },
  {
    name: 'two namespace-wide policies: the oldest wins (listed last)',
    policies: [
      peerAuthentication(ns, 'newer', {
        mode: 'STRICT',
        creationTimestamp: '2024-05-01T00:00:00Z',
      }),
      peerAuthentication(ns, 'older', {
        mode: 'DISABLE',
        creationTimestamp: '2023-01-01T00:00:00Z',
      }),
    ],
    mode: 'DISABLE',
    decidedBy: 'apps/older',
  },
  {
    name: 'two namespace-wide policies: the oldest wins (listed first)',
    policies: [
      peerAuthentication(ns, 'older', {
        mode: 'STRICT',
        creationTimestamp: '2023-01-01T00:00:00Z',
      }),
      peerAuthentication(ns, 'newer', {
        mode: 'DISABLE',
        creationTimestamp: '2024-05-01T00:00:00Z',
      }),
    ],
    mode: 'STRICT',
    decidedBy: 'apps/older',
  },
  {
    name: 'two workload policies: the oldest wins',
    policies: [
      peerAuthentication(ns, 'b-newer', {
        selector: sel,
        mode: 'STRICT',
        creationTimestamp: '2024-05-01T00:00:00Z',
      }),
      peerAuthentication(ns, 'a-older', {
        selector: sel,
        mode: 'PERMISSIVE',
        creationTimestamp: '2022-05-01T00:00:00Z',
      }),
    ],
    mode: 'PERMISSIVE',
    decidedBy: 'apps/a-older',
  },
  {
    name: 'equal age: the first by name wins',
    policies: [
      peerAuthentication(ns, 'zeta', {
        mode: 'STRICT',
        creationTimestamp: '2024-05-01T00:00:00Z',
      }),
      peerAuthentication(ns, 'alpha', {
        mode: 'DISABLE',
        creationTimestamp: '2024-05-01T00:00:00Z',
      }),
    ],
    mode: 'DISABLE',
    decidedBy: 'apps/alpha',
  },
];

describe('effective PeerAuthentication', () => {
  it.each(cases)('$name', ({ policies, mode, decidedBy, ports }) => {
    const m = model(
      namespace(ns, injected),
      deployment(ns, 'w', { ports: [8080, 9090] }),
      ...policies,
    );
    const mtls = m.resolveWorkload(`${ns}/w`).mtls;
    expect(mtls.mode).toBe(mode);
    expect(mtls.decidedBy).toBe(decidedBy);
    for (const [port, portMode] of Object.entries(ports ?? {})) {
      expect(mtlsOnPort(mtls, Number(port))).toBe(portMode);
    }
  });

  it('takes the root namespace from the mesh config', () => {
    const m = model(
      meshConfigMap('cluster.local', [], 'rootNamespace: mesh-root'),
      namespace(ns, injected),
      deployment(ns, 'w'),
      peerAuthentication('mesh-root', 'default', { mode: 'STRICT' }),
      peerAuthentication(root, 'default', { mode: 'DISABLE' }),
    );
    expect(m.resolveWorkload(`${ns}/w`).mtls).toMatchObject({
      mode: 'STRICT',
      decidedBy: 'mesh-root/default',
    });
  });

  it('port-level settings name target ports, not Service ports', () => {
    const m = model(
      namespace(ns, injected),
      deployment(ns, 'w', { ports: [8080] }),
      service(ns, 'w', {
        ports: [{ name: 'http', port: 80, targetPort: 8080 }],
      }),
      peerAuthentication(ns, 'w', {
        selector: sel,
        mode: 'STRICT',
        portLevelMtls: { 80: 'DISABLE' },
      }),
    );
    const w = m.resolveWorkload(`${ns}/w`);
    expect(mtlsOnPort(w.mtls, 8080)).toBe('STRICT');
  });
});
