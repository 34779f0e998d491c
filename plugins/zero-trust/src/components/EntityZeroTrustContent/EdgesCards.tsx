import { InfoCard, StatusWarning } from '@backstage/core-components';
import type { SecurityWorkload } from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  MeshPathLines,
  gatewayLabel,
  meshPathClientText,
  meshPathServerText,
  reachText,
  routeLabel,
} from '../shared';

import { FactList } from './FactList';

type Exposure = NonNullable<SecurityWorkload['exposure']>[number];
type Route = NonNullable<SecurityWorkload['routes']>[number];

function tlsText(e: Exposure): string {
  if (e.httpsRedirect) return 'redirects to HTTPS';
  return e.tls === 'none' ? 'no TLS' : `TLS ${e.tls}`;
}

/**
 * Who reaches the workload from outside: each gateway, host, port and TLS mode, and
 * whether the gateway's Service lets clients outside the cluster in.
 */
export function ExposureCard(props: { exposure?: Exposure[] }) {
  const ways = props.exposure ?? [];
  return (
    <InfoCard title="Exposure" variant="gridItem">
      {ways.length === 0 ? (
        <FactList
          facts={[
            {
              label: 'From outside',
              value: 'Not exposed',
              hint: 'No Istio or Gateway API gateway routes to its services',
            },
          ]}
        />
      ) : (
        <FactList
          facts={ways.map(e => ({
            label: `${e.host}:${e.port}`,
            value: (
              <>
                <div>
                  through Gateway <code>{gatewayLabel(e)}</code> ({e.protocol},{' '}
                  {e.tls === 'none' && !e.httpsRedirect ? (
                    <StatusWarning>{tlsText(e)}</StatusWarning>
                  ) : (
                    tlsText(e)
                  )}
                  )
                </div>
                <div>
                  to {e.service} by <code>{routeLabel(e)}</code>
                  {e.match ? `, on ${e.match.join(' or ')}` : ''}
                </div>
                <div>
                  Reached{' '}
                  {e.reach.from === 'unknown' ? (
                    <StatusWarning>{reachText(e.reach)}</StatusWarning>
                  ) : (
                    reachText(e.reach)
                  )}
                </div>
                <MeshPathLines
                  paths={e.meshClients}
                  text={meshPathClientText}
                />
              </>
            ),
            hint: e.gatewayPolicies.length
              ? `Gateway policies: ${e.gatewayPolicies.join(', ')}`
              : 'No AuthorizationPolicy on the gateway',
          }))}
        />
      )}
    </InfoCard>
  );
}

/** What the workload may call outside the mesh, and how. */
export function EgressCard(props: {
  egress: NonNullable<SecurityWorkload['egress']>;
}) {
  const { egress } = props;
  const tls = (h: (typeof egress.hosts)[number]) => {
    const t = h.tlsOrigination;
    if (!t) return '';
    const by =
      t.by === 'sidecar' ? 'the sidecar' : `egress gateway ${t.gateway}`;
    return `, TLS originated by ${by} (${t.mode} on ${t.ports.join(
      ',',
    )}, DestinationRule ${t.destinationRule})`;
  };
  const how = (h: (typeof egress.hosts)[number]) => {
    if (h.how === 'blocked') return <StatusWarning>blocked</StatusWarning>;
    if (h.how === 'egress-gateway') return `through ${h.via?.host}`;
    return 'direct';
  };
  // The policies on the way (its ServiceEntry's waypoint), and what they decide for
  // this workload's calls on each port (no method or path given).
  const policies = (h: (typeof egress.hosts)[number]) => {
    const a = h.authorization;
    if (!a) return null;
    const names = a.policies.map(p => p.policy).join(', ');
    if (!a.waypoint) {
      return (
        <div>
          <StatusWarning>
            {names} enforced nowhere: the ServiceEntry uses no waypoint
          </StatusWarning>
        </div>
      );
    }
    const decisions = a.decisions
      .map(d => `${d.port} ${d.decision}`)
      .join(', ');
    return (
      <div>
        through waypoint <code>{a.waypoint}</code> ({names}): {decisions}
      </div>
    );
  };
  return (
    <InfoCard title="Egress" variant="gridItem">
      <FactList
        facts={[
          {
            label: 'Outbound traffic policy',
            value: egress.anyHost ? (
              <StatusWarning>
                ALLOW_ANY: any host outside the mesh
              </StatusWarning>
            ) : (
              'REGISTRY_ONLY: only registered hosts'
            ),
            hint: `From ${egress.decidedBy}`,
          },
          {
            label: 'External hosts',
            value: egress.hosts.length
              ? egress.hosts.map(h => (
                  <div key={`${h.host}-${h.serviceEntry}`}>
                    {h.host}:{h.ports.map(p => p.number).join(',')} {how(h)}{' '}
                    (ServiceEntry <code>{h.serviceEntry}</code>){tls(h)}
                    <MeshPathLines
                      paths={h.meshPaths}
                      text={meshPathServerText}
                    />
                    {policies(h)}
                  </div>
                ))
              : 'None registered',
            ...(egress.sidecar
              ? { hint: `Scoped by Sidecar ${egress.sidecar}` }
              : {}),
          },
        ]}
      />
    </InfoCard>
  );
}

