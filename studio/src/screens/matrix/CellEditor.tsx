// One cell of the matrix, opened: which roles may make the move, each a labelled checkbox, and the
// problems the change set has with it. A workflow authored as a list of transitions is shown here
// read-only: its moves carry events, conditions and effects a grid cannot say.
import { Badge } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { cellKey, movesOf, rolesOf, stateLabel, type PlacedProblems, type WorkflowContent } from './workflow-model.ts';
import type { CellRef } from './MatrixGrid.tsx';

interface Props {
  wf: WorkflowContent;
  cell: CellRef;
  roles: { id: string; label: string }[];
  placed: PlacedProblems;
  editable: boolean;
  onToggle(cell: CellRef, role: string): void;
  onRemove(cell: CellRef): void;
  onClose(): void;
}

export function CellEditor({ wf, cell, roles, placed, editable, onToggle, onRemove, onClose }: Props) {
  const moves = movesOf(wf).filter((m) => m.from === cell.from && m.to === cell.to);
  const allowed = rolesOf(moves, cell.from, cell.to);
  const problems = placed.cells.get(cellKey(cell.from, cell.to)) ?? [];
  const leavesFinal = Boolean(wf.states[cell.from]?.final);
  const title = `${stateLabel(wf, cell.from)} → ${stateLabel(wf, cell.to)}`;
  return (
    <section className="cell-editor" aria-labelledby="cell-editor-title">
      <header className="row">
        <h3 id="cell-editor-title">{title}</h3>
        <Button variant="ghost" aria-label="Close the cell" onClick={onClose}>
          ×
        </Button>
      </header>
      <p className="muted">
        {allowed.length ? `${allowed.length} role${allowed.length === 1 ? '' : 's'} may move a record from “${stateLabel(wf, cell.from)}” to “${stateLabel(wf, cell.to)}”.` : 'No move: nobody may make this move (an override still can).'}
        {moves.some((m) => m.event !== m.to) ? ` Event: ${moves.map((m) => m.event).join(', ')}.` : null}
      </p>
      {leavesFinal ? <p className="muted">“{stateLabel(wf, cell.from)}” is final: no move may leave it.</p> : null}
      <fieldset className="cell-roles-field" disabled={!editable || (leavesFinal && !allowed.length)}>
        <legend>Roles allowed</legend>
        {roles.map((r, i) => (
          <label key={r.id} className="check">
            <input type="checkbox" checked={allowed.includes(r.id)} onChange={() => onToggle(cell, r.id)} aria-keyshortcuts={String(i + 1)} />
            <span>
              {r.label} <span className="muted">({r.id})</span>
            </span>
            {editable ? <kbd aria-hidden="true">{i + 1}</kbd> : null}
          </label>
        ))}
        {allowed.filter((r) => !roles.some((x) => x.id === r)).map((r) => (
          <p key={r}>
            <Badge tone="bad">unknown role</Badge> <code>{r}</code>{' '}
            {editable ? (
              <Button variant="ghost" onClick={() => onToggle(cell, r)}>
                Take it away
              </Button>
            ) : null}
          </p>
        ))}
      </fieldset>
      {editable && allowed.length ? (
        <Button variant="danger" onClick={() => onRemove(cell)}>
          Remove this move
        </Button>
      ) : null}
      {problems.length ? (
        <ul className="problems" aria-label="Problems with this move">
          {problems.map((p, i) => (
            <li key={i} className={p.severity === 'warning' ? 'problem-warning' : 'problem-error'}>
              <strong>{p.severity === 'warning' ? 'Warning' : 'Error'}:</strong> {p.message}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
