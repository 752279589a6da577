// The workflow as the matrix screen reads and edits it: states, moves (from either authoring form),
// and the problems of the change set placed on the state or cell they concern. Pure functions: the
// engine stays the judge of every rule, this only reshapes what the admin sees and authors.
import type { DefinitionProblem } from '../../types.ts';

export interface StateDef {
  label?: string;
  final?: boolean;
  [key: string]: unknown;
}

/** A matrix cell: a list of roles, or an object with roles and more (event, when, effects). */
export type MatrixCell = string[] | { roles: string[]; [key: string]: unknown };

export interface TransitionDef {
  event: string;
  from: string | string[];
  to: string;
  roles: string[];
  [key: string]: unknown;
}

export interface OverridePolicy {
  roles: string[];
  remarks?: 'required' | 'optional';
}

export interface WorkflowContent {
  kind: 'workflow';
  name: string;
  entity: string;
  field: string;
  initial: string;
  states: Record<string, StateDef>;
  matrix?: Record<string, Record<string, MatrixCell>>;
  transitions?: TransitionDef[];
  override?: OverridePolicy;
  [key: string]: unknown;
}

/** One allowed move, whichever form it was authored in. */
export interface Move {
  from: string;
  to: string;
  event: string;
  roles: string[];
  /** Where it is authored ($.matrix.a.b or $.transitions[i]): problems name this place. */
  source: string;
}

export const form = (wf: WorkflowContent): 'matrix' | 'transitions' => (wf.matrix ? 'matrix' : 'transitions');

const cellRoles = (cell: MatrixCell) => (Array.isArray(cell) ? cell : cell.roles);

export function movesOf(wf: WorkflowContent): Move[] {
  const out: Move[] = [];
  (wf.transitions ?? []).forEach((t, i) => {
    for (const from of Array.isArray(t.from) ? t.from : [t.from]) out.push({ from, to: t.to, event: t.event, roles: [...t.roles], source: `$.transitions[${i}]` });
  });
  for (const [from, row] of Object.entries(wf.matrix ?? {})) {
    for (const [to, cell] of Object.entries(row)) {
      const event = !Array.isArray(cell) && typeof cell.event === 'string' ? cell.event : to;
      out.push({ from, to, event, roles: [...cellRoles(cell)], source: `$.matrix.${from}.${to}` });
    }
  }
  return out;
}

/** The roles allowed from → to (every move between them, merged). */
export function rolesOf(moves: Move[], from: string, to: string): string[] {
  return [...new Set(moves.filter((m) => m.from === from && m.to === to).flatMap((m) => m.roles))];
}

/**
 * The workflow with `role` given or taken on the matrix cell from → to. A cell left with no role is
 * removed (a move no role may take is an error, and "no move" is what the admin means). An object
 * cell keeps its event, condition and effects: only its roles change.
 */
export function toggleRole(wf: WorkflowContent, from: string, to: string, role: string, on: boolean): WorkflowContent {
  const matrix = { ...(wf.matrix ?? {}) };
  const row = { ...(matrix[from] ?? {}) };
  const cell = row[to];
  const before = cell ? cellRoles(cell) : [];
  const roles = on ? (before.includes(role) ? before : [...before, role]) : before.filter((r) => r !== role);
  if (!roles.length) delete row[to];
  else row[to] = !cell || Array.isArray(cell) ? roles : { ...cell, roles };
  if (Object.keys(row).length) matrix[from] = row;
  else delete matrix[from];
  return { ...wf, matrix };
}

/** The workflow without the move from → to (every role). */
export function removeMove(wf: WorkflowContent, from: string, to: string): WorkflowContent {
  let out = wf;
  for (const r of rolesOf(movesOf(wf), from, to)) out = toggleRole(out, from, to, r, false);
  return out;
}

export function setOverride(wf: WorkflowContent, policy: OverridePolicy | undefined): WorkflowContent {
  const { override: _old, ...rest } = wf;
  return policy ? { ...rest, override: policy } : (rest as WorkflowContent);
}

