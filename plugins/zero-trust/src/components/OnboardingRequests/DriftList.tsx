import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type {
  OnboardingDrift,
  OnboardingSpecDifference,
} from '@zero-trust/backstage-plugin-zero-trust-common';

function Value(props: { value: unknown }) {
  if (props.value === undefined) {
    return (
      <Typography variant="body2" color="textSecondary" component="span">
        (absent)
      </Typography>
    );
  }
  return <code>{JSON.stringify(props.value)}</code>;
}

function Differences(props: {
  name: string;
  differences: OnboardingSpecDifference[];
}) {
  return (
    <Table size="small" aria-label={`Differences in ${props.name}`}>
      <TableHead>
        <TableRow>
          <TableCell>Field of spec</TableCell>
          <TableCell>In the change</TableCell>
          <TableCell>In the cluster</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.differences.map(d => (
          <TableRow key={d.path}>
            <TableCell>
              <code>{d.path}</code>
            </TableCell>
            <TableCell>
              <Value value={d.expected} />
            </TableCell>
            <TableCell>
              <Value value={d.actual} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Each way the live cluster differs from the change; for a spec, field by field. */
export function DriftList(props: { drift: OnboardingDrift[] }) {
  return (
    <>
      {props.drift.map((d, i) => (
        <Box key={`${i}:${d.message}`} mb={2}>
          <Typography variant="body2">{d.message}</Typography>
          {d.type === 'differentSpec' && (
            <Differences
              name={`${d.resource.kind} ${d.resource.namespace}/${d.resource.name}`}
              differences={d.differences}
            />
          )}
        </Box>
      ))}
    </>
  );
}
