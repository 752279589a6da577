// Condition JSON (json-rules-engine, as the API takes it) ⇄ an editable tree, losslessly.
//
// The builder edits the tree; what is saved is `toCondition(fromCondition(json))`, which must be the
// very JSON that was loaded until the admin changes something (a property test checks it on random
// nested conditions). So nothing is normalised here: a comparison keeps its value exactly as given
// (number, text, list, true/false, null, a fact reference), an absent `path` stays absent, and any
// object this builder does not understand is carried as it is (a `raw` node) rather than "fixed".
// Whether a condition is valid is the engine's to say, on save: the Studio only shows its answer.

export type NodeId = string;

export interface GroupNode {
  kind: 'all' | 'any';
  id: NodeId;
  children: ConditionNode[];
}

export interface NotNode {
  kind: 'not';
  id: NodeId;
  child: ConditionNode;
}

export interface LeafNode {
  kind: 'leaf';
  id: NodeId;
  fact: unknown;
  /** undefined: the comparison has no `path` key at all. */
  path?: unknown;
  hasPath: boolean;
  operator: unknown;
  value: unknown;
}

/** Anything else: kept verbatim and shown as JSON. */
export interface RawNode {
  kind: 'raw';
  id: NodeId;
  json: unknown;
}

export type ConditionNode = GroupNode | NotNode | LeafNode | RawNode;

let counter = 0;
export const newId = (): NodeId => `n${++counter}`;

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const LEAF_KEYS = new Set(['fact', 'path', 'operator', 'value']);

/** Loads condition JSON into a tree; null / undefined (no condition) gives null. */
export function fromCondition(json: unknown): ConditionNode | null {
  if (json === null || json === undefined) return null;
  return load(json);
}

function load(json: unknown): ConditionNode {
  if (isPlainObject(json)) {
    const keys = Object.keys(json);
    if (keys.length === 1 && (keys[0] === 'all' || keys[0] === 'any') && Array.isArray(json[keys[0]])) {
      return { kind: keys[0], id: newId(), children: (json[keys[0]] as unknown[]).map(load) };
    }
    if (keys.length === 1 && keys[0] === 'not' && json.not !== undefined) return { kind: 'not', id: newId(), child: load(json.not) };
    if ('fact' in json && 'operator' in json && 'value' in json && keys.every((k) => LEAF_KEYS.has(k))) {
      return { kind: 'leaf', id: newId(), fact: json.fact, hasPath: 'path' in json, path: json.path, operator: json.operator, value: json.value };
    }
  }
  return { kind: 'raw', id: newId(), json };
}

/** The condition JSON a tree stands for (null: no condition). */
export function toCondition(node: ConditionNode | null): unknown {
  if (!node) return null;
  switch (node.kind) {
    case 'all':
      return { all: node.children.map(toCondition) };
    case 'any':
      return { any: node.children.map(toCondition) };
    case 'not':
      return { not: toCondition(node.child) };
    case 'leaf':
      return node.hasPath ? { fact: node.fact, path: node.path, operator: node.operator, value: node.value } : { fact: node.fact, operator: node.operator, value: node.value };
    case 'raw':
      return node.json;
  }
}

// ---- edits: each returns a new tree (React state stays immutable) ----

/** Replaces the node with this id (the replacement may be null: removal from a group or the root). */
export function replaceNode(root: ConditionNode | null, id: NodeId, next: ConditionNode | null): ConditionNode | null {
  if (!root) return root;
  if (root.id === id) return next;
  switch (root.kind) {
    case 'all':
    case 'any': {
      const children: ConditionNode[] = [];
      let changed = false;
      for (const c of root.children) {
        const r = replaceNode(c, id, next);
        if (r !== c) changed = true;
        if (r) children.push(r);
      }
      return changed ? { ...root, children } : root;
    }
    case 'not': {
      const child = replaceNode(root.child, id, next);
      if (child === root.child) return root;
      // A "not" whose condition is removed goes with it.
      return child ? { ...root, child } : null;
    }
    default:
      return root;
  }
}

export function findNode(root: ConditionNode | null, id: NodeId): ConditionNode | undefined {
  if (!root) return undefined;
  if (root.id === id) return root;
  if (root.kind === 'all' || root.kind === 'any') {
    for (const c of root.children) {
      const f = findNode(c, id);
      if (f) return f;
    }
  }
  if (root.kind === 'not') return findNode(root.child, id);
  return undefined;
}

export const leaf = (fact: string, path: string, operator: string, value: unknown): LeafNode => ({ kind: 'leaf', id: newId(), fact, hasPath: true, path, operator, value });
export const group = (kind: 'all' | 'any', children: ConditionNode[] = []): GroupNode => ({ kind, id: newId(), children });

/** Adds a node to a group; a root that is not a group is first wrapped in "all". */
export function addTo(root: ConditionNode | null, groupId: NodeId | null, node: ConditionNode): ConditionNode {
  if (!root) return node;
  if (groupId === null) {
    if (root.kind === 'all' || root.kind === 'any') return { ...root, children: [...root.children, node] };
    return group('all', [root, node]);
  }
  const target = findNode(root, groupId);
  if (!target || (target.kind !== 'all' && target.kind !== 'any')) return root;
  return replaceNode(root, groupId, { ...target, children: [...target.children, node] }) ?? node;
}

/** How many comparisons a tree holds (for "3 conditions" summaries). */
export function countLeaves(node: ConditionNode | null): number {
  if (!node) return 0;
  if (node.kind === 'leaf' || node.kind === 'raw') return 1;
  if (node.kind === 'not') return countLeaves(node.child);
  return node.children.reduce((n, c) => n + countLeaves(c), 0);
}
