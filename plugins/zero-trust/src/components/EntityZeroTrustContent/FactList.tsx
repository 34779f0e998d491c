import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';

// Classes rather than Box: each Box adds a style sheet of its own, which the tab's
// first render pays for (see "Speed" in the README).
const useStyles = makeStyles(theme => ({
  list: { margin: 0 },
  fact: { marginBottom: theme.spacing(1.5) },
  label: { textTransform: 'uppercase', letterSpacing: 0.5 },
  value: { margin: 0 },
  hint: { margin: 0, display: 'block' },
}));

/** Label/value rows, the label small above its value. */
export function FactList(props: {
  facts: { label: string; value: ReactNode; hint?: ReactNode }[];
}) {
  const classes = useStyles();
  return (
    <dl className={classes.list}>
      {props.facts.map(f => (
        <div key={f.label} className={classes.fact}>
          <Typography
            component="dt"
            variant="caption"
            color="textSecondary"
            className={classes.label}
          >
            {f.label}
          </Typography>
          <Typography component="dd" variant="body2" className={classes.value}>
            {f.value}
          </Typography>
          {f.hint && (
            <Typography
              component="dd"
              variant="caption"
              color="textSecondary"
              className={classes.hint}
            >
              {f.hint}
            </Typography>
          )}
        </div>
      ))}
    </dl>
  );
}
