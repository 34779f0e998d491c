import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { zeroTrustApiRef } from '../../api';
import { ApiErrorState, CaveatsAlert, FindingsTable } from '../shared';
import { ExpiryTimeline } from './ExpiryTimeline';
import { TrustPicture } from './TrustPicture';
import { edgeSentence } from './trustText';

const useStyles = makeStyles(theme => ({
  grid: {
    display: 'grid',
    gap: theme.spacing(2),
    gridTemplateColumns: 'minmax(0, 1fr)',
    [theme.breakpoints.up('lg')]: {
      gridTemplateColumns: 'minmax(0, 3fr) minmax(0, 2fr)',
    },
    marginBottom: theme.spacing(2),
  },
  sentences: {
    margin: theme.spacing(1, 0, 0),
    paddingLeft: theme.spacing(2.5),
  },
}));

/**
 * The platform page's Trust view: which clusters' workloads authenticate to which (a
 * picture and the same in sentences) beside when each root and CA certificate ends, and
 * the certificate findings below them, as wide as the page (the table has six columns).
 */
export function TrustSection() {
  const api = useApi(zeroTrustApiRef);
  const trust = useAsyncRetry(() => api.getTrust(), [api]);
  const classes = useStyles();
  if (trust.loading && !trust.value) return <Progress />;
  if (trust.error) {
    return (
      <ApiErrorState
        error={trust.error}
        retry={trust.retry}
        what="the trust between clusters"
      />
    );
  }
  const { clusters, edges, findings, caveats } = trust.value!;
  if (!clusters.length) {
    return (
      <EmptyState
        missing="data"
        title="No cluster read yet"
        description="The trust between clusters shows once a cluster has been read."
      />
    );
  }
  return (
    <>
      <CaveatsAlert
        title="The trust shown may be incomplete"
        caveats={caveats}
      />
      <div className={classes.grid}>
        <InfoCard title="Who authenticates to whom">
          <TrustPicture clusters={clusters} edges={edges} />
          <ul className={classes.sentences}>
            {edges.map(e => (
              <Typography
                component="li"
                variant="body2"
                key={`${e.root.from}->${e.root.to}`}
              >
                {edgeSentence(e)}
              </Typography>
            ))}
          </ul>
        </InfoCard>
        <InfoCard
          title="Root and CA certificates"
          subheader="Amber within 30 days, red within 7"
        >
          {clusters.some(c => c.certificates.some(x => x.notAfter)) ? (
            <ExpiryTimeline clusters={clusters} />
          ) : (
            <Typography variant="body2">
              No root certificate read: no istio-ca-root-cert ConfigMap,
              meshConfig caCertificates PEM or cert-manager CA Certificate in
              the clusters.
            </Typography>
          )}
        </InfoCard>
      </div>
      <FindingsTable
        findings={findings}
        title="Certificate findings"
        withCluster
        emptyContent="No certificate findings"
      />
    </>
  );
}
