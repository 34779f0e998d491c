import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';

/** Label/value rows, the label small above its value. */
export function FactList(props: {
  facts: { label: string; value: ReactNode; hint?: ReactNode }[];
}) {
  return (
    <dl style={{ margin: 0 }}>
      {props.facts.map(f => (
        <Box key={f.label} mb={1.5}>
          <Typography
            component="dt"
            variant="caption"
            color="textSecondary"
            style={{ textTransform: 'uppercase', letterSpacing: 0.5 }}
          >
            {f.label}
          </Typography>
          <Typography component="dd" variant="body2" style={{ margin: 0 }}>
            {f.value}
          </Typography>
          {f.hint && (
            <Typography
              component="dd"
              variant="caption"
              color="textSecondary"
              style={{ margin: 0, display: 'block' }}
            >
              {f.hint}
            </Typography>
          )}
        </Box>
      ))}
    </dl>
  );
}
