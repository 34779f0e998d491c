import { getCompoundEntityRef } from '@backstage/catalog-model';
import { InfoCard, Progress } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { ReactNode } from 'react';
import type {
  ClusterSecurity,
  EntitySecurityResponse,
  SecurityWorkload,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { isZeroTrustAvailable } from '../../conditions';
import { useEntitySecurity } from '../EntityZeroTrustContent/useEntitySecurity';
import {
  ApiErrorState,
  MeshModeStatus,
  MtlsStatus,
  openCallers,
  relativeTime,
  SeverityStatus,
  workloadFindings,
  worstFinding,
} from '../shared';

/** The widest group the workload is open to, in a few words, if any. */
function widestOpening(w: SecurityWorkload): string | undefined {
  const levels = openCallers(w).map(o => o.level);
  if (levels.includes('anyone')) return 'open to anyone';
  if (levels.includes('authenticated')) return 'open to the whole mesh';
  if (levels.length) return 'includes a wide group';
  return undefined;
}

function callersSummary(w: SecurityWorkload): string {
  const widest = widestOpening(w);
  return `${w.allowedCallers.length} allowed${widest ? `: ${widest}` : ''}`;
}

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <Box mr={4} mb={1} minWidth="8em">
      <Typography variant="caption" color="textSecondary" component="div">
        {props.label}
      </Typography>
      {props.children}
    </Box>
  );
}

function WorkloadSummary(props: {
  cluster: ClusterSecurity;
  workload: SecurityWorkload;
}) {
  const { cluster, workload: w } = props;
  const worst = worstFinding(workloadFindings(w, cluster.namespaceFindings));
  return (
    <Box
      component="section"
      aria-label={`${w.namespace}/${w.name} in ${cluster.cluster}`}
      mb={2}
    >
      <Typography variant="subtitle1">
        {w.namespace}/{w.name}{' '}
        <Typography component="span" variant="body2" color="textSecondary">
          in {cluster.cluster}
        </Typography>
      </Typography>
      <Typography
        variant="body2"
        color="textSecondary"
        style={{ wordBreak: 'break-all', fontFamily: 'monospace' }}
        gutterBottom
      >
        {w.identity ?? 'no mesh identity'}
      </Typography>
      <Box display="flex" flexWrap="wrap">
        {w.meshMode === 'none' ? (
          <Fact label="Mesh">
            <MeshModeStatus mode={w.meshMode} />
          </Fact>
        ) : (
          <Fact label="mTLS">
            <MtlsStatus mode={w.mtls.mode} />
          </Fact>
        )}
        <Fact label="Callers">
          <Typography variant="body2">{callersSummary(w)}</Typography>
        </Fact>
        <Fact label="Worst finding">
          {worst ? (
            <>
              <SeverityStatus severity={worst.severity} />
              <Typography variant="body2">{worst.title}</Typography>
            </>
          ) : (
            <Typography variant="body2">None</Typography>
          )}
        </Fact>
      </Box>
    </Box>
  );
}

function Summary(props: { security: EntitySecurityResponse }) {
  const { clusters } = props.security;
  const rows = clusters.flatMap(c => c.workloads.map(w => ({ c, w })));
  const troubled = clusters.filter(
    c => c.status.state === 'stale' || c.status.state === 'failed',
  );
  return (
    <>
      {troubled.map(c => (
        <Box mb={1} key={c.cluster}>
          <Alert severity={c.status.state === 'failed' ? 'error' : 'warning'}>
            {c.status.state === 'failed'
              ? `Cluster ${c.cluster} could not be read.`
              : `Cluster ${c.cluster} is out of date${
                  c.status.lastSyncedAt
                    ? ` (last read ${relativeTime(c.status.lastSyncedAt)})`
                    : ''
                }.`}
          </Alert>
        </Box>
      ))}
      {rows.length ? (
        rows.map(({ c, w }) => (
          <WorkloadSummary
            key={`${c.cluster}/${w.namespace}/${w.name}`}
            cluster={c}
            workload={w}
          />
        ))
      ) : (
        <Typography variant="body2">
          No workload found for this entity in{' '}
          {clusters.map(c => c.cluster).join(', ') || 'any cluster'}.
        </Typography>
      )}
    </>
  );
}

function CardBody() {
  const { entity } = useEntity();
  const { value, loading, error, retry } = useEntitySecurity(
    getCompoundEntityRef(entity),
  );
  if (loading && !value) return <Progress />;
  if (error) {
    return (
      <ApiErrorState
        error={error}
        retry={retry}
        what="this entity"
        notFoundTitle="Not found or not visible to you"
      />
    );
  }
  return value ? <Summary security={value} /> : null;
}

/**
 * The overview card: per workload its identity, mTLS mode, how many callers are allowed
 * and the worst finding, with a link to the Security tab.
 *
 * @public
 */
export function EntityZeroTrustCard(props: {
  /** The Security tab's path under the entity page; `security` by default. */
  securityTabPath?: string;
}) {
  const { entity } = useEntity();
  const entityRoute = useRouteRef(entityRouteRef);
  const tab = (props.securityTabPath ?? 'security').replace(/^\/+/, '');
  return (
    <InfoCard
      title="Zero trust"
      deepLink={{
        title: 'Security details',
        link: `${entityRoute(entityRouteParams(entity))}/${tab}`,
      }}
    >
      {isZeroTrustAvailable(entity) ? (
        <CardBody />
      ) : (
        <Typography variant="body2">
          Add the <code>backstage.io/kubernetes-id</code> or{' '}
          <code>backstage.io/kubernetes-label-selector</code> annotation to see
          this entity's mesh identity and who may call it.
        </Typography>
      )}
    </InfoCard>
  );
}
