import { makeStyles } from '@material-ui/core/styles';
import type {
  PeerTrust,
  TrustCluster,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { caText, edgeLabel, edgeSentence } from './trustText';

const width = 720;
const nodeWidth = 200;
const nodeHeight = 64;

const useStyles = makeStyles(theme => ({
  svg: { width: '100%', maxWidth: width, height: 'auto', display: 'block' },
  node: {
    fill: theme.palette.background.paper,
    stroke: theme.palette.text.secondary,
  },
  name: { fill: theme.palette.text.primary, fontWeight: 600, fontSize: 14 },
  detail: { fill: theme.palette.text.secondary, fontSize: 11 },
  trusted: { stroke: theme.palette.success.main, fill: 'none', strokeWidth: 2 },
  refused: {
    stroke: theme.palette.error.main,
    fill: 'none',
    strokeWidth: 2,
    strokeDasharray: '6 4',
  },
  label: { fontSize: 11, fill: theme.palette.text.primary },
  arrowTrusted: { fill: theme.palette.success.main },
  arrowRefused: { fill: theme.palette.error.main },
}));

interface Point {
  x: number;
  y: number;
}

/** Clusters evenly on an ellipse (two side by side, one in the middle). */
function layout(count: number, height: number): Point[] {
  if (count === 1) return [{ x: width / 2, y: height / 2 }];
  return Array.from({ length: count }, (_, i) => {
    const angle = Math.PI + (2 * Math.PI * i) / count;
    return {
      x: width / 2 + (width / 2 - nodeWidth / 2 - 10) * Math.cos(angle),
      y: height / 2 + (height / 2 - nodeHeight / 2 - 10) * Math.sin(angle),
    };
  });
}

/** Where the segment from a node's centre towards `to` leaves its box. */
function boxExit(from: Point, to: Point): Point {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const t = Math.min(
    dx ? (nodeWidth / 2 + 6) / Math.abs(dx) : Infinity,
    dy ? (nodeHeight / 2 + 6) / Math.abs(dy) : Infinity,
  );
  return { x: from.x + dx * t, y: from.y + dy * t };
}

/**
 * One edge, offset to its right so that the two directions of a pair stay apart, its
 * label written along it on that same side (so a pair's two labels never overlap,
 * whatever the angle) and turned so that it reads left to right.
 */
function Edge(props: { edge: PeerTrust; from: Point; to: Point }) {
  const { edge } = props;
  const classes = useStyles();
  const dx = props.to.x - props.from.x;
  const dy = props.to.y - props.from.y;
  const length = Math.hypot(dx, dy) || 1;
  const normal = { x: -dy / length, y: dx / length };
  const shift = (p: Point, by: number) => ({
    x: p.x + normal.x * by,
    y: p.y + normal.y * by,
  });
  const from = shift(props.from, 14);
  const to = shift(props.to, 14);
  const start = boxExit(from, to);
  const end = boxExit(to, from);
  const middle = shift(
    { x: (start.x + end.x) / 2, y: (start.y + end.y) / 2 },
    4,
  );
  let angle = (Math.atan2(dy, dx) * 180) / Math.PI;
  if (angle > 90) angle -= 180;
  if (angle < -90) angle += 180;
  // The text's "up" once turned; the label sits above the line where that is the
  // edge's outer side, and hangs below it otherwise.
  const radians = (angle * Math.PI) / 180;
  const above = normal.x * Math.sin(radians) - normal.y * Math.cos(radians) > 0;
  const ok = edge.authenticates;
  return (
    <g aria-label={edgeSentence(edge)} role="img">
      <title>{edgeSentence(edge)}</title>
      <line
        x1={start.x}
        y1={start.y}
        x2={end.x}
        y2={end.y}
        className={ok ? classes.trusted : classes.refused}
        markerEnd={`url(#zt-arrow-${ok ? 'trusted' : 'refused'})`}
      />
      <text
        x={middle.x}
        y={middle.y}
        textAnchor="middle"
        dominantBaseline={above ? 'auto' : 'hanging'}
        transform={`rotate(${angle.toFixed(1)} ${middle.x.toFixed(
          1,
        )} ${middle.y.toFixed(1)})`}
        className={classes.label}
      >
        {edgeLabel(edge)}
      </text>
    </g>
  );
}

/**
 * Clusters as boxes, trust between them as arrows from the clients to the servers whose
 * proxies accept their workloads' certificates: solid where the handshake completes
 * (labelled by how), dashed red where it fails.
 */
export function TrustPicture(props: {
  clusters: TrustCluster[];
  edges: PeerTrust[];
}) {
  const { clusters, edges } = props;
  const classes = useStyles();
  const height = clusters.length > 2 ? 420 : 200;
  const points = layout(clusters.length, height);
  const at = new Map(clusters.map((c, i) => [c.name, points[i]]));
  return (
    <svg
      className={classes.svg}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label="Trust between clusters"
    >
      <defs>
        {(['trusted', 'refused'] as const).map(kind => (
          <marker
            key={kind}
            id={`zt-arrow-${kind}`}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path
              d="M 0 0 L 10 5 L 0 10 z"
              className={
                kind === 'trusted' ? classes.arrowTrusted : classes.arrowRefused
              }
            />
          </marker>
        ))}
      </defs>
      {edges.map(edge => {
        const from = at.get(edge.root.from);
        const to = at.get(edge.root.to);
        return from && to ? (
          <Edge
            key={`${edge.root.from}->${edge.root.to}`}
            edge={edge}
            from={from}
            to={to}
          />
        ) : null;
      })}
      {clusters.map(c => {
        const p = at.get(c.name)!;
        return (
          <g key={c.name} aria-label={`cluster ${c.name}`} role="img">
            <rect
              x={p.x - nodeWidth / 2}
              y={p.y - nodeHeight / 2}
              width={nodeWidth}
              height={nodeHeight}
              rx={8}
              className={classes.node}
            />
            <text
              x={p.x}
              y={p.y - 10}
              textAnchor="middle"
              className={classes.name}
            >
              {c.name}
            </text>
            <text
              x={p.x}
              y={p.y + 6}
              textAnchor="middle"
              className={classes.detail}
            >
              {c.trustDomain}
            </text>
            <text
              x={p.x}
              y={p.y + 21}
              textAnchor="middle"
              className={classes.detail}
            >
              {c.ca ? caText[c.ca.kind] : 'CA not known'}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