function retriesText(r: Route['retries']): string {
  if (r.attempts === 0) return 'no retries';
  const parts = [`${r.attempts} retries`];
  if (r.perTryTimeout) parts.push(`${r.perTryTimeout} per try`);
  if (r.retryOn) parts.push(`on ${r.retryOn}`);
  return `${parts.join(', ')}${r.istioDefault ? " (Istio's default)" : ''}`;
}

/** `tcp.maxConnections 100, http.maxRetries 2`: each field a connection pool sets. */
function poolText(
  pool: Pick<NonNullable<Route['connectionPool']>, 'tcp' | 'http'>,
): string {
  return (['tcp', 'http'] as const)
    .flatMap(group =>
      Object.entries(pool[group] ?? {}).map(([k, v]) => `${group}.${k} ${v}`),
    )
    .join(', ');
}

function outlierText(
  outlier: Omit<NonNullable<Route['outlierDetection']>, 'destinationRule'>,
): string {
  return Object.entries(outlier)
    .filter(([k]) => k !== 'destinationRule')
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/** One port's (and subset's) policy, where the DestinationRule sets it apart. */
function portPolicyText(
  p: NonNullable<Route['trafficPolicies']>[number],
): string {
  const parts = [
    p.connectionPool && poolText(p.connectionPool)
      ? `connection pool ${poolText(p.connectionPool)}`
      : 'default connection pool',
    p.outlierDetection
      ? `outlier detection ${outlierText(p.outlierDetection)}`
      : 'no outlier detection',
  ];
  return `Port ${p.port}${p.subset ? `, subset ${p.subset}` : ''}: ${parts.join(
    '; ',
  )}`;
}

/** The timeout, retries, outlier detection and connection pool the workload's callers get. */
export function RoutesCard(props: { routes: Route[] }) {
  return (
    <InfoCard title="Routes" variant="gridItem">
      <FactList
        facts={props.routes.map(r => ({
          label: `${r.host}${r.match ? ` (${r.match.join(' or ')})` : ''}`,
          value: (
            <>
              <div>
                Timeout {r.timeout ?? "none (Istio's default)"};{' '}
                {retriesText(r.retries)}
              </div>
              {r.outlierDetection && (
                <div>Outlier detection: {outlierText(r.outlierDetection)}</div>
              )}
              {r.connectionPool && poolText(r.connectionPool) && (
                <div>Connection pool: {poolText(r.connectionPool)}</div>
              )}
              {r.trafficPolicies?.map(p => (
                <div key={`${p.port}-${p.subset ?? ''}`}>
                  {portPolicyText(p)}
                </div>
              ))}
            </>
          ),
          hint: r.virtualService
            ? `VirtualService ${r.virtualService}`
            : 'No VirtualService',
        }))}
      />
    </InfoCard>
  );
}
