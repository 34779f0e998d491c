import { InfoCard } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import type {
  Finding,
  SecurityWorkload,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { MtlsStatus, mtlsMeaning } from '../shared';
import { FactList } from './FactList';

const useStyles = makeStyles(theme => ({
  ports: { marginBottom: theme.spacing(2) },
  conflict: { marginTop: theme.spacing(1) },
}));

/**
 * What the workload accepts (its PeerAuthentication mode, per port where overridden)
 * and client-side conflicts: DestinationRules that make callers send plaintext to it,
 * or Istio mTLS that it has no proxy to terminate.
 */
export function MtlsCard(props: {
  workload: SecurityWorkload;
  /** DestinationRule findings (ZT011, ZT016) about this workload. */
  conflicts: Finding[];
}) {
  const { workload: w, conflicts } = props;
  const classes = useStyles();
  return (
    <InfoCard title="mTLS" variant="gridItem">
      <FactList
        facts={[
          {
            label: 'Accepts',
            value: (
              <>
                <MtlsStatus mode={w.mtls.mode} />{' '}
                {w.meshMode === 'none'
                  ? 'plaintext only: no proxy terminates mTLS'
                  : mtlsMeaning[w.mtls.mode]}
              </>
            ),
            hint: w.mtls.decidedBy
              ? `Decided by ${w.mtls.decidedBy}`
              : undefined,
          },
        ]}
      />
      {w.mtls.ports.length > 0 && (
        <div className={classes.ports}>
          <Typography variant="subtitle2">Port-level overrides</Typography>
          <Table size="small" aria-label="Port-level mTLS">
            <TableHead>
              <TableRow>
                <TableCell>Port</TableCell>
                <TableCell>Mode</TableCell>
                <TableCell>Decided by</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {w.mtls.ports.map(p => (
                <TableRow key={p.port}>
                  <TableCell>{p.port}</TableCell>
                  <TableCell>
                    <MtlsStatus mode={p.mode} />
                  </TableCell>
                  <TableCell>{p.decidedBy ?? '—'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      <Typography variant="subtitle2">
        Client-side (DestinationRules)
      </Typography>
      {conflicts.length ? (
        conflicts.map(f => (
          <Alert
            key={`${f.resource.namespace}/${f.resource.name}`}
            severity="error"
            className={classes.conflict}
          >
            {f.message}
          </Alert>
        ))
      ) : (
        <Typography variant="body2" color="textSecondary">
          No DestinationRule sends it TLS it cannot take.
        </Typography>
      )}
    </InfoCard>
  );
}
