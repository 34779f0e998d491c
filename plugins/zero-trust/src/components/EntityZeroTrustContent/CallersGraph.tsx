import {
  DependencyGraph,
  DependencyGraphTypes,
} from '@backstage/core-components';
import { makeStyles } from '@material-ui/core/styles';
import type {
  ResolvedCaller,
  SecurityWorkload,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { useCallback, useMemo } from 'react';

/** Beyond this many callers the graph stops being a glance; the rest is one node. */
export const maxGraphCallers = 40;

type Tone = 'target' | 'entity' | 'identity' | 'wide' | 'open';

interface NodeData {
  label: string;
  tone: Tone;
}

const useStyles = makeStyles(theme => ({
  target: { fill: theme.palette.primary.main },
  entity: { fill: theme.palette.primary.light },
  identity: { fill: theme.palette.grey[500] },
  wide: { fill: theme.palette.warning.main },
  open: { fill: theme.palette.error.main },
  text: { fill: theme.palette.common.white, fontSize: 13 },
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

/** Callers → this workload; the width is estimated from the label so no text is measured twice. */
function useRenderNode() {
  const classes = useStyles();
  return useCallback(
    ({ node }: DependencyGraphTypes.RenderNodeProps<NodeData>) => {
      const width = Math.min(node.label.length, 60) * 7.5 + 24;
      const label =
        node.label.length > 60 ? `${node.label.slice(0, 59)}…` : node.label;
      return (
        <g>
          <rect
            className={classes[node.tone]}
            width={width}
            height={32}
            rx={8}
          />
          <text
            className={classes.text}
            x={width / 2}
            y={16}
            textAnchor="middle"
            alignmentBaseline="middle"
          >
            {label}
          </text>
        </g>
      );
    },
    [classes],
  );
}

/** The inbound graph: each allowed caller as a node with an edge to this workload. */
export function CallersGraph(props: { workload: SecurityWorkload }) {
  const { workload } = props;
  const renderNode = useRenderNode();
  const { nodes, edges } = useMemo(() => {
    const target = `${workload.namespace}/${workload.name}`;
    const shown = workload.allowedCallers.slice(0, maxGraphCallers);
    const rest = workload.allowedCallers.length - shown.length;
    const ns: DependencyGraphTypes.DependencyNode<NodeData>[] = [
      { id: 'target', label: target, tone: 'target' },
      ...shown.map((c, i) => ({
        id: `caller-${i}`,
        label: labelOf(c),
        tone: toneOf(c),
      })),
    ];
    const es: DependencyGraphTypes.DependencyEdge[] = shown.map((c, i) => ({
      from: `caller-${i}`,
      to: 'target',
      label: c.decision,
    }));
    if (rest > 0) {
      ns.push({
        id: 'more',
        label: `${rest} more callers: see the table`,
        tone: 'identity',
      });
      es.push({ from: 'more', to: 'target' });
    }
    return { nodes: ns, edges: es };
  }, [workload]);

  return (
    <DependencyGraph<NodeData, {}>
      nodes={nodes}
      edges={edges}
      direction={DependencyGraphTypes.Direction.LEFT_RIGHT}
      renderNode={renderNode}
      rankMargin={120}
      nodeMargin={12}
      zoom="enable-on-click"
      showArrowHeads
      fit="contain"
      style={{ width: '100%', minHeight: 240 }}
    />
  );
}
