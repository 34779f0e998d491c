import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import type {
  NotAllowedCaller,
  PlaintextObservation,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { LastSeen } from './LastSeen';
import { notAllowedText, plaintextText } from './usageText';

const useStyles = makeStyles(theme => ({
  part: { marginTop: theme.spacing(2) },
  item: { marginBottom: theme.spacing(0.5) },
}));

/**
 * What the workload's proxy saw that its policies do not allow: refused attempts (a
 * missing permission or a probe) with what `check` says today, and plaintext traffic,
 * a warning whether the workload's mTLS refused it or accepted it.
 */
export function SeenNotAllowed(props: {
  notAllowed: NotAllowedCaller[];
  plaintext: PlaintextObservation[];
}) {
  const { plaintext } = props;
  // A source without identity is plaintext: its warning below says whether it was
  // refused, so it is not listed twice.
  const plaintextSources = new Set(
    plaintext.map(p => JSON.stringify(p.source)),
  );
  const notAllowed = props.notAllowed.filter(
    c => c.source.principal || !plaintextSources.has(JSON.stringify(c.source)),
  );
  const classes = useStyles();
  if (!notAllowed.length && !plaintext.length) return null;
  return (
    <section className={classes.part} aria-label="Not allowed but seen">
      <Typography variant="subtitle2">
        {`Not allowed but seen (${notAllowed.length + plaintext.length})`}
      </Typography>
      {notAllowed.map(c => (
        <div
          className={classes.item}
          key={`denied:${JSON.stringify(c.source)}`}
        >
          <Typography variant="body2">
            <strong>{c.label}</strong>: {notAllowedText(c)}
          </Typography>
          <LastSeen at={c.lastSeen} />
        </div>
      ))}
      {plaintext.map(p => (
        <Alert
          className={classes.item}
          severity={p.verdict === 'accepted' ? 'error' : 'warning'}
          key={`plaintext:${JSON.stringify(p.source)}`}
        >
          <strong>{p.label}</strong>: {plaintextText(p)}
          <LastSeen at={p.lastSeen} />
        </Alert>
      ))}
    </section>
  );
}
