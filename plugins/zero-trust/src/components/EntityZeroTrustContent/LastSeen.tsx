import Typography from '@material-ui/core/Typography';
import { relativeTime } from '../shared';

/** `2025-05-01 09:58:00 UTC` from an ISO time; the input unchanged if it is not one. */
export function exactTime(iso: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * `last seen 3 hours ago`, with the exact time on hover (the browser's own tooltip).
 * `className` in place of the caption Typography, for a table's shared caption class.
 */
export function LastSeen(props: { at?: string; className?: string }) {
  if (!props.at) return null;
  const text = `last seen ${relativeTime(props.at)}`;
  return props.className ? (
    <span className={props.className} title={exactTime(props.at)}>
      {text}
    </span>
  ) : (
    <Typography
      variant="caption"
      color="textSecondary"
      component="div"
      title={exactTime(props.at)}
    >
      {text}
    </Typography>
  );
}
