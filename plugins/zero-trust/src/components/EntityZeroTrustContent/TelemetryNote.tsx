import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { TelemetryStatus } from '@zero-trust/backstage-plugin-zero-trust-common';
import { exactTime } from './LastSeen';

/**
 * Whether the callers' usage could be read from the cluster's Prometheus: the window it
 * covers, one quiet line on how to connect one (the backend's words), or a warning with
 * why it failed. The usage column and the "seen" part are shown only when it is `ok`.
 */
export function TelemetryNote(props: { telemetry: TelemetryStatus }) {
  const { telemetry } = props;
  switch (telemetry.state) {
    case 'ok':
      return (
        <Typography variant="caption" color="textSecondary" component="p">
          Usage over the last {telemetry.window.duration} (
          {exactTime(telemetry.window.start)} to{' '}
          {exactTime(telemetry.window.end)}), from the cluster's Prometheus.
        </Typography>
      );
    case 'failed':
      return (
        <Alert severity="warning">
          Usage could not be read from the cluster's Prometheus:{' '}
          {telemetry.message}. Callers are shown without it.
        </Alert>
      );
    default:
      return (
        <Typography variant="caption" color="textSecondary" component="p">
          {telemetry.message}
        </Typography>
      );
  }
}
