import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  NotAllowedCaller,
  ResolvedCaller,
  SecurityWorkload,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { useMemo } from 'react';
import { callsText } from './usageText';

/** Beyond this many callers the graph stops being a glance; the rest is one node. */
export const maxGraphCallers = 40;

type Tone = 'target' | 'entity' | 'identity' | 'wide' | 'open' | 'seen';

/** How an edge is drawn: by its usage where telemetry was read, else plain. */
export type EdgeState = 'allowed' | 'used' | 'unused' | 'denied';

interface GraphNode {
  label: string;
  tone: Tone;
  edge: { state: EdgeState; label: string; title: string };
}

const rowHeight = 32;
const rowGap = 12;
const edgeLabelZone = 130;
const curveZone = 110;

const useStyles = makeStyles(theme => ({
  svg: { width: '100%', height: 'auto', display: 'block' },
  target: { fill: theme.palette.primary.main },
  entity: { fill: theme.palette.primary.light },
  identity: { fill: theme.palette.grey[500] },
  wide: { fill: theme.palette.warning.main },
  open: { fill: theme.palette.error.main },
  seen: { fill: theme.palette.grey[700] },
  text: { fill: theme.palette.common.white, fontSize: 13 },
  edgeText: { fill: theme.palette.text.primary, fontSize: 12 },
  edgeBack: { fill: theme.palette.background.paper },
  allowed: { stroke: theme.palette.text.secondary, fill: 'none' },
  used: { stroke: theme.palette.success.main, fill: 'none', strokeWidth: 2 },
  unused: {
    stroke: theme.palette.warning.main,
    fill: 'none',
    strokeDasharray: '6 4',
  },
  denied: { stroke: theme.palette.error.main, fill: 'none', strokeWidth: 2 },
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginTop: theme.spacing(1),
  },
  swatch: { verticalAlign: 'middle', marginRight: theme.spacing(0.5) },
}));

function toneOf(c: ResolvedCaller): Tone {
  switch (c.source.kind) {
    case 'anyone':
    case 'authenticated':
      return 'open';
    case 'namespace':
    case 'namespacePattern':
    case 'principalPattern':
      return 'wide';
    default:
      return c.entityRefs.length ? 'entity' : 'identity';
  }
}

function labelOf(c: ResolvedCaller): string {
  return c.entityRefs.length ? c.entityRefs.join(', ') : c.label;
}

function allowedEdge(c: ResolvedCaller, showUsage: boolean): GraphNode['edge'] {
  if (!showUsage || !c.usage) {
    return {
      state: 'allowed',
      label: c.decision,
      title: `allowed: ${c.decision}`,
    };
  }
  if (c.usage.state === 'used') {
    return {
      state: 'used',
      label: callsText(c.usage.count),
      title: `used: ${callsText(c.usage.count)} in ${c.usage.window.duration}`,
    };
  }
  return {
    state: 'unused',
    label: 'unused',
    title: `unused over ${c.usage.window.duration}`,
  };
}

function deniedEdge(c: NotAllowedCaller): GraphNode['edge'] {
  const label =
    c.denied === undefined
      ? callsText(c.count)
      : `${c.denied.toLocaleString('en-US')} refused`;
  return {
    state: 'denied',
    label,
    title: `not allowed: ${label} (check today: ${c.decision})`,
  };
}

/** The width a label needs, estimated so that nothing is measured. */
const widthOf = (label: string) => Math.min(label.length, 60) * 7.5 + 24;
const clip = (label: string) =>
  label.length > 60 ? `${label.slice(0, 59)}…` : label;

/** The nodes on the left: allowed callers, then sources seen but not allowed. */
function graphNodes(workload: SecurityWorkload, showUsage: boolean) {
  const all: GraphNode[] = [
    ...workload.allowedCallers.map(c => ({
      label: labelOf(c),
      tone: toneOf(c),
      edge: allowedEdge(c, showUsage),
    })),
    ...(showUsage ? workload.notAllowedCallers ?? [] : []).map(c => ({
      label: c.label,
      tone: 'seen' as const,
      edge: deniedEdge(c),
    })),
  ];
  const shown = all.slice(0, maxGraphCallers);
  const rest = all.length - shown.length;
  if (rest > 0) {
    shown.push({
      label: `${rest} more callers: see the table`,
      tone: 'identity',
      edge: { state: 'allowed', label: '', title: `${rest} more` },
    });
  }
  return shown;
}

