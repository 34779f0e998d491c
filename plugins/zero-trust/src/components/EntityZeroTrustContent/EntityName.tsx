import { useEntityPresentation } from '@backstage/plugin-catalog-react';
import { makeStyles } from '@material-ui/core/styles';

// The styles of the catalog's EntityDisplayName, on plain spans: its MUI `Box` creates
// a style sheet (and a <style> element) for every instance, and its MUI Tooltip is a
// component tree of its own, which with a page of callers cost the tab's first render
// more than the rest of the callers table (bench/render.bench.ts).
const useStyles = makeStyles(theme => ({
  root: {
    display: 'inline-flex',
    alignItems: 'center',
    textDecoration: 'inherit',
  },
  icon: {
    marginRight: theme.spacing(0.5),
    color: theme.palette.text.secondary,
    '& svg': { verticalAlign: 'middle' },
  },
}));

/**
 * An entity's name as the catalog presents it (its title where the app's entity
 * presentation API knows one, with its icon), what `EntityRefLink` shows, with the
 * full reference as the browser's own tooltip.
 */
export function EntityName(props: { entityRef: string; defaultKind?: string }) {
  const { entityRef, defaultKind } = props;
  const classes = useStyles();
  const { primaryTitle, secondaryTitle, Icon } = useEntityPresentation(
    entityRef,
    { defaultKind },
  );
  return (
    <span className={classes.root} title={secondaryTitle}>
      {Icon && (
        <span className={classes.icon}>
          <Icon fontSize="inherit" />
        </span>
      )}
      {primaryTitle}
    </span>
  );
}
