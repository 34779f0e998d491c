import { stringifyEntityRef } from '@backstage/catalog-model';
import { LinkButton } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { SecurityWorkload } from '@zero-trust/backstage-plugin-zero-trust-common';
import { tightenTemplate, useTemplateLink } from '../shared';

const useStyles = makeStyles(theme => ({
  tighten: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginTop: theme.spacing(2),
  },
}));

/**
 * Where some allowed caller went unused over the window: a link to the template
 * "Tighten who may call this service", prefilled with this entity and the window the
 * usage was read over. Nothing otherwise.
 */
export function TightenLink(props: { workload: SecurityWorkload }) {
  const { entity } = useEntity();
  const link = useTemplateLink(tightenTemplate);
  const classes = useStyles();
  const unused = props.workload.allowedCallers.flatMap(c =>
    c.usage?.state === 'unused' ? [c.usage] : [],
  );
  if (!unused.length) return null;
  const { duration } = unused[0].window;
  return (
    <div className={classes.tighten}>
      <Typography variant="body2">
        {`${unused.length} allowed ${
          unused.length === 1 ? 'caller was' : 'callers were'
        } not seen over ${duration}.`}
      </Typography>
      <LinkButton
        to={link({ entityRef: stringifyEntityRef(entity), window: duration })}
        variant="outlined"
        size="small"
        color="primary"
      >
        Tighten who may call this service
      </LinkButton>
    </div>
  );
}
