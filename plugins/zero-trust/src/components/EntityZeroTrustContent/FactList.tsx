import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';

// Plain elements with MUI's caption and body2 type on this one sheet, rather than a
// Typography (a styled wrapper) per label and value, and classes rather than Box, whose
// every instance adds a style sheet: the tab's seven cards hold about forty facts, which
// its first render pays for (see "Speed" in the README).
const useStyles = makeStyles(theme => ({
  list: { margin: 0 },
  fact: { marginBottom: theme.spacing(1.5) },
  label: {
    ...theme.typography.caption,
    display: 'block',
    color: theme.palette.text.secondary,
    textTransform: 'uppercase',
    letterSpacing: 0.5,
  },
  value: { ...theme.typography.body2, margin: 0 },
  hint: {
    ...theme.typography.caption,
    color: theme.palette.text.secondary,
    margin: 0,
    display: 'block',
  },
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
          <dt className={classes.label}>{f.label}</dt>
          <dd className={classes.value}>{f.value}</dd>
          {f.hint && <dd className={classes.hint}>{f.hint}</dd>}
        </div>
      ))}
    </dl>
  );
}
