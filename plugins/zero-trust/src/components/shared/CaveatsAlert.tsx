import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { ClusterCaveat } from '@zero-trust/backstage-plugin-zero-trust-common';

/**
 * A warning above an answer computed from clusters not complete and current: each
 * cluster's caveat, the resources behind it and what reading its manifests left out.
 * Nothing when there are none.
 */
export function CaveatsAlert(props: {
  title: string;
  caveats: ClusterCaveat[] | undefined;
}) {
  const { title, caveats = [] } = props;
  if (!caveats.length) return null;
  return (
    <Box mb={2}>
      <Alert severity="warning">
        <AlertTitle>{title}</AlertTitle>
        {caveats.map(c => (
          <div key={c.cluster}>
            {c.message}
            {(c.resources.length > 0 || !!c.notes?.length) && (
              <ul style={{ margin: '2px 0 4px', paddingLeft: 20 }}>
                {c.resources.map(r => (
                  <li key={r.resource}>{r.text}</li>
                ))}
                {c.notes?.map(note => (
                  <li key={note}>{note}</li>
                ))}
              </ul>
            )}
          </div>
        ))}
      </Alert>
    </Box>
  );
}
