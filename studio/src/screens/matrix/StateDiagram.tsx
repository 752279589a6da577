// The state diagram of the workflow being edited, laid out by dagre (left to right) and drawn by
// React Flow. It is derived from the draft on every change, so a cell edited in the grid shows here
// at once. Words, not only colours: each state says initial / final / unreachable / dead end, and
// each arrow is labelled with the roles that may take it (and named for assistive technology).
import '@xyflow/react/dist/style.css';
import { Graph, layout } from '@dagrejs/dagre';
import { Background, Controls, MarkerType, Position, ReactFlow, useNodesInitialized, useReactFlow, type Edge, type Node } from '@xyflow/react';
import { useEffect, useMemo } from 'react';
import { problemWord, stateLabel, type Move, type PlacedProblems, type WorkflowContent } from './workflow-model.ts';

const NODE_W = 138;
const NODE_H = 52;

interface Props {
  wf: WorkflowContent;
  /** The states in reading order: dagre keeps it where it can, so the picture matches the grid. */
  states: string[];
  moves: Move[];
  placed: PlacedProblems;
}

export function StateDiagram({ wf, states, moves, placed }: Props) {
  const { nodes, edges, width, height } = useMemo(() => build(wf, states, moves, placed), [wf, states, moves, placed]);
  // A new set of states is a new picture: fit it again (edits of arrows keep the viewport).
  const shape = states.join('|');
  return (
    // The box takes the picture's proportions (within bounds), so a wide, flat workflow is not drawn
    // tiny in the middle of a tall empty box.
    <div className="diagram" role="figure" aria-label={`State diagram of ${wf.name}`} style={{ aspectRatio: `${width} / ${Math.max(height, width / 3.2)}` }}>
      <ReactFlow
        key={shape}
        nodes={nodes}
        edges={edges}
        fitView
        fitViewOptions={{ padding: 0.04 }}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        edgesFocusable={false}
        nodesFocusable={false}
        zoomOnScroll={false}
        preventScrolling={false}
        minZoom={0.2}
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} />
        <FitWhenChanged nodes={nodes} />
      </ReactFlow>
      <ul className="visually-hidden" aria-label="Moves in the diagram">
        {moves.map((m) => (
          <li key={m.source + m.from}>{edgeName(wf, m)}</li>
        ))}
      </ul>
    </div>
  );
}

/** Fits the picture again when the layout changes (a move added can add a rank). */
function FitWhenChanged({ nodes }: { nodes: Node[] }) {
  const { fitView } = useReactFlow();
  const ready = useNodesInitialized();
  useEffect(() => {
    if (ready) void fitView({ padding: 0.04 });
  }, [nodes, ready, fitView]);
  return null;
}

const edgeName = (wf: WorkflowContent, m: Move) => `${stateLabel(wf, m.from)} to ${stateLabel(wf, m.to)}: ${m.roles.join(', ') || 'no role'}`;

function build(wf: WorkflowContent, states: string[], moves: Move[], placed: PlacedProblems): { nodes: Node[]; edges: Edge[]; width: number; height: number } {
  const g = new Graph({ multigraph: true });
  // Edge labels are not laid out as dagre labels (that doubles the ranks and shrinks the picture):
  // the gap between ranks leaves room for them.
  g.setGraph({ rankdir: 'LR', nodesep: 22, ranksep: 78, edgesep: 10, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of states) g.setNode(s, { width: NODE_W, height: NODE_H });
  const drawn = moves.filter((m) => Object.hasOwn(wf.states, m.from) && Object.hasOwn(wf.states, m.to) && m.from !== m.to);
  drawn.forEach((m, i) => g.setEdge(m.from, m.to, {}, String(i)));
  layout(g);

  const nodes: Node[] = states.map((s) => {
    const at = g.node(s);
    const problems = placed.states.get(s) ?? [];
    const words = [s === wf.initial ? 'initial' : '', wf.states[s]?.final ? 'final' : '', ...problems.map(problemWord)].filter(Boolean);
    const tone = problems.some((p) => p.severity !== 'warning') ? 'error' : problems.length ? 'warning' : '';
    return {
      id: s,
      position: { x: (at?.x ?? 0) - NODE_W / 2, y: (at?.y ?? 0) - NODE_H / 2 },
      width: NODE_W,
      height: NODE_H,
      sourcePosition: Position.Right,
      targetPosition: Position.Left,
      type: 'default',
      className: `state-node ${wf.states[s]?.final ? 'state-final' : ''} ${s === wf.initial ? 'state-initial' : ''} ${tone ? `state-${tone}` : ''}`,
      ariaLabel: `State ${stateLabel(wf, s)}${words.length ? ` (${words.join(', ')})` : ''}`,
      data: {
        label: (
          <div className="state-node-body">
            <strong>{stateLabel(wf, s)}</strong>
            {words.length ? <span className="state-words">{words.join(' · ')}</span> : null}
          </div>
        ),
      },
    };
  });
  const edges: Edge[] = drawn.map((m) => ({
    id: `${m.from}->${m.to}:${m.event}`,
    source: m.from,
    target: m.to,
    label: m.roles.join(', '),
    ariaLabel: `Move ${edgeName(wf, m)}`,
    markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
    labelBgPadding: [4, 2] as [number, number],
    labelBgBorderRadius: 4,
    className: m.roles.length ? 'move-edge' : 'move-edge move-edge-none',
  }));
  const size = g.graph();
  return { nodes, edges, width: size.width ?? 800, height: size.height ?? 400 };
}
