import { CopyTextButton, InfoCard } from '@backstage/core-components';
import { makeStyles } from '@material-ui/core/styles';
import type { SecurityWorkload } from '@zero-trust/backstage-plugin-zero-trust-common';
import { MeshModeStatus } from '../shared';
import { FactList } from './FactList';

const useStyles = makeStyles({
  identity: { display: 'flex', alignItems: 'center' },
  spiffeId: { wordBreak: 'break-all' },
});

/** Who the workload is in the mesh: the identity its certificate carries. */
export function IdentityCard(props: { workload: SecurityWorkload }) {
  const { workload: w } = props;
  const classes = useStyles();
  return (
    <InfoCard title="Identity" variant="gridItem">
      <FactList
        facts={[
          {
            label: 'SPIFFE ID',
            value: w.identity ? (
              <div className={classes.identity}>
                <code className={classes.spiffeId}>{w.identity}</code>
                <CopyTextButton
                  text={w.identity}
                  aria-label="Copy SPIFFE ID"
                  tooltipText="SPIFFE ID copied"
                />
              </div>
            ) : (
              'None: outside the mesh, the workload gets no certificate'
            ),
            hint: w.identity
              ? 'AuthorizationPolicies name it as the principal without spiffe://'
              : undefined,
          },
          {
            label: 'Trust domain',
            value: <code>{w.trustDomain}</code>,
            hint: w.trustDomainAliases.length
              ? `Also answers to: ${w.trustDomainAliases.join(', ')}`
              : undefined,
          },
          { label: 'Service account', value: <code>{w.serviceAccount}</code> },
          { label: 'Namespace', value: <code>{w.namespace}</code> },
          {
            label: 'Mesh mode',
            value: <MeshModeStatus mode={w.meshMode} revision={w.revision} />,
            hint: w.meshReason,
          },
        ]}
      />
    </InfoCard>
  );
}