/** Problems placed where they belong: on a state, on a cell (from → to), or on the workflow. */
export interface PlacedProblems {
  states: Map<string, DefinitionProblem[]>;
  cells: Map<string, DefinitionProblem[]>;
  override: DefinitionProblem[];
  all: DefinitionProblem[];
}

export const cellKey = (from: string, to: string) => `${from}\n${to}`;

const push = <K,>(m: Map<K, DefinitionProblem[]>, k: K, p: DefinitionProblem) => m.set(k, [...(m.get(k) ?? []), p]);

export function placeProblems(wf: WorkflowContent, problems: DefinitionProblem[]): PlacedProblems {
  const placed: PlacedProblems = { states: new Map(), cells: new Map(), override: [], all: problems };
  const moves = movesOf(wf);
  for (const p of problems) {
    let m: RegExpMatchArray | null;
    if ((m = p.path.match(/^\$\.states\.([^.[]+)/))) push(placed.states, m[1]!, p);
    else if (p.path === '$.initial') push(placed.states, wf.initial, p);
    else if ((m = p.path.match(/^\$\.matrix\.([^.[]+)\.([^.[]+)/))) push(placed.cells, cellKey(m[1]!, m[2]!), p);
    else if ((m = p.path.match(/^\$\.matrix\.([^.[]+)$/))) push(placed.states, m[1]!, p);
    else if ((m = p.path.match(/^(\$\.transitions\[\d+\])/))) {
      for (const mv of moves.filter((x) => x.source === m![1])) push(placed.cells, cellKey(mv.from, mv.to), p);
    } else if (p.path.startsWith('$.override')) placed.override.push(p);
  }
  return placed;
}

/** A short word for a problem list: the worst severity. */
export const worst = (ps: DefinitionProblem[] | undefined) => (!ps?.length ? undefined : ps.some((p) => p.severity !== 'warning') ? 'error' : 'warning');

/** What kind of warning a state problem is, in a word or two, for badges. */
export function problemWord(p: DefinitionProblem): string {
  if (/cannot be reached/.test(p.message)) return 'unreachable';
  if (/no move leaves it/.test(p.message)) return 'dead end';
  if (/Role ".*" is not declared/.test(p.message)) return 'unknown role';
  if (/not declared/.test(p.message)) return 'unknown state';
  return p.severity === 'warning' ? 'warning' : 'error';
}

export const stateLabel = (wf: WorkflowContent, s: string) => wf.states[s]?.label ?? s;

/**
 * The states in the order a person reads the workflow: by how many moves they are from the initial
 * state (then by label), unreachable ones after, final ones last. The stored content cannot give the
 * authored order (the database keeps object keys in its own order). The order comes from a
 * reference (the live workflow) so the grid does not reshuffle under the admin's hands as they edit;
 * states it lacks come last.
 */
export function orderStates(wf: WorkflowContent, reference: WorkflowContent | undefined): string[] {
  const ref = reference ?? wf;
  const distance = new Map<string, number>([[ref.initial, 0]]);
  const queue = [ref.initial];
  const moves = movesOf(ref);
  while (queue.length) {
    const from = queue.shift()!;
    for (const m of moves) {
      if (m.from === from && !distance.has(m.to)) {
        distance.set(m.to, distance.get(from)! + 1);
        queue.push(m.to);
      }
    }
  }
  const rank = (s: string) => (ref.states[s]?.final ? 2 : distance.has(s) ? 0 : 1);
  const known = Object.keys(ref.states).sort(
    (a, b) => rank(a) - rank(b) || (distance.get(a) ?? 0) - (distance.get(b) ?? 0) || stateLabel(ref, a).localeCompare(stateLabel(ref, b)),
  );
  return [...known.filter((s) => Object.hasOwn(wf.states, s)), ...Object.keys(wf.states).filter((s) => !Object.hasOwn(ref.states, s))];
}
