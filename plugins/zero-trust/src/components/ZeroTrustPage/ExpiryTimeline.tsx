import { makeStyles } from '@material-ui/core/styles';
import { certificateExpiry } from '@zero-trust/backstage-plugin-zero-trust-common';
import type {
  ExpiryLevel,
  TrustCluster,
} from '@zero-trust/backstage-plugin-zero-trust-common';

const width = 720;
const labelWidth = 330;
const axisEnd = width - 20;
const rowHeight = 24;
const top = 28;
const day = 86400_000;

const useStyles = makeStyles(theme => ({
  svg: { width: '100%', maxWidth: width, height: 'auto', display: 'block' },
  axis: { stroke: theme.palette.text.secondary, strokeWidth: 1 },
  tick: { fontSize: 10, fill: theme.palette.text.secondary },
  label: { fontSize: 11, fill: theme.palette.text.primary },
  ok: { fill: theme.palette.success.main },
  soon: { fill: theme.palette.warning.main },
  imminent: { fill: theme.palette.error.main },
  expired: { fill: theme.palette.error.main },
  zone: { fill: theme.palette.warning.main, opacity: 0.12 },
}));

/** One certificate on the timeline, once however many clusters trust it. */
interface Entry {
  key: string;
  subject: string;
  role: string;
  notAfter: string;
  clusters: string[];
}

function entries(clusters: TrustCluster[]): Entry[] {
  const byKey = new Map<string, Entry>();
  for (const c of clusters) {
    for (const cert of c.certificates) {
      if (!cert.notAfter) continue;
      const key = cert.fingerprint ?? `${c.name}/${cert.source}`;
      const known = byKey.get(key);
      if (known) {
        if (!known.clusters.includes(c.name)) known.clusters.push(c.name);
      } else {
        byKey.set(key, {
          key,
          subject: cert.subject,
          role: cert.kind === 'cert-manager' ? 'cert-manager CA' : cert.role,
          notAfter: cert.notAfter,
          clusters: [c.name],
        });
      }
    }
  }
  return [...byKey.values()].sort(
    (a, b) => Date.parse(a.notAfter) - Date.parse(b.notAfter),
  );
}

const ticks: [number, string][] = [
  [0, 'now'],
  [7, '7 d'],
  [30, '30 d'],
  [365, '1 y'],
  [5 * 365, '5 y'],
  [10 * 365, '10 y'],
  [20 * 365, '20 y'],
];

function daysText(days: number, level: ExpiryLevel): string {
  if (level === 'expired') return `expired ${-days} d ago`;
  return days >= 730 ? `in ${Math.floor(days / 365)} y` : `in ${days} d`;
}

/**
 * Each root and CA certificate the clusters trust, at its end on a logarithmic axis from
 * now (so 7 and 30 days stay visible beside ten years), coloured as its countdown.
 */
export function ExpiryTimeline(props: {
  clusters: TrustCluster[];
  now?: number;
}) {
  const classes = useStyles();
  const now = props.now ?? Date.now();
  const rows = entries(props.clusters);
  if (!rows.length) return null;
  const furthest = Math.max(
    365,
    ...rows.map(r => (Date.parse(r.notAfter) - now) / day),
  );
  const x = (days: number) =>
    labelWidth +
    ((axisEnd - labelWidth) * Math.log1p(Math.max(days, 0))) /
      Math.log1p(furthest);
  const height = top + rows.length * rowHeight + 8;
  return (
    <svg
      className={classes.svg}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label="When each root and CA certificate ends"
    >
      <rect
        x={x(0)}
        y={top - 6}
        width={x(30) - x(0)}
        height={rows.length * rowHeight}
        className={classes.zone}
      />
      <line
        x1={labelWidth}
        y1={top - 6}
        x2={axisEnd}
        y2={top - 6}
        className={classes.axis}
      />
      {ticks
        .filter(([days]) => days <= furthest)
        .map(([days, text]) => (
          <text
            key={text}
            x={x(days)}
            y={top - 12}
            textAnchor="middle"
            className={classes.tick}
          >
            {text}
          </text>
        ))}
      {rows.map((r, i) => {
        const expiry = certificateExpiry(r.notAfter, now)!;
        const y = top + i * rowHeight + rowHeight / 2;
        const sentence = `${r.subject} (${r.role}, ${r.clusters.join(
          ', ',
        )}): ${daysText(expiry.days, expiry.level)}, ${r.notAfter.slice(
          0,
          10,
        )}`;
        return (
          <g
            key={r.key}
            role="img"
            aria-label={sentence}
            data-level={expiry.level}
          >
            <title>{sentence}</title>
            <text x={0} y={y + 4} className={classes.label}>
              {r.subject.length > 34 ? `${r.subject.slice(0, 33)}…` : r.subject}{' '}
              ({r.clusters.join(', ')})
            </text>
            <circle
              cx={x(expiry.days)}
              cy={y}
              r={6}
              className={classes[expiry.level]}
            />
            <text
              x={Math.min(x(expiry.days) + 10, axisEnd - 60)}
              y={y + 4}
              className={classes.tick}
            >
              {daysText(expiry.days, expiry.level)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
