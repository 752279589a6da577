// The status matrix as a grid: a row per from-state, a column per to-state, each cell the roles that
// may make that move. It is one tab stop (a roving focus, as in an ARIA grid): arrow keys move
// between cells, Enter opens the cell in the editor, a number key gives or takes a role, Delete
// removes the move. Problems sit on the cell or the state they concern, in words.
import { useRef, type KeyboardEvent } from 'react';
import { Badge } from '../../ui/Badge.tsx';
import { cellKey, problemWord, rolesOf, stateLabel, worst, type Move, type PlacedProblems, type WorkflowContent } from './workflow-model.ts';

export interface CellRef {
  from: string;
  to: string;
}

interface Props {
  wf: WorkflowContent;
  /** The states in reading order (rows and columns). */
  states: string[];
  moves: Move[];
  roles: string[];
  placed: PlacedProblems;
  editable: boolean;
  focus: CellRef;
  selected: CellRef | null;
  onFocus(cell: CellRef): void;
  onOpen(cell: CellRef): void;
  onToggle(cell: CellRef, role: string): void;
  onRemove(cell: CellRef): void;
}

export function MatrixGrid({ wf, states, moves, roles, placed, editable, focus, selected, onFocus, onOpen, onToggle, onRemove }: Props) {
  const table = useRef<HTMLTableElement>(null);
  const focusCell = (r: number, c: number) => {
    const row = Math.max(0, Math.min(states.length - 1, r));
    const col = Math.max(0, Math.min(states.length - 1, c));
    onFocus({ from: states[row]!, to: states[col]! });
    // Row 0 and column 0 of the table are the headers.
    table.current?.rows[row + 1]?.cells[col + 1]?.querySelector('button')?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>, from: string, to: string) => {
    const r = states.indexOf(from);
    const c = states.indexOf(to);
    const moveTo: Record<string, [number, number]> = {
      ArrowUp: [r - 1, c], ArrowDown: [r + 1, c], ArrowLeft: [r, c - 1], ArrowRight: [r, c + 1],
      Home: [r, 0], End: [r, states.length - 1],
    };
    const target = moveTo[e.key];
    if (target) {
      e.preventDefault();
      focusCell(...target);
      return;
    }
    const n = Number(e.key);
    if (editable && Number.isInteger(n) && n >= 1 && n <= roles.length) {
      e.preventDefault();
      onToggle({ from, to }, roles[n - 1]!);
    } else if (editable && (e.key === 'Delete' || e.key === 'Backspace')) {
      e.preventDefault();
      onRemove({ from, to });
    }
  };

  return (
    <div className="matrix-scroll">
      <table className="matrix" ref={table} aria-label={`Status matrix of ${wf.name}: rows are the state a record is in, columns the state it moves to`}>
        <thead>
          <tr>
            <th scope="col" className="matrix-corner">
              <span className="muted">From ↓ · To →</span>
            </th>
            {states.map((to) => (
              <th key={to} scope="col" className="matrix-col">
                {stateLabel(wf, to)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {states.map((from) => {
            const stateProblems = placed.states.get(from);
            return (
              <tr key={from}>
                <th scope="row" className="matrix-row">
                  <span className="matrix-state">{stateLabel(wf, from)}</span>
                  <span className="matrix-tags">
                    {from === wf.initial ? <Badge tone="info">initial</Badge> : null}
                    {wf.states[from]?.final ? <Badge>final</Badge> : null}
                    {stateProblems?.map((p, i) => (
                      <Badge key={i} tone={p.severity === 'warning' ? 'warn' : 'bad'} title={p.message}>
                        {problemWord(p)}
                      </Badge>
                    ))}
                  </span>
                </th>
                {states.map((to) => {
                  const cellRoles = rolesOf(moves, from, to);
                  const cellProblems = placed.cells.get(cellKey(from, to));
                  const isFocus = focus.from === from && focus.to === to;
                  const isSelected = selected?.from === from && selected.to === to;
                  const severity = worst(cellProblems);
                  const label = `From ${stateLabel(wf, from)} to ${stateLabel(wf, to)}: ${cellRoles.length ? cellRoles.join(', ') : 'no move'}${severity ? `; ${cellProblems!.length} ${severity === 'error' ? 'error' : 'warning'}${cellProblems!.length === 1 ? '' : 's'}` : ''}`;
                  return (
                    <td key={to} className={`matrix-cell ${cellRoles.length ? 'has-move' : ''} ${from === to ? 'self' : ''} ${severity ? `cell-${severity}` : ''} ${isSelected ? 'selected' : ''}`}>
                      <button
                        type="button"
                        tabIndex={isFocus ? 0 : -1}
                        aria-label={label}
                        aria-pressed={isSelected}
                        title={cellProblems?.map((p) => p.message).join('\n')}
                        onFocus={() => onFocus({ from, to })}
                        onClick={() => onOpen({ from, to })}
                        onKeyDown={(e) => onKeyDown(e, from, to)}
                      >
                        {cellRoles.length ? (
                          <span className="cell-roles">
                            {cellRoles.map((r) => (
                              <span key={r} className="cell-role">
                                {r}
                              </span>
                            ))}
                          </span>
                        ) : (
                          <span className="cell-none" aria-hidden="true">
                            ·
                          </span>
                        )}
                        {severity ? <span className={`cell-flag cell-flag-${severity}`}>{severity === 'error' ? 'Error' : 'Warning'}</span> : null}
                      </button>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