function Legend(props: { duration: string }) {
  const classes = useStyles();
  const items: [EdgeState, string][] = [
    ['used', `used (calls in ${props.duration})`],
    ['unused', `unused over ${props.duration}`],
    ['denied', 'seen, not allowed (refused)'],
  ];
  return (
    <div className={classes.legend} aria-label="Legend">
      {items.map(([state, text]) => (
        <Typography variant="caption" key={state}>
          <svg width={28} height={10} className={classes.swatch}>
            <line x1={0} y1={5} x2={28} y2={5} className={classes[state]} />
          </svg>
          {text}
        </Typography>
      ))}
    </div>
  );
}

/**
 * The inbound graph: each allowed caller (and, where telemetry was read, each source
 * seen but not allowed) with an edge to this workload, coloured by its usage: used with
 * its count, unused (dashed), refused. A star needs no layout engine: callers in a
 * column, the workload on their right.
 */
export function CallersGraph(props: {
  workload: SecurityWorkload;
  showUsage?: boolean;
}) {
  const { workload, showUsage = false } = props;
  const classes = useStyles();
  const nodes = useMemo(
    () => graphNodes(workload, showUsage),
    [workload, showUsage],
  );
  const target = `${workload.namespace}/${workload.name}`;
  const left = Math.max(...nodes.map(n => widthOf(n.label)));
  const targetX = left + edgeLabelZone + curveZone;
  const height = Math.max(
    nodes.length * (rowHeight + rowGap) - rowGap,
    rowHeight,
  );
  const targetY = (height - rowHeight) / 2;
  const width = targetX + widthOf(target);
  const usageWindow = workload.allowedCallers.find(c => c.usage)?.usage?.window;

  return (
    <>
      <svg
        className={classes.svg}
        viewBox={`0 0 ${width} ${height}`}
        style={{ maxWidth: width }}
        role="img"
        aria-label={`Callers of ${target}`}
      >
        {nodes.map((n, i) => {
          const y = i * (rowHeight + rowGap) + rowHeight / 2;
          const x1 = widthOf(n.label);
          const bend = left + edgeLabelZone;
          const ty = targetY + rowHeight / 2;
          const d = `M ${x1} ${y} H ${bend} C ${bend + curveZone / 2} ${y}, ${
            bend + curveZone / 2
          } ${ty}, ${targetX} ${ty}`;
          const labelWidth = n.edge.label.length * 7 + 10;
          return (
            <g key={i} data-testid="edge" data-state={n.edge.state}>
              <title>{`${n.label} → ${target}: ${n.edge.title}`}</title>
              <path d={d} className={classes[n.edge.state]} />
              {n.edge.label && (
                <>
                  <rect
                    className={classes.edgeBack}
                    x={left + edgeLabelZone / 2 - labelWidth / 2}
                    y={y - 9}
                    width={labelWidth}
                    height={18}
                    rx={4}
                  />
                  <text
                    className={classes.edgeText}
                    x={left + edgeLabelZone / 2}
                    y={y}
                    textAnchor="middle"
                    dominantBaseline="middle"
                  >
                    {n.edge.label}
                  </text>
                </>
              )}
            </g>
          );
        })}
        {nodes.map((n, i) => (
          <g
            key={i}
            data-testid="node"
            transform={`translate(0 ${i * (rowHeight + rowGap)})`}
          >
            <rect
              className={classes[n.tone]}
              width={widthOf(n.label)}
              height={rowHeight}
              rx={8}
            />
            <text
              className={classes.text}
              x={widthOf(n.label) / 2}
              y={rowHeight / 2}
              textAnchor="middle"
              dominantBaseline="middle"
            >
              {clip(n.label)}
            </text>
          </g>
        ))}
        <g data-testid="node" transform={`translate(${targetX} ${targetY})`}>
          <rect
            className={classes.target}
            width={widthOf(target)}
            height={rowHeight}
            rx={8}
          />
          <text
            className={classes.text}
            x={widthOf(target) / 2}
            y={rowHeight / 2}
            textAnchor="middle"
            dominantBaseline="middle"
          >
            {clip(target)}
          </text>
        </g>
      </svg>
      {showUsage && usageWindow && <Legend duration={usageWindow.duration} />}
    </>
  );
}
